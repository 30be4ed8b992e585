// The audit log's page in a real browser (issue 18 item 4; docs/dashboard.md `/audit`):
// Debian's chromium driven by playwright-core against a `mamori serve` started by
// tests/web/test_audit_web.py. The filter form (an action chosen, the filter saved in the URL,
// the same rows when the URL is loaded again), the older and newer pages, the "Verify the
// chain" button (its result on the page), the keyboard, and axe-core in English and Japanese,
// with no script error or CSP violation on any page.
//
// Env: MM_URL, MM_ROOT_LOGIN, MM_ROOT_PASSWORD, MM_RECORDS (the records the log holds before
// the browser signs in).

import {
  axe, check, checkProblems, clickNav, env, expectSel, goto, launch, login, newContext, run, step, watch,
} from './common.mjs';

const BASE = env('MM_URL').replace(/\/$/, '');
const RECORDS = Number(env('MM_RECORDS'));

const ids = (page) => page.locator('table#audit tr[data-id]').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-id'))));
const actions = (page) => page.locator('table#audit tr[data-id] td:nth-child(3) code').allTextContents();

async function main() {
  await launch();
  const ctx = await newContext();
  const page = await ctx.newPage();
  watch(page, 'root', new URL(BASE).origin);
  await step('logon', async () => {
    await login(page, BASE, env('MM_ROOT_LOGIN'), env('MM_ROOT_PASSWORD'));
    check(!new URL(page.url()).pathname.startsWith('/login'), 'root signed in', page.url());
  });

  await step('the navigation and the newest page', async () => {
    await goto(page, BASE, '/overview?lang=en');
    check(await clickNav(page, 'a#nav-audit'), 'the navigation leads to /audit', page.url());
    const first = await ids(page);
    check(first.length === Math.min(50, RECORDS) && first.every((v, i) => i === 0 || v < first[i - 1]),
      'the newest 50 records, newest first', JSON.stringify(first.slice(0, 5)));
    const top = (await actions(page))[0];
    check(first[0] === RECORDS + 1 && top === 'logon.success', "the first row is the last record: this logon", `${first[0]} ${top} vs ${RECORDS}`);
    const times = await page.locator('table#audit tr[data-id] td:first-child time[datetime]').count();
    check(times === first.length, 'each row has its <time>', `${times} of ${first.length}`);
  });

  await step('filter by action through the form', async () => {
    await page.selectOption('select#action', 'logon.failure');
    check(await clickNav(page, 'form#audit-filter button[type=submit]'), 'the filter form submits');
    const url = page.url();
    check(new URL(url).searchParams.get('action') === 'logon.failure', 'the filter is saved in the URL', url);
    const acts = await actions(page);
    check(acts.length >= 3 && acts.every((a) => a === 'logon.failure'), 'only logon.failure rows', JSON.stringify(acts));
    const rows = await ids(page);
    await goto(page, BASE, new URL(url).pathname + new URL(url).search);
    check(JSON.stringify(await ids(page)) === JSON.stringify(rows), 'the URL loaded again gives the same rows');
    check((await page.inputValue('select#action')) === 'logon.failure', 'the form shows the filter');
    check(await clickNav(page, 'a#audit-clear'), 'clear filters');
    check(new URL(page.url()).search === '', 'the filters are gone from the URL', page.url());
  });

  await step('older and newer pages', async () => {
    await goto(page, BASE, '/audit?limit=10');
    const p1 = await ids(page);
    check(await clickNav(page, 'a#audit-older'), 'older records');
    const p2 = await ids(page);
    const q = new URL(page.url()).searchParams;
    check(q.get('limit') === '10' && q.get('before') === String(p1[p1.length - 1]), 'the older link keeps the page size', page.url());
    check(p2.length === 10 && p2[0] === p1[p1.length - 1] - 1, 'the older page follows the first', `${p1} / ${p2}`);
    check(await clickNav(page, 'a#audit-newer'), 'newer records');
    check(JSON.stringify(await ids(page)) === JSON.stringify(p1), 'back to the first page', JSON.stringify(await ids(page)));
    check((await page.locator('a#audit-newer').count()) === 0, 'the first page has no newer link');
  });

  await step('verify the chain (English), by the keyboard', async () => {
    await goto(page, BASE, '/audit?lang=en&action=logon.success');
    await page.focus('button#verify-chain');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    await expectSel(page, '#verify-result[data-intact="true"][role="status"]', 'the result on the page');
    const n = await page.getAttribute('#verify-result', 'data-records');
    check(Number(n) >= RECORDS, 'every record checked', `${n} vs ${RECORDS}`);
    check(/chain is intact/.test(await page.textContent('#verify-result')), 'the result says intact', await page.textContent('#verify-result'));
    const acts = await actions(page);
    check(acts.length > 0 && acts.every((a) => a === 'logon.success'), 'the page keeps its filter after verifying', JSON.stringify(acts));
    await axe(page, '/audit after verifying (en)');
  });

  await step('axe in English and Japanese', async () => {
    await goto(page, BASE, '/audit?lang=en');
    await axe(page, '/audit (en)');
    await goto(page, BASE, '/audit?lang=ja');
    check((await page.getAttribute('html', 'lang')) === 'ja', 'the page in Japanese');
    check(/監査ログ/.test(await page.textContent('h1')), 'the Japanese title', await page.textContent('h1'));
    await axe(page, '/audit (ja)');
    await clickNav(page, 'button#verify-chain');
    await expectSel(page, '#verify-result[data-intact="true"]', 'the result in Japanese');
    check(/チェーンは完全です/.test(await page.textContent('#verify-result')), 'the Japanese result', await page.textContent('#verify-result'));
    await axe(page, '/audit after verifying (ja)');
    await page.setViewportSize({ width: 390, height: 900 });
    await goto(page, BASE, '/audit?lang=en');
    await axe(page, '/audit at 390 px');
  });
  await ctx.close();
  checkProblems();
}

await run(main, 240000);
