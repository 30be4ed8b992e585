// The alliance map (/map) in a real browser: Debian's chromium driven by playwright-core,
// against a `mamori serve` of 10,000 seeded organizations started by tests/web/test_map.py.
//
// Env: MM_URL, MM_ROOT_LOGIN, MM_ROOT_PASSWORD (the authority), MM_C_LOGIN, MM_C_PASSWORD,
// MM_C_ORG (a contractor-admin of a seeded prime), MM_SCREENSHOT (the PNG of the map at
// 10,000 organizations), MM_DEADLINE_MS. The prime's suppliers page (/contractors/{org}/suppliers)
// is checked here too: its tree in the seeded network is many pages long.
//
// Every check prints "ok   name" or "FAIL name: detail"; exit 1 when any failed (common.mjs).

import { env, check, run, launch, newContext, watch, checkProblems, login } from './common.mjs';

const BASE = env('MM_URL').replace(/\/$/, '');
const ORIGIN = new URL(BASE).origin;
const DEADLINE_MS = Number(env('MM_DEADLINE_MS', '150000'));

async function summary(page) {
  return page.evaluate(() => {
    const s = document.getElementById('map-summary');
    const svg = document.querySelector('#map svg');
    return s && {
      organizations: Number(s.dataset.organizations),
      nodes: Number(s.dataset.nodes),
      grouped: s.dataset.grouped,
      drawn: svg ? svg.querySelectorAll('g.node').length : 0,
      links: svg ? svg.querySelectorAll('g.edge').length : 0,
    };
  });
}

// A context at the viewport given, with this test's timeouts (the map of 10,000 is slow to draw).
async function context(viewport, locale = 'en-US') {
  const ctx = await newContext({ locale, viewport });
  ctx.setDefaultTimeout(10000);
  ctx.setDefaultNavigationTimeout(30000);
  return ctx;
}

