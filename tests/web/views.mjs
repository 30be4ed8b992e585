// The analyst's views in a real browser (issue 18, part 2): Debian's chromium driven by
// playwright-core, against a `mamori serve` of seeded contractors started by
// tests/web/test_views_web.py. The contractor list's filters (a filter URL reloads to the same
// rows, the same count as the API), the streamed CSV (its rows equal the filtered total, and
// all contractors past the first 1,000), the trend and "what changed" pages, the printable
// contractor page (print media, a PDF), with no script error or CSP violation on any page.
//
// Env: MM_URL, MM_ROOT_LOGIN, MM_ROOT_PASSWORD, MM_CONTRACTORS (how many were seeded),
// MM_PDF (where to write the contractor page as PDF).
//
// Every check prints "ok   name" or "FAIL name: detail"; exit 1 when any failed (common.mjs).

import { writeFileSync } from 'node:fs';
import { env, check, run, launch, newContext, watch, checkProblems, login, expected } from './common.mjs';

const BASE = env('MM_URL').replace(/\/$/, '');
const SEEDED = Number(env('MM_CONTRACTORS'));
const csvRows = (text) => text.split('\r\n').filter((l) => l.length > 0).length - 1;

async function main() {
  await launch();
  const ctx = await newContext();
  ctx.setDefaultTimeout(15000);
  ctx.setDefaultNavigationTimeout(30000);
  const page = await ctx.newPage();
  watch(page, 'authority', new URL(BASE).origin);
  await login(page, BASE, env('MM_ROOT_LOGIN'), env('MM_ROOT_PASSWORD'));

  // ---- the filters: set through the form, then the URL again
  await page.goto(BASE + '/contractors', { waitUntil: 'load' });
  await page.click('details#more-filters > summary');
  const sectors = await page.locator('select#f-sector option').evaluateAll((os) => os.map((o) => o.value).filter((v) => v));
  check(sectors.length > 1, 'the sector filter offers the seeded sectors', JSON.stringify(sectors));
  const sector = sectors[0];
  await page.selectOption('select#f-sector', sector);
  await page.fill('input#f-score_min', '40');
  await page.selectOption('select#framework', '800-171r2');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form#filter button[type=submit]')]);
  const url = page.url();
  const q = new URL(url).searchParams;
  check(q.get('sector') === sector && q.get('score_min') === '40' && q.get('framework') === '800-171r2',
    'the filters are saved in the URL', url);
  const rows = async () => page.locator('table#contractors tr[data-org-id]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-org-id')));
  const count = async () => Number(((await page.textContent('#result-count')) || '').replace(/[^0-9]/g, ''));
  const rows1 = await rows();
  const n1 = await count();
  const api = await page.request.get(`${BASE}/api/v1/contractors?per_page=1000&${q.toString()}`);
  const aj = await api.json();
  check(api.status() === 200 && aj.total === n1, 'the page counts what the API counts', `${aj.total} vs ${n1}`);
  check(aj.items.every((it) => (it.identifiers || {}).sector === sector && it.latest.framework === '800-171r2' && it.latest.score / 110 >= 0.4),
    'every contractor of the API matches the filters');
  await page.goto(url, { waitUntil: 'load' });
  check(JSON.stringify(await rows()) === JSON.stringify(rows1) && (await count()) === n1,
    'the filter URL reloads to the same rows and count', `${n1} rows`);
  check((await page.inputValue('input#f-score_min')) === '40' && (await page.inputValue('select#f-sector')) === sector,
    'the form shows the filters of the URL');
  check(await page.locator('details#more-filters').evaluate((d) => d.open), 'the further filters are open when set');

  // ---- the CSV of the view, and of everything
  const href = await page.getAttribute('a#csv-export', 'href');
  const csv = await page.request.get(new URL(href, BASE).href);
  const body = await csv.text();
  check(csv.status() === 200 && /text\/csv/.test(csv.headers()['content-type'] || ''), 'the CSV link answers CSV', String(csv.status()));
  check(csvRows(body) === n1, 'the CSV has as many rows as the filtered total', `${csvRows(body)} vs ${n1}`);
  const all = await page.request.get(`${BASE}/api/v1/contractors.csv`);
  const allRows = csvRows(await all.text());
  check(allRows === SEEDED && SEEDED > 1000, `the whole list's CSV has all ${SEEDED} contractors (past the first 1,000)`, String(allRows));

  // ---- a bad filter value: a 400 page naming it
  expected.bad.add(BASE + '/contractors?assessed_from=2026-02-30');
  const bad = await page.goto(BASE + '/contractors?assessed_from=2026-02-30', { waitUntil: 'load' });
  check(bad.status() === 400 && (await page.content()).includes('assessed_from'), 'a bad date is a 400 naming the parameter');

  // ---- the trend
  const tr = await page.goto(BASE + '/trends?months=6', { waitUntil: 'load' });
  check(tr.status() === 200, 'the trend page answers', String(tr.status()));
  for (const fw of ['800-171r2', '800-171r3']) {
    const bars = await page.locator(`#fig-trend-status-${fw} svg rect.bar`).count();
    check(bars > 0, `the ${fw} status chart has bars`, String(bars));
    const trs = await page.locator(`table#trend-table-${fw} tbody tr`).count();
    check(trs === 6, `the ${fw} table has six months`, String(trs));
    const line = await page.locator(`#fig-trend-median-${fw} svg polyline`).count();
    check(line === 1, `the ${fw} median line`);
  }
  await page.selectOption('select#months', '12');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form#trend-form button[type=submit]')]);
  check(new URL(page.url()).searchParams.get('months') === '12' && (await page.locator('table#trend-table-800-171r2 tbody tr').count()) === 12,
    'the months selector gives twelve months');
  const apiT = await (await page.request.get(`${BASE}/api/v1/trends?months=12`)).json();
  const last = apiT.months[11].frameworks['800-171r2'];
  const cells = await page.locator('table#trend-table-800-171r2 tbody tr:last-child td').allTextContents();
  check(Number(cells[0]) === last.contractors, 'the page shows the API\'s count of this month', `${cells[0]} vs ${last.contractors}`);
  await page.goto(BASE + '/trends?lang=ja', { waitUntil: 'load' });
  check((await page.textContent('h1')) === 'ポートフォリオの推移', 'the trend page in Japanese');
  await page.goto(BASE + '/trends?lang=en', { waitUntil: 'load' });

  // ---- what changed
  await page.click('a#changes-link');
  await page.waitForLoadState('load');
  check(new URL(page.url()).pathname === '/changes', 'the trend page links to what changed');
  await page.fill('input#since', '2020-01-01');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form#changes-form button[type=submit]')]);
  const newCount = Number(await page.getAttribute('#count-new', 'data-count'));
  const apiC = await (await page.request.get(`${BASE}/api/v1/changes?since=2020-01-01`)).json();
  check(newCount === apiC.new_submissions && newCount >= SEEDED, 'what changed since 2020 counts every submission', `${newCount} vs ${apiC.new_submissions}`);

  // ---- the printable contractor page
  await page.goto(BASE + '/contractors/' + rows1[0], { waitUntil: 'load' });
  check(await page.isVisible('button#print-report'), 'the print button is shown (the script runs)');
  await page.emulateMedia({ media: 'print' });
  check(!(await page.isVisible('nav.main-nav')) && !(await page.isVisible('button#print-report')),
    'printed: no navigation, no print button');
  check(await page.isVisible('#printed-note'), 'printed: the note of when and from where');
  const pdf = await page.pdf({ format: 'A4' });
  writeFileSync(env('MM_PDF'), pdf);
  check(pdf.length > 5000 && pdf.subarray(0, 5).toString() === '%PDF-', 'the page prints to a PDF', String(pdf.length));
  await page.emulateMedia({ media: 'screen' });

  checkProblems(); // no script error, CSP violation or failed request on any page
}

await run(main, 240000);
