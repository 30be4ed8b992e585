// The national picture's drill-down (/sectors -> /sectors/{key} -> .../operators/{org} ->
// .../plans/{id} -> the party's page) in a real browser: Debian's chromium driven by
// playwright-core, against a `mamori serve` that tests/web/test_sectors.py seeded. At a desktop
// width (1280 px) and at 390 px (a phone): every page answers 200, has no script or CSP error,
// does not scroll sideways as a whole (wide tables scroll inside the layout's region), and has
// no axe-core violation of WCAG 2.2 AA (common.mjs); the click-through reaches the supplier's
// page.
//
// Env: MM_URL, MM_ROOT_LOGIN, MM_ROOT_PASSWORD, MM_OPERATOR, MM_PLAN, MM_SUPPLIER (ids),
// MM_SCREENSHOT_DIR, MM_DEADLINE_MS.
//
// Every check prints "ok   name" or "FAIL name: detail"; exit 1 when any failed (common.mjs).

import { join } from 'node:path';
import {
  env, check, run, launch, newContext, watch, checkProblems, login, goto, noHorizontalScroll, axe,
} from './common.mjs';

const BASE = env('MM_URL').replace(/\/$/, '');
const OP = env('MM_OPERATOR');
const PLAN = env('MM_PLAN');
const SUPPLIER = env('MM_SUPPLIER');
const SHOTS = env('MM_SCREENSHOT_DIR');
const DEADLINE_MS = Number(env('MM_DEADLINE_MS', '180000'));

async function main() {
  await launch();
  const pages = ['/sectors', '/sectors/railway', `/sectors/railway/operators/${OP}`,
    `/sectors/railway/plans/${PLAN}`, '/sectors?lang=ja', `/sectors/railway/plans/${PLAN}?lang=ja`];
  for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }],
    ['390px', { width: 390, height: 844 }]]) {
    const ctx = await newContext({ viewport });
    ctx.setDefaultTimeout(10000);
    ctx.setDefaultNavigationTimeout(30000);
    const page = await ctx.newPage();
    watch(page, label, new URL(BASE).origin);
    await login(page, BASE, env('MM_ROOT_LOGIN'), env('MM_ROOT_PASSWORD'));
    for (const path of pages) {
      await goto(page, BASE, path);
      await noHorizontalScroll(page, `${label} ${path}`);
      await axe(page, `${label} ${path}`);
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
    await ctx.close();
  }
  checkProblems(); // no script or CSP error, failed request or dialog on any page
}

await run(main, DEADLINE_MS);