async function main() {
  await launch();
  const ctx = await context({ width: 1400, height: 1000 });
  const page = await ctx.newPage();
  watch(page, 'authority', ORIGIN);
  await login(page, BASE, env('MM_ROOT_LOGIN'), env('MM_ROOT_PASSWORD'));

  // the whole, at 10,000 organizations: grouped, drawn within 2 s. The first map after the
  // server starts also loads Graphviz's plugins (gvContext): timed and printed apart.
  const c0 = Date.now();
  let r = await page.goto(BASE + '/map', { waitUntil: 'load' });
  const cold = Date.now() - c0;
  console.log(`map: first load after the server started ${cold} ms`);
  const t0 = Date.now();
  r = await page.goto(BASE + '/map', { waitUntil: 'load' });
  const ms = Date.now() - t0;
  check(r && r.status() === 200, 'the map page answers 200', String(r && r.status()));
  let s = await summary(page);
  check(s && s.organizations >= 10000, 'the authority\'s map counts every organization', JSON.stringify(s));
  check(s && s.grouped === 'sector-country' && s.drawn === s.nodes && s.nodes > 5 && s.links > 5,
    'dense: grouped by sector and country, every group drawn with its links', JSON.stringify(s));
  check(ms < 2000, 'the map of 10,000 organizations is loaded and drawn within 2 s', `${ms} ms`);
  console.log(`map: ${ms} ms for ${s && s.organizations} organizations in ${s && s.nodes} groups`);
  await page.screenshot({ path: env('MM_SCREENSHOT'), fullPage: false });

  // zoom with the wheel, and back with 0
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  const z = await page.evaluate(() => document.getElementById('map').dataset.zoom);
  check(Number(z) > 1, 'the wheel zooms in', z);
  await page.focus('#map');
  await page.keyboard.press('0');
  const z0 = await page.evaluate(() => document.getElementById('map').dataset.zoom);
  check(z0 === '1', '0 resets the zoom', z0);

  // filter: Japanese organizations only, grouped by sector
  await page.fill('#map-filter input[name=country]', 'JP');
  await page.selectOption('#map-filter select[name=group]', 'sector');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#map-filter button')]);
  s = await summary(page);
  check(page.url().includes('country=JP') && s && s.grouped === 'sector' && s.organizations > 0 &&
    s.organizations < 10000, 'the filter keeps Japanese organizations, grouped by sector', JSON.stringify(s));

  // click through: a group opens its organizations
  // the smallest group (its count is the second line of its label), so the click-through
  // draws a few hundred organizations at most
  const idx = await page.evaluate(() => {
    const nodes = Array.from(document.querySelectorAll('#map svg g.node'));
    let best = 0, min = Infinity;
    nodes.forEach((g, i) => {
      const t = g.querySelectorAll('text');
      const n = t.length > 1 ? Number(t[t.length - 1].textContent) : Infinity;
      if (n < min) { min = n; best = i; }
    });
    return best;
  });
  const groupLink = page.locator('#map svg g.node a').nth(idx);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 60000 }),
    groupLink.click({ force: true, noWaitAfter: true })]);
  s = await summary(page);
  check(page.url().includes('group=none') && s && s.grouped === '' && s.drawn > 0,
    'a group links to the map of its organizations', `${page.url()} ${JSON.stringify(s)}`);
  const orgLink = await page.evaluate(() => {
    const a = document.querySelector('#map svg g.node a');
    return a && (a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href'));
  });
  check(orgLink && orgLink.startsWith('/contractors/'), 'an organization links to its page', String(orgLink));

  // a contractor: its neighbourhood only
  const c = await context({ width: 1200, height: 900 });
  const cp = await c.newPage();
  watch(cp, 'contractor', ORIGIN);
  await login(cp, BASE, env('MM_C_LOGIN'), env('MM_C_PASSWORD'));
  await cp.goto(BASE + '/map', { waitUntil: 'load' });
  const cs = await summary(cp);
  check(cs && cs.organizations > 1 && cs.organizations < 200 && cs.grouped === '',
    'a contractor sees its neighbourhood, not the whole', JSON.stringify(cs));
  const links = await cp.evaluate(() => Array.from(document.querySelectorAll('#map svg a'))
    .map((a) => a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || ''));
  check(links.every((h) => !h.startsWith('/contractors/')), 'no link to another organization\'s page',
    links.join(' '));

  // the prime's suppliers at every tier, with their checks, one page of 50 at a time
  await cp.click('a#nav-suppliers');
  await cp.waitForLoadState('load');
  const sup = async (pg) => pg.evaluate(() => {
    const s = document.getElementById('suppliers-summary');
    return s && {
      total: Number(s.dataset.total),
      shown: Number(s.dataset.shown),
      rows: Array.from(document.querySelectorAll('#suppliers tbody tr')).map((r) => r.dataset.edge),
      next: !!document.getElementById('suppliers-next'),
      supplierLinks: document.querySelectorAll('#suppliers a[href^="/contractors/"]').length,
    };
  });
  let sp = await sup(cp);
  check(cp.url().endsWith(`/contractors/${env('MM_C_ORG')}/suppliers`) && sp && sp.total > 0 &&
    sp.rows.length === Math.min(50, sp.total), 'the prime\'s suppliers page: its first page',
    `${cp.url()} ${JSON.stringify(sp && { ...sp, rows: sp.rows.length })}`);
  check(sp && sp.supplierLinks === 0, 'a contractor gets no link to its suppliers\' pages',
    String(sp && sp.supplierLinks));
  if (sp && sp.next) {
    const first = sp.rows;
    await Promise.all([cp.waitForNavigation({ waitUntil: 'load' }), cp.click('a#suppliers-next')]);
    sp = await sup(cp);
    check(sp && sp.rows.length > 0 && sp.rows.every((id) => !first.includes(id)),
      'the next page shows the following edges', JSON.stringify(sp && sp.rows.slice(0, 3)));
  }
  await cp.selectOption('#suppliers-filter select[name=check]', 'no-consent');
  await Promise.all([cp.waitForNavigation({ waitUntil: 'load' }), cp.click('#suppliers-filter button')]);
  const checks = await cp.evaluate(() => Array.from(document.querySelectorAll('#suppliers tbody tr'))
    .map((r) => r.dataset.check));
  check(cp.url().includes('check=no-consent') && checks.every((c) => c === 'no-consent'),
    'the check filter keeps the edges that answer it', checks.slice(0, 5).join(' '));
  const j = await context({ width: 1200, height: 900 }, 'ja-JP');
  const jp = await j.newPage();
  watch(jp, 'contractor ja', ORIGIN);
  await login(jp, BASE, env('MM_C_LOGIN'), env('MM_C_PASSWORD'));
  await jp.goto(`${BASE}/contractors/${env('MM_C_ORG')}/suppliers`, { waitUntil: 'load' });
  const jt = await jp.evaluate(() => document.querySelector('#suppliers thead').textContent);
  check(jt.includes('フローダウン確認') && jt.includes('階層'), 'the suppliers page in Japanese', jt);
  checkProblems(); // no script or CSP error, failed request or dialog on any page
}

await run(main, DEADLINE_MS);
