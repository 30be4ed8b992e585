// Every dashboard page type, as the authority's admin and as a contractor-admin, in English
// and Japanese, at 1280 px and at 390 px (a phone): no horizontal scroll (WCAG 1.4.10:
// document.documentElement.scrollWidth <= clientWidth) and axe-core clean (WCAG 2.2 AA).
// Then the keyboard: a sortable header sorts with Enter, and focus is visible. Started by
// tests/web/test_phone.py; the shared pieces are in common.mjs.
//
// Env: MM_URL, MM_ROOT_LOGIN, MM_A_LOGIN, MM_PASSWORD, MM_A_ORG, MM_PRIME_ORG, MM_DIFF (the
// diff page's query), MM_REQUIREMENT, MM_INCIDENT, MM_COMMUNITY (a community: its member picker), MM_ITEM, MM_SCREENSHOTS, MM_DEADLINE_MS.

import {
  env, check, step, run, launch, newContext, watch, checkProblems, goto, login, shot,
  noHorizontalScroll, axe, has, expected,
} from './common.mjs';

const BASE = env('MM_URL').replace(/\/$/, '');
const PASSWORD = env('MM_PASSWORD');
const A_ORG = env('MM_A_ORG');
const PRIME = env('MM_PRIME_ORG');
const SHOTS = env('MM_SCREENSHOTS');
const WIDTHS = [1280, 390];
const LANGS = ['en', 'ja'];

const common = ['/incidents', `/incidents/${env('MM_INCIDENT')}`, '/frameworks', '/items', '/items/new',
  '/communities', '/groups', '/notifications', '/plans', '/map', '/my/tokens', '/users', '/products'];
const ROLES = [
  {
    who: 'authority', login: env('MM_ROOT_LOGIN'),
    pages: ['/overview', '/contractors', `/contractors/${PRIME}`, `/contractors/${PRIME}/diff?${env('MM_DIFF')}`,
      `/requirements/${encodeURIComponent(env('MM_REQUIREMENT'))}`, '/overdue', '/trends', '/changes',
      '/sectors', ...common,
      '/organizations', '/organizations/new', `/organizations/${PRIME}/edit`, `/organizations/${PRIME}/consent`,
      `/communities/${env('MM_COMMUNITY')}/add?q=K.K.`,
      `/requirements/${encodeURIComponent(env('MM_REQUIREMENT'))}`, '/overdue', '/audit',
      '/audit?action=logon.success', ...common,
      ['/contractors/no-such-contractor', 404]],
  },
  {
    who: 'contractor', login: env('MM_A_LOGIN'),
    pages: ['/my', `/contractors/${A_ORG}`, '/my/keys', '/incidents/new', `/items/${env('MM_ITEM')}`, ...common,
      `/organizations/${A_ORG}/consent`],
  },
];
const SHOT_PAGES = { '/overview': 'overview', '/contractors': 'contractors', [`/contractors/${PRIME}`]: 'contractor' };

async function visitAll(ctx, page, lang, pages, who) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    for (const entry of pages) {
      const [p, want] = Array.isArray(entry) ? entry : [entry, 200];
      const what = `${who} ${lang} ${width}px ${p}`;
      await step(what, async () => {
        await goto(page, BASE, p, want);
        check((await page.getAttribute('html', 'lang')) === lang, `${what}: html[lang=${lang}]`);
        await noHorizontalScroll(page, what);
        await oneScrollRegion(page, what);
        await chartText(page, what);
        await axe(page, what);
        if (width === WIDTHS[0]) await times(page, lang, what);
        if (who === 'authority' && SHOT_PAGES[p]) await shot(page, SHOTS, `${SHOT_PAGES[p]}-${lang}-${width}.png`);
      });
      expected.bad.clear();
    }
  }
}

