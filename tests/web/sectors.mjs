// The national picture's drill-down (/sectors -> /sectors/{key} -> .../operators/{org} ->
// .../plans/{id} -> the party's page) in a real browser: Debian's chromium driven by
// playwright-core, against a `mamori serve` that tests/web/test_sectors.py seeded. At a desktop
// width (1280 px) and at 390 px (a phone): every page answers 200, has no script or CSP error,
// does not scroll sideways as a whole (wide tables scroll inside their own region), and has
// no axe-core violation of WCAG 2.1 A/AA; the click-through reaches the supplier's page.
//
// Env: MM_URL, MM_ROOT_LOGIN, MM_ROOT_PASSWORD, MM_OPERATOR, MM_PLAN, MM_SUPPLIER (ids),
// MM_SCREENSHOT_DIR, MM_DEADLINE_MS.
//
// Every check prints "ok   name" or "FAIL name: detail"; exit 1 when any failed.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const env = (k) => {
  const v = process.env[k];
  if (!v) {
    console.error(`sectors.mjs: the environment variable ${k} is required`);
    process.exit(2);
  }
  return v;
};
const BASE = env('MM_URL').replace(/\/$/, '');
const OP = env('MM_OPERATOR');
const PLAN = env('MM_PLAN');
const SUPPLIER = env('MM_SUPPLIER');
const SHOTS = env('MM_SCREENSHOT_DIR');
const DEADLINE_MS = Number(process.env.MM_DEADLINE_MS || '180000');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let oks = 0;
const fails = [];
function check(ok, name, detail = '') {
  if (ok) {
    oks++;
    console.log(`ok   ${name}`);
  } else {
    fails.push(`${name}: ${detail}`);
    console.log(`FAIL ${name}: ${detail}`);
  }
}

async function login(page) {
  await page.goto(BASE + '/login', { waitUntil: 'load' });
  await page.fill('input#login', env('MM_ROOT_LOGIN'));
  await page.fill('input#password', env('MM_ROOT_PASSWORD'));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button#signin')]);
}

// axe-core, evaluated through the DevTools protocol (not a script element, so the page's
// Content-Security-Policy stays as it is)
async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 2)
      .map((n) => n.target.join(' ')).join(', ')}`);
  });
}

async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

const watchdog = setTimeout(() => {
  check(false, 'the run ends within its deadline', `${DEADLINE_MS} ms`);
  process.exit(1);
}, DEADLINE_MS);

let browser;
try {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 20000,
  });
  const pages = ['/sectors', '/sectors/railway', `/sectors/railway/operators/${OP}`,
    `/sectors/railway/plans/${PLAN}`, '/sectors?lang=ja', `/sectors/railway/plans/${PLAN}?lang=ja`];
  for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }],
    ['390px', { width: 390, height: 844 }]]) {
    const ctx = await browser.newContext({ locale: 'en-US', viewport });
    ctx.setDefaultTimeout(10000);
    ctx.setDefaultNavigationTimeout(30000);
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await login(page);
    for (const path of pages) {
      const r = await page.goto(BASE + path, { waitUntil: 'load' });
      check(r && r.status() === 200, `${label} ${path}: 200`, String(r && r.status()));
      const over = await overflow(page);
      check(over <= 0, `${label} ${path}: the page does not scroll sideways`, `${over} px too wide`);
      const v = await axe(page);
      check(v.length === 0, `${label} ${path}: no axe-core violation (WCAG 2.1 A/AA)`, v.join(' | '));
    }
    await page.goto(BASE + '/sectors', { waitUntil: 'load' });
    await page.screenshot({ path: join(SHOTS, `sectors-${label}.png`), fullPage: true });

    // the click-through: sector -> operator -> plan -> party
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
      page.click('#sectors tr[data-sector=railway] a')]);
    check(page.url().endsWith('/sectors/railway'), `${label}: the sector opens`, page.url());
    const ops = await page.locator('#sector-operators tr[data-operator]').count();
    check(ops === 1, `${label}: the sector lists its operator`, String(ops));
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
      page.click(`#sector-operators tr[data-operator="${OP}"] a`)]);
    check(page.url().endsWith(`/sectors/railway/operators/${OP}`), `${label}: the operator opens`, page.url());
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
      page.click(`#sector-plans tr[data-plan="${PLAN}"] th a`)]);
    check(page.url().endsWith(`/sectors/railway/plans/${PLAN}`), `${label}: the plan opens`, page.url());
    const roles = await page.locator('#plan-parties tr[data-role]').evaluateAll(
      (rows) => rows.map((r) => `${r.dataset.role}:${r.dataset.known}:${r.dataset.valid}`));
    check(roles.join(',') === 'supplier:1:0,maintainer:0:0', `${label}: the plan's parties`, roles.join(','));
    await page.screenshot({ path: join(SHOTS, `plan-${label}.png`), fullPage: true });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
      page.click('#plan-parties tr[data-role=supplier] a')]);
    check(page.url().endsWith(`/contractors/${SUPPLIER}`), `${label}: the party opens on its own page`, page.url());
    check(errors.length === 0, `${label}: no script or CSP error on the pages`, errors.join(' | '));
    await ctx.close();
  }
} catch (e) {
  check(false, 'the run completes', String(e && e.stack || e));
} finally {
  clearTimeout(watchdog);
  if (browser) await browser.close();
}
console.log(`${oks} ok, ${fails.length} failed`);
process.exit(fails.length ? 1 : 0);