// Each table of the page's main part scrolls inside exactly one region, the layout's div.scroll
// (role=region; a tab stop while it has something to scroll, app.js): no page adds a wrapper of
// its own around it (a region, or a box whose class names scrolling), and no div.scroll sits
// inside another region. A chart's figure (it scrolls its drawing) is not such a wrapper.
async function oneScrollRegion(page, what) {
  const bad = await page.evaluate(() => {
    const name = (e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + String(e.className).split(' ').join('.') : ''}`;
    const region = (e) => e.getAttribute('role') === 'region' || Array.from(e.classList).some((c) => /scroll/.test(c));
    const out = [];
    for (const t of document.querySelectorAll('main table')) {
      const around = [];
      for (let e = t.parentElement; e && e.tagName !== 'MAIN'; e = e.parentElement) if (region(e)) around.push(name(e));
      if (around.length !== 1 || !t.parentElement.matches('div.scroll[role=region]'))
        out.push(`${name(t)} in ${around.length}: ${around.join(' < ')}`);
    }
    for (const d of document.querySelectorAll('main div.scroll')) {
      const outer = d.parentElement.closest('[role=region], [class*=scroll]');
      if (outer) out.push(`${name(d)} inside ${name(outer)}`);
    }
    return out;
  });
  check(bad.length === 0, `${what}: each table in exactly one scroll region (div.scroll)`, bad.slice(0, 3).join('; '));
}

// The charts' text as drawn (its font size times the SVG's scale) is 10 px or more: a chart
// does not shrink its labels to unreadable on a phone.
async function chartText(page, what) {
  const min = await page.evaluate(() => {
    let m = Infinity;
    for (const svg of document.querySelectorAll('figure.chart svg[viewBox]')) {
      const vb = svg.viewBox.baseVal;
      const w = svg.getBoundingClientRect().width;
      if (!vb || !vb.width || !w) continue;
      for (const t of svg.querySelectorAll('text')) m = Math.min(m, (parseFloat(getComputedStyle(t).fontSize) * w) / vb.width);
    }
    return m === Infinity ? null : m;
  });
  if (min !== null) check(min >= 10, `${what}: chart text is 10 px or more as drawn`, `${min.toFixed(1)} px`);
}

// Times: each <time title> shows its UTC instant (datetime=...Z) in the viewer's zone (JST,
// UTC+9, for Japanese; UTC for English), with the UTC time in its title.
async function times(page, lang, what, zone = lang === 'ja' ? 'JST' : 'UTC') {
  const ts = await page.locator('time[title]').evaluateAll((xs) => xs.map((t) => [t.getAttribute('datetime'), t.title, t.textContent]));
  const pad = (n) => String(n).padStart(2, '0');
  const bad = ts.filter(([dt, title, text]) => {
    const d = new Date(dt);
    if (!/Z$/.test(dt) || isNaN(d) || !/ UTC$/.test(title)) return true;
    const l = new Date(d.getTime() + (zone === 'JST' ? 9 * 3600e3 : 0));
    const want = `${l.getUTCFullYear()}-${pad(l.getUTCMonth() + 1)}-${pad(l.getUTCDate())} ${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())} ${zone}`;
    return text !== want;
  });
  if (ts.length) check(bad.length === 0, `${what}: ${ts.length} time(s) in ${zone}, UTC on hover`, JSON.stringify(bad.slice(0, 2)));
  return ts.length;
}

async function main() {
  await launch();
  // the pages before logon
  for (const lang of LANGS) {
    const ctx = await newContext({ locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
    const page = await ctx.newPage();
    watch(page, `anonymous ${lang}`, new URL(BASE).origin);
    await visitAll(ctx, page, lang, ['/login'], 'anonymous');
    await ctx.close();
  }
  for (const role of ROLES) {
    for (const lang of LANGS) {
      const ctx = await newContext();
      await ctx.addCookies([{ name: 'mm_lang', value: lang, url: BASE }]);
      const page = await ctx.newPage();
      watch(page, `${role.who} ${lang}`, new URL(BASE).origin);
      await step(`${role.who} ${lang}: logon`, async () => {
        await login(page, BASE, role.login, PASSWORD);
        check(!new URL(page.url()).pathname.startsWith('/login'), `${role.who} ${lang}: signed in`, page.url());
      });
      await visitAll(ctx, page, lang, role.pages, role.who);
      if (role.who === 'authority' && lang === 'ja') await keyboard(page);
      await ctx.close();
    }
  }
  checkProblems();
}

// Keyboard: a client-sortable header is a button that Enter sorts; the focused control shows an
// outline (a focus style that is not the browser's default only).
async function keyboard(page) {
  await step('keyboard: sortable headers and visible focus', async () => {
    await page.setViewportSize({ width: 390, height: 900 });
    await goto(page, BASE, `/contractors/${PRIME}`);
    const sel = 'table.data thead th button.sort';
    if (!check(await has(page, sel), 'keyboard: a client-sortable table has header buttons', sel)) return;
    const btn = page.locator(sel).first();
    await btn.focus();
    const outline = await btn.evaluate((b) => {
      const s = getComputedStyle(b);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    check(outline.style !== 'none' && outline.width >= 2, 'keyboard: the focused header shows an outline of 2 px or more', JSON.stringify(outline));
    await page.keyboard.press('Enter');
    const sort = await btn.evaluate((b) => b.closest('th').getAttribute('aria-sort'));
    check(sort === 'ascending' || sort === 'descending', 'keyboard: Enter on a header sorts the table (aria-sort)', `aria-sort=${sort}`);
    const link = page.locator('main a').first();
    await link.focus();
    const lo = await link.evaluate((a) => getComputedStyle(a).outlineStyle);
    check(lo !== 'none', 'keyboard: a focused link shows an outline', lo);
    // the viewer's choice of zone wins over the language's, and is remembered
    await goto(page, BASE, `/contractors/${PRIME}?tz=utc`);
    const n = await times(page, 'ja', 'tz: ?tz=utc on a Japanese page', 'UTC');
    check(n > 0, 'tz: the contractor page shows times', `${n}`);
    await goto(page, BASE, `/contractors/${PRIME}`);
    await times(page, 'ja', 'tz: remembered on the next page', 'UTC');
    await goto(page, BASE, `/contractors/${PRIME}?tz=jst`);
    await times(page, 'ja', 'tz: ?tz=jst', 'JST');
  });
}

await run(main, Number(env('MM_DEADLINE_MS', '600000')));
