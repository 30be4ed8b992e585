// End-to-end tests of the dashboard (issue 5) in a real browser: Debian's chromium driven by
// playwright-core, against a `mamori serve` started and seeded by tests/web/test_dashboard.py.
//
// Env (set by the Python wrapper):
//   MM_URL             http://127.0.0.1:PORT
//   MM_TOKEN           an authority Bearer token, to read the truth from the JSON API
//   MM_ANALYST_LOGIN, MM_ANALYST_OTP   an authority-analyst with a one-time password
//   MM_NEW_PASSWORD    the password the analyst sets through /password
//   MM_A_LOGIN, MM_A_PASSWORD, MM_A_ORG   a contractor-admin of contractor A (active)
//   MM_B_ORG           another contractor (B), named `<script>alert(1)</script> K.K.`
//   MM_B_NAME          that name
//   MM_B_LOGIN, MM_B_PASSWORD   a contractor-admin of contractor B (active)
//   MM_PRIME_ORG       a seeded contractor that has subcontractors
//   MM_VALID_FILE, MM_INVALID_FILE   an assessment, and a file of broken JSON
//   MM_SIGNED_FILE     an assessment signed (mamori sign) with a key of contractor A
//   MM_SCREENSHOTS     the folder for the screenshots
//   MM_DEADLINE_MS     the whole run's budget (default 75000)
//
// Every check prints "ok   name" or "FAIL name: detail"; the run exits 1 listing every
// failure. A step whose page is missing fails its checks and the run goes on with the next.

import fs from 'node:fs';
import {
  env, check, short, step, poll, run, launch, newContext, watch as watchPage, checkProblems, expected,
  count, has, need, fill, expectSel, goto as gotoBase, clickNav, login, shot as shotIn,
} from './common.mjs';

const BASE = env('MM_URL').replace(/\/$/, '');
const ORIGIN = new URL(BASE).origin;
const API = (process.env.MM_API_URL || BASE).replace(/\/$/, ''); // the JSON API (the same server)
const TOKEN = env('MM_TOKEN');
const ANALYST = env('MM_ANALYST_LOGIN');
const ANALYST_OTP = env('MM_ANALYST_OTP');
const NEW_PASSWORD = env('MM_NEW_PASSWORD');
const A_LOGIN = env('MM_A_LOGIN');
const A_PASSWORD = env('MM_A_PASSWORD');
const A_ORG = env('MM_A_ORG');
const B_ORG = env('MM_B_ORG');
const B_NAME = env('MM_B_NAME');
const B_LOGIN = env('MM_B_LOGIN');
const B_PASSWORD = env('MM_B_PASSWORD');
const PRIME_ORG = env('MM_PRIME_ORG');
const VALID_FILE = env('MM_VALID_FILE');
const SIGNED_FILE = env('MM_SIGNED_FILE');
const INVALID_FILE = env('MM_INVALID_FILE');
const SHOTS = env('MM_SCREENSHOTS');
const DEADLINE_MS = Number(env('MM_DEADLINE_MS', '75000'));

const STATUSES = ['meets', 'conditional', 'conditional-expired', 'not-met', 'no-valid-score', 'stale', 'none'];
const STATUS_WORDS = /meets|conditional|not[- ]met|no[- ]valid[- ]score|適合|条件付|不適合|無効|スコアなし/i;
const CJK = /[\u3040-\u30ff\u4e00-\u9fff]/;

// ---- the truth from the JSON API -----------------------------------------------------------

async function api(p) {
  const r = await fetch(API + p, { headers: { Authorization: `Bearer ${TOKEN}` } });
  if (r.status !== 200) throw new Error(`GET ${p}: HTTP ${r.status}: ${short(await r.text())}`);
  return r.json();
}

async function allContractors(query = '') {
  const out = [];
  for (let page = 1; ; page++) {
    const j = await api(`/api/v1/contractors?per_page=1000&page=${page}${query}`);
    out.push(...j.items);
    if (out.length >= j.total || j.items.length === 0) return out;
  }
}

// ---- per-page watching and navigation (common.mjs) -------------------------------------------

const watch = (page, who) => watchPage(page, who, ORIGIN);
const goto = (page, p, want = 200) => gotoBase(page, BASE, p, want);
const shot = (page, name) => shotIn(page, SHOTS, name);

async function langLinks(page, what) {
  check(await has(page, 'a#lang-ja'), `${what}: a#lang-ja`);
  check(await has(page, 'a#lang-en'), `${what}: a#lang-en`);
}

// A chart: svg#ID with role=img and a text alternative (aria-label, aria-labelledby or a
// <title>), inside a <figure> that has a <details> with a <table> (the data view).
async function chart(page, id, what, minRows = 1) {
  const sel = `svg#${id}`;
  if (!check(await has(page, sel), `${what}: ${sel} present`)) return;
  const info = await page.locator(sel).first().evaluate((svg) => {
    const title = svg.querySelector(':scope > title');
    let alt = svg.getAttribute('aria-label') || (title && title.textContent) || '';
    const lb = svg.getAttribute('aria-labelledby');
    if (!alt && lb) alt = lb.split(/\s+/).map((i) => (document.getElementById(i) || {}).textContent || '').join(' ');
    const fig = svg.closest('figure');
    const table = fig && fig.querySelector('details table');
    return {
      role: svg.getAttribute('role'),
      alt: alt.trim(),
      figure: !!fig,
      table: !!table,
      rows: table ? table.querySelectorAll('tr').length : 0,
      marks: svg.querySelectorAll('rect, path, circle, line, polyline').length,
    };
  });
  check(info.role === 'img', `${what}: ${sel} role=img`, `role=${info.role}`);
  check(info.alt.length > 0, `${what}: ${sel} has a text alternative (aria-label or <title>)`);
  check(info.figure, `${what}: ${sel} inside a <figure>`);
  check(info.table && info.rows > minRows, `${what}: ${sel} has a <details><table> data view` + (minRows ? ' with data rows' : ''), JSON.stringify(info));
  check(info.marks > 0, `${what}: ${sel} draws something`, JSON.stringify(info));
}

const rowIds = (page) => page.locator('table#contractors tr[data-org-id]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-org-id')));

function monotone(xs) {
  let up = true;
  let down = true;
  for (let i = 1; i < xs.length; i++) {
    if (xs[i] < xs[i - 1]) up = false;
    if (xs[i] > xs[i - 1]) down = false;
  }
  if (up && down) return 'flat';
  return up ? 'asc' : down ? 'desc' : 'none';
}

// ---- logon ----------------------------------------------------------------------------------

async function submitLogin(page, name, password) {
  await login(page, BASE, name, password);
}

async function submitPasswordForm(page, current, next) {
  await fill(page, 'form#password-form #current', current);
  await fill(page, 'form#password-form #new', next);
  await fill(page, 'form#password-form #confirm', next);
  const btn = (await has(page, 'form#password-form button[type=submit], form#password-form input[type=submit]'))
    ? 'form#password-form button[type=submit], form#password-form input[type=submit]'
    : 'form#password-form button';
  await clickNav(page, btn);
}

// ---- the run ---------------------------------------------------------------------------------

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  await launch();

  // -- the analyst ----------------------------------------------------------------------------
  const actx = await newContext();
  const page = await actx.newPage();
  watch(page, 'analyst');
  let analystIn = false;

  await step('login page', async () => {
    await goto(page, '/login');
    await expectSel(page, 'form#login-form', 'login');
    check(await has(page, 'form#login-form input#login[name=login]'), 'login: input#login name=login');
    check(await has(page, 'form#login-form input#password[type=password]'), 'login: input#password type=password');
    check(await has(page, 'form#login-form button#signin'), 'login: button#signin');
    await langLinks(page, 'login');
    await shot(page, 'login.png');
  });

  await step('logon with a wrong password', async () => {
    // the answer may be a 4xx page: its console message is expected
    expected.bad.add(BASE + '/login');
    await submitLogin(page, ANALYST, 'not-the-password-1');
    await expectSel(page, '.error[role=alert]', 'wrong password: an error');
    const t = (await page.locator('.error[role=alert]').first().textContent()) || '';
    check(t.trim().length > 0, 'wrong password: the error says something', short(t));
    check(await has(page, 'form#login-form'), 'wrong password: the login form is shown again');
    expected.bad.delete(BASE + '/login');
  });

  await step('logon as the analyst (one-time password, then /password)', async () => {
    if (!new URL(page.url()).pathname.startsWith('/login')) await goto(page, '/login');
    await submitLogin(page, ANALYST, ANALYST_OTP);
    let p = new URL(page.url()).pathname;
    check(p === '/password', 'one-time password: sent to /password', `at ${page.url()}`);
    if (p === '/password') {
      await expectSel(page, 'form#password-form', 'password');
      for (const s of ['#current', '#new', '#confirm']) check(await has(page, `form#password-form ${s}`), `password: ${s}`);
      await langLinks(page, 'password');
      // a mismatched confirmation is refused with an error that says so
      await fill(page, 'form#password-form #current', ANALYST_OTP);
      await fill(page, 'form#password-form #new', NEW_PASSWORD);
      await fill(page, 'form#password-form #confirm', NEW_PASSWORD + 'x');
      expected.bad.add(BASE + '/password');
      await clickNav(page, 'form#password-form button, form#password-form [type=submit]');
      check(await has(page, '.error[role=alert]'), 'password: a confirmation that differs is refused with .error[role=alert]', `at ${page.url()}`);
      expected.bad.delete(BASE + '/password');
      if (!(await has(page, 'form#password-form'))) await goto(page, '/password');
      await submitPasswordForm(page, ANALYST_OTP, NEW_PASSWORD);
      p = new URL(page.url()).pathname;
      if (p === '/login') {
        // some designs ask to log on again after the change
        await submitLogin(page, ANALYST, NEW_PASSWORD);
        p = new URL(page.url()).pathname;
      }
    }
    analystIn = check(p === '/overview', 'analyst ends on /overview', `at ${page.url()}`);
    if (!analystIn && p !== '/overview') {
      // the flow is broken: try the new password, then the one-time one, to go on
      await goto(page, '/login');
      await submitLogin(page, ANALYST, NEW_PASSWORD);
      analystIn = new URL(page.url()).pathname === '/overview';
    }
  });

  await step('overview', async () => {
    if (new URL(page.url()).pathname !== '/overview') await goto(page, '/overview');
    await expectSel(page, '#status-counts', 'overview');
    await langLinks(page, 'overview');
    check(await has(page, 'form#logout-form button#logout'), 'overview: form#logout-form button#logout');
    for (const s of STATUSES) {
      const truth = (await api(`/api/v1/contractors?status=${s}&per_page=1`)).total;
      const sel = `#status-counts [data-status="${s}"] .count`;
      const txt = (await has(page, sel)) ? (await page.locator(sel).first().textContent()) || '' : null;
      const shown = txt === null ? null : Number(txt.replace(/[^\d]/g, ''));
      check(shown === truth, `overview: ${s} count = API's ${truth}`, txt === null ? `${sel} missing` : `shows ${JSON.stringify(txt)}`);
    }
    for (const a of ['due', 'overdue']) {
      const truth = (await api(`/api/v1/contractors?affirmation=${a}&per_page=1`)).total;
      const sel = `#affirmation-counts [data-affirmation="${a}"] .count`;
      const txt = (await has(page, sel)) ? (await page.locator(sel).first().textContent()) || '' : null;
      const shown = txt === null ? null : Number(txt.replace(/[^\d]/g, ''));
      check(shown === truth, `overview: annual affirmation ${a} count = API's ${truth}`, txt === null ? `${sel} missing` : `shows ${JSON.stringify(txt)}`);
    }
    await chart(page, 'score-histogram', 'overview');
    await chart(page, 'family-heatmap', 'overview');
    {
      // the heatmap's labels as drawn: the computed fill (after every stylesheet rule)
      // against the cell's fill, at least 4.5:1 (WCAG 1.4.3)
      const worst = await page.locator('svg#family-heatmap text.cell').evaluateAll((ts) => {
        const lum = (rgb) => {
          const c = rgb.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
          return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        };
        const parse = (s) => {
          const m = s.match(/^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i);
          if (m) return m.slice(1).map((h) => parseInt(h, 16));
          const n = s.match(/\d+(\.\d+)?/g) || [0, 0, 0];
          return n.slice(0, 3).map(Number);
        };
        let min = Infinity;
        for (const t of ts) {
          const rect = t.previousElementSibling;
          const a = lum(parse(getComputedStyle(t).fill)), b = lum(parse(rect.getAttribute('fill')));
          min = Math.min(min, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
        }
        return ts.length ? min : null;
      });
      check(worst !== null && worst >= 4.5, 'overview: every heatmap label is at least 4.5:1 against its cell (computed style)', `${worst}`);
      const classes = await page.locator('svg#family-heatmap > rect[data-class]').evaluateAll((rs) => new Set(rs.map((r) => r.getAttribute('data-class')).filter((k) => k !== '-1')).size);
      check(classes >= 4, 'overview: the heatmap uses its colour classes', `${classes} classes`);
    }
    for (const t of ['top-failures', 'overdue', 'stale']) check(await has(page, `table#${t}`), `overview: table#${t}`);
    const reqLinks = await count(page, 'table#top-failures a[href^="/requirements/"]');
    check(reqLinks > 0, 'overview: table#top-failures links to /requirements/{id}', `${reqLinks} links`);
    const staleTruth = (await api('/api/v1/contractors?status=stale&per_page=1')).total;
    if (staleTruth > 0) {
      const rows = await count(page, 'table#stale tbody tr');
      check(rows > 0, `overview: table#stale has rows (${staleTruth} stale contractors)`, `${rows} rows`);
    }
    const overdue = (await api('/api/v1/poam/overdue?per_page=1')).total;
    if (overdue > 0) {
      const rows = await count(page, 'table#overdue tbody tr');
      check(rows > 0, `overview: table#overdue has rows (${overdue} overdue milestones)`, `${rows} rows`);
    }
    await shot(page, 'overview.png');
  });

  await step('requirement page', async () => {
    let href = null;
    if (await has(page, 'table#top-failures a[href^="/requirements/"]')) {
      href = await page.locator('table#top-failures a[href^="/requirements/"]').first().getAttribute('href');
    } else {
      const f = await api('/api/v1/requirements/failures?limit=1');
      if (f.items && f.items[0]) href = `/requirements/${encodeURIComponent(f.items[0].requirement)}`;
    }
    if (!check(!!href, 'requirement: a requirement to open')) return;
    await goto(page, href);
    await expectSel(page, '#met-count', 'requirement');
    check(await has(page, 'table#failing-contractors'), 'requirement: table#failing-contractors');
    check(await has(page, 'table#failing-objectives'), 'requirement: table#failing-objectives');
    const rows = await count(page, 'table#failing-contractors tbody tr');
    check(rows > 0, 'requirement: the most failed requirement has failing contractors listed', `${rows} rows`);
    await langLinks(page, 'requirement');
    await shot(page, 'requirement.png');
  });

  const all = await allContractors();
  const scoreOf = new Map(all.map((c) => [c.id, c.latest ? c.latest.score : null]));
  // the score sort ranks both frameworks on one scale: score / the framework's maximum
  // (Rev 2 SPRS 110; Rev 3 97 requirements)
  const shareOf = new Map(all.map((c) => [c.id, c.latest && c.latest.score !== null ? c.latest.score / (c.latest.framework === '800-171r2' ? 110 : 97) : null]));

  await step('contractor list', async () => {
    await goto(page, '/contractors');
    await expectSel(page, 'table#contractors', 'contractors');
    await langLinks(page, 'contractors');
    for (const s of ['form#filter input[name=q]', 'form#filter select[name=status]', 'nav.pagination', '#page-info', 'a#csv-export']) {
      check(await has(page, s), `contractors: ${s}`);
    }
    for (const k of ['name', 'score', 'status', 'assessed']) check(await has(page, `table#contractors a[data-sort=${k}]`), `contractors: a[data-sort=${k}]`);
    const ids = await rowIds(page);
    check(ids.length > 0 && ids.length < all.length, `contractors: first page has rows, fewer than all ${all.length}`, `${ids.length} rows`);
    check(ids.every((i) => scoreOf.has(i)), 'contractors: every row is a contractor of the API', JSON.stringify(ids.filter((i) => !scoreOf.has(i)).slice(0, 3)));
    const badges = await page.locator('table#contractors tr[data-org-id] span.badge[data-status]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-status')));
    check(badges.length === ids.length && badges.every((b) => STATUSES.includes(b)), 'contractors: a span.badge[data-status] per row with a known status', JSON.stringify(badges.slice(0, 5)));
    const truthStatus = new Map(all.map((c) => [c.id, c.status]));
    const bad = ids.filter((id, i) => truthStatus.get(id) !== undefined && badges[i] !== truthStatus.get(id));
    check(bad.length === 0, "contractors: each badge is the API's status", `${bad.length} differ, e.g. ${bad[0]}`);
    await shot(page, 'contractors.png');

    // CSV export of the current view
    if (await has(page, 'a#csv-export')) {
      const href = await page.locator('a#csv-export').getAttribute('href');
      const u = new URL(href, page.url());
      check(u.origin === ORIGIN, 'contractors: a#csv-export is on this origin', href);
      const r = await page.request.get(u.href);
      check(r.status() === 200 && /text\/csv/.test(r.headers()['content-type'] || ''), 'contractors: CSV export answers 200 text/csv', `${r.status()} ${r.headers()['content-type']}`);
      const body = await r.text();
      check(body.split('\n').filter((l) => l.trim()).length >= 2, 'contractors: CSV has a header and rows', short(body, 120));
    }
  });

  await step('contractor list: sorting by score', async () => {
    if (new URL(page.url()).pathname !== '/contractors' || new URL(page.url()).search) await goto(page, '/contractors');
    const before = (await rowIds(page)).join();
    await clickNav(page, 'a[data-sort=score]');
    const first = await poll(async () => {
      const ids = await rowIds(page);
      return ids.join() !== before ? ids : null;
    });
    const ids1 = first || (await rowIds(page));
    const s1 = ids1.map((i) => shareOf.get(i)).filter((s) => s !== null && s !== undefined);
    const dir1 = monotone(s1);
    check(dir1 === 'asc' || dir1 === 'desc', 'sort: a[data-sort=score] orders the rows by score / maximum', `scores ${JSON.stringify(s1.slice(0, 12))}`);
    const j1 = ids1.join();
    await clickNav(page, 'a[data-sort=score]');
    const ids2 = (await poll(async () => {
      const ids = await rowIds(page);
      return ids.join() !== j1 ? ids : null;
    })) || (await rowIds(page));
    const s2 = ids2.map((i) => shareOf.get(i)).filter((s) => s !== null && s !== undefined);
    const dir2 = monotone(s2);
    check((dir1 === 'asc' && dir2 === 'desc') || (dir1 === 'desc' && dir2 === 'asc'), 'sort: a second click reverses the order', `${dir1} then ${dir2}: ${JSON.stringify(s2.slice(0, 12))}`);
  });

  await step('contractor list: search and status filter', async () => {
    await goto(page, '/contractors');
    // a word that is in several names, but not in all
    const words = new Map();
    for (const c of all) for (const w of new Set(c.name.split(/[^A-Za-z]+/).filter((w) => w.length >= 5))) words.set(w, (words.get(w) || 0) + 1);
    const word = [...words.entries()].filter(([, n]) => n >= 2 && n <= 20).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (!check(!!word, 'filter: a search word from the seeded names')) return;
    const q = word[0];
    const truth = await allContractors(`&q=${encodeURIComponent(q)}`);
    await fill(page, 'form#filter input[name=q]', q);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 8000 }).catch(() => null), page.press('form#filter input[name=q]', 'Enter')]);
    const want = truth.map((c) => c.id).sort().join();
    const ids = (await poll(async () => {
      const x = await rowIds(page);
      return x.slice().sort().join() === want ? x : null;
    })) || (await rowIds(page));
    check(ids.length > 0 && ids.slice().sort().join() === want, `filter: q=${q} shows exactly the API's ${truth.length} matches`, `${ids.length} rows`);
    check((await page.locator('form#filter input[name=q]').inputValue()) === q, 'filter: the search box keeps the query');

    await goto(page, '/contractors');
    const st = 'not-met';
    const tst = await allContractors(`&status=${st}`);
    await need(page, 'form#filter select[name=status]');
    await page.selectOption('form#filter select[name=status]', st);
    await need(page, 'form#filter');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 8000 }).catch(() => null), page.locator('form#filter').evaluate((f) => f.requestSubmit())]);
    const wantS = tst.map((c) => c.id).sort().join();
    const idsS = (await poll(async () => {
      const x = await rowIds(page);
      return x.slice().sort().join() === wantS ? x : null;
    })) || (await rowIds(page));
    const shownAll = tst.length <= idsS.length;
    check(shownAll ? idsS.slice().sort().join() === wantS : idsS.every((i) => tst.some((c) => c.id === i)), `filter: status=${st} shows the API's ${tst.length}`, `${idsS.length} rows`);
    const badges = await page.locator('table#contractors span.badge[data-status]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-status')));
    check(badges.length > 0 && badges.every((b) => b === st), `filter: every badge is ${st}`, JSON.stringify([...new Set(badges)]));
  });

  await step('contractor list: paging', async () => {
    await goto(page, '/contractors');
    const ids1 = await rowIds(page);
    const info1 = (await has(page, '#page-info')) ? await page.locator('#page-info').textContent() : '';
    if (!check(await has(page, 'nav.pagination a[rel=next]'), `paging: nav.pagination a[rel=next] with ${all.length} contractors`)) return;
    check(!(await has(page, 'nav.pagination a[rel=prev]')), 'paging: no a[rel=prev] on the first page');
    await clickNav(page, 'nav.pagination a[rel=next]');
    const ids2 = (await poll(async () => {
      const x = await rowIds(page);
      return x.length && x.join() !== ids1.join() ? x : null;
    })) || (await rowIds(page));
    check(ids2.length > 0 && ids2.every((i) => !ids1.includes(i)), 'paging: the next page shows other contractors', `${ids2.length} rows`);
    const info2 = (await has(page, '#page-info')) ? await page.locator('#page-info').textContent() : '';
    check(info2 && info2 !== info1, '#page-info changes on the next page', `${JSON.stringify(info1)} -> ${JSON.stringify(info2)}`);
    check(await has(page, 'nav.pagination a[rel=prev]'), 'paging: a[rel=prev] on the second page');
    if (ids1.length + ids2.length >= all.length) check(!(await has(page, 'nav.pagination a[rel=next]')), 'paging: no a[rel=next] on the last page');
  });

  await step('contractor page', async () => {
    await goto(page, `/contractors/${PRIME_ORG}`);
    await expectSel(page, 'svg#score-history', 'contractor');
    await langLinks(page, 'contractor');
    await chart(page, 'score-history', 'contractor');
    await chart(page, 'family-bars', 'contractor');
    await chart(page, 'poam-timeline', 'contractor', 0); // this contractor may have no open milestone
    for (const s of ['table#gaps', 'table#submissions', 'form#diff-form select[name=a]', 'form#diff-form select[name=b]', 'ul#subcontractors']) {
      check(await has(page, s), `contractor: ${s}`);
    }
    const subs = (await allContractors(`&parent=${PRIME_ORG}`)).length;
    const li = await count(page, 'ul#subcontractors li');
    check(li >= subs && subs > 0, `contractor: ul#subcontractors lists its ${subs} subcontractor(s)`, `${li} li`);
    const hist = await api(`/api/v1/organizations/${PRIME_ORG}/submissions?per_page=100`);
    const rows = await count(page, 'table#submissions tbody tr');
    check(rows === hist.total, `contractor: table#submissions has its ${hist.total} submissions`, `${rows} rows`);
    await shot(page, 'contractor.png');

    // the diff of two submissions
    const opts = await page.locator('form#diff-form select[name=a] option').count();
    if (opts >= 2) {
      const vals = await page.locator('form#diff-form select[name=a] option').evaluateAll((os) => os.map((o) => o.value));
      await page.selectOption('form#diff-form select[name=a]', vals[1]);
      await page.selectOption('form#diff-form select[name=b]', vals[0]);
      const [resp] = await Promise.all([
        page.waitForNavigation({ waitUntil: 'load', timeout: 8000 }).catch(() => null),
        page.locator('form#diff-form').evaluate((f) => f.requestSubmit()),
      ]);
      check(!resp || resp.status() === 200, 'contractor: the diff form answers 200', resp ? `HTTP ${resp.status()} at ${page.url()}` : '');
      check(!(await has(page, '.error[role=alert]')), 'contractor: the diff of two submissions shows no error');
    } else {
      check(false, 'contractor: form#diff-form offers two submissions', `${opts} options`);
    }
  });

  await step('contractor page of a contractor with open POA&M milestones', async () => {
    await goto(page, `/contractors/${A_ORG}`);
    await chart(page, 'poam-timeline', 'contractor A', 1);
    const gaps = await count(page, 'table#gaps tbody tr');
    check(gaps > 0, 'contractor A: table#gaps lists the gaps of its latest submission', `${gaps} rows`);
  });

  await step('the <script> organization renders as text', async () => {
    await goto(page, `/contractors?q=${encodeURIComponent('alert(1)')}`);
    const txt = (await page.locator('table#contractors').textContent().catch(() => '')) || '';
    check(txt.includes(B_NAME), 'xss: the list shows the name as text', short(txt, 200));
    check((await count(page, 'table#contractors script')) === 0, 'xss: no <script> element in the list');
    await goto(page, `/contractors/${B_ORG}`);
    const body = (await page.locator('body').textContent()) || '';
    check(body.includes(B_NAME), 'xss: the contractor page shows the name as text');
    check((await page.locator('script').evaluateAll((ss) => ss.filter((s) => /alert\(1\)/.test(s.textContent)).length)) === 0, 'xss: no script element holds alert(1)');
  });

  await step('installation plans and a screening report', async () => {
    await goto(page, '/plans');
    await need(page, 'table#plans tbody tr a');
    const href = await page.locator('table#plans tbody tr a').first().getAttribute('href');
    await goto(page, href);
    await need(page, 'table#findings');
    check(await has(page, 'form#report-options label[for=months]'), 'screening report: its form is labelled');
    check(await has(page, 'a#download-json') && await has(page, 'a#download-html'), 'screening report: the signed downloads');
    await goto(page, '/designations');
    await need(page, 'table#designations tbody tr[data-designated="1"]');
    check(!(await has(page, 'form#designation-form')), 'designations: no form for an analyst (authority-admins only)');
  });

  await step('language switch', async () => {
    await goto(page, '/overview');
    check((await page.getAttribute('html', 'lang')) === 'en', 'lang: an en-US browser gets html[lang=en]', await page.getAttribute('html', 'lang'));
    await clickNav(page, 'a#lang-ja');
    await poll(async () => (await page.getAttribute('html', 'lang')) === 'ja');
    check((await page.getAttribute('html', 'lang')) === 'ja', 'lang: a#lang-ja gives html[lang=ja]', await page.getAttribute('html', 'lang'));
    check(new URL(page.url()).pathname === '/overview', 'lang: the switch stays on the page', page.url());
    const body = (await page.locator('body').innerText()) || '';
    check(CJK.test(body), 'lang: the page shows Japanese text', short(body, 120));
    await shot(page, 'ja-overview.png');
    await page.reload({ waitUntil: 'load' });
    check((await page.getAttribute('html', 'lang')) === 'ja', 'lang: Japanese is remembered after a reload');
    await goto(page, '/contractors');
    check((await page.getAttribute('html', 'lang')) === 'ja', 'lang: Japanese is remembered on the next page');
    await clickNav(page, 'a#lang-en');
    await poll(async () => (await page.getAttribute('html', 'lang')) === 'en');
    check((await page.getAttribute('html', 'lang')) === 'en', 'lang: a#lang-en gives html[lang=en] again');
  });

  await step('logout', async () => {
    await goto(page, '/overview');
    await clickNav(page, 'form#logout-form button#logout');
    check(new URL(page.url()).pathname === '/login', 'logout: back on /login', page.url());
    const r = await page.goto(BASE + '/overview', { waitUntil: 'load' });
    check(new URL(page.url()).pathname === '/login' || (r && r.status() === 401), 'logout: /overview now asks to log on', `${r && r.status()} at ${page.url()}`);
  });

  // -- contractor A ---------------------------------------------------------------------------
  const cctx = await newContext();
  const cp = await cctx.newPage();
  watch(cp, 'contractor A');

  await step('logon as contractor A', async () => {
    await goto(cp, '/login');
    await submitLogin(cp, A_LOGIN, A_PASSWORD);
    check(new URL(cp.url()).pathname === '/my', 'contractor logon ends on /my', cp.url());
  });

  await step('contractor own view', async () => {
    if (new URL(cp.url()).pathname !== '/my') await goto(cp, '/my');
    await expectSel(cp, '#my-status', 'my');
    await langLinks(cp, 'my');
    for (const s of ['table#my-poam', 'table#my-submissions', 'form#upload-form', 'form#upload-form input#assessment-file[type=file][name=assessment]', 'form#upload-form button#upload']) {
      check(await has(cp, s), `my: ${s}`);
    }
    const st = (await cp.locator('#my-status').textContent().catch(() => '')) || '';
    check(STATUS_WORDS.test(st), 'my: #my-status names a status', short(st, 120));
    await shot(cp, 'my.png');
  });

  // An unsigned assessment is checked and previewed (the server has no key to sign it with);
  // a signed document is a submission.
  await step('upload of a valid file', async () => {
    await goto(cp, '/my');
    const n0 = await api(`/api/v1/organizations/${A_ORG}/submissions?per_page=1`).then((j) => j.total);
    await need(cp, 'input#assessment-file');
    await cp.setInputFiles('input#assessment-file', VALID_FILE);
    await clickNav(cp, 'button#upload');
    await cp.waitForSelector('#upload-result, .error[role=alert]', { timeout: 15000 }).catch(() => null);
    const ok = await has(cp, '#upload-result');
    const err = (await has(cp, '.error[role=alert]')) ? await cp.locator('.error[role=alert]').first().textContent() : '';
    check(ok && !err, 'upload valid: #upload-result shown, no error', err ? `error: ${short(err)}` : `at ${cp.url()}`);
    if (ok) {
      const t = (await cp.locator('#upload-result').textContent()) || '';
      check(STATUS_WORDS.test(t), 'upload valid: #upload-result shows a status', short(t, 200));
    }
    const n1 = await api(`/api/v1/organizations/${A_ORG}/submissions?per_page=1`).then((j) => j.total);
    check(n1 === n0, 'upload valid (unsigned): a preview, nothing stored', `${n0} -> ${n1}`);
  });

  await step('upload of a signed file', async () => {
    await goto(cp, '/my');
    const n0 = await api(`/api/v1/organizations/${A_ORG}/submissions?per_page=1`).then((j) => j.total);
    await need(cp, 'input#assessment-file');
    await cp.setInputFiles('input#assessment-file', SIGNED_FILE);
    await clickNav(cp, 'button#upload');
    await cp.waitForSelector('#upload-result, .error[role=alert]', { timeout: 15000 }).catch(() => null);
    const err = (await has(cp, '.error[role=alert]')) ? await cp.locator('.error[role=alert]').first().textContent() : '';
    check((await has(cp, '#upload-result')) && !err, 'upload signed: #upload-result shown, no error', err ? `error: ${short(err)}` : `at ${cp.url()}`);
    const t = (await cp.locator('#upload-result').textContent().catch(() => '')) || '';
    check(STATUS_WORDS.test(t), 'upload signed: #upload-result shows a status', short(t, 200));
    const n1 = await api(`/api/v1/organizations/${A_ORG}/submissions?per_page=1`).then((j) => j.total);
    check(n1 === n0 + 1, 'upload signed: the submission is stored', `${n0} -> ${n1}`);
  });

  await step('upload of an invalid file', async () => {
    await goto(cp, '/my');
    await need(cp, 'input#assessment-file');
    await cp.setInputFiles('input#assessment-file', INVALID_FILE);
    expected.bad.add(cp.url());
    expected.bad.add(BASE + '/my');
    expected.bad.add(BASE + '/my/upload');
    await clickNav(cp, 'button#upload');
    await cp.waitForSelector('.error[role=alert]', { timeout: 15000 }).catch(() => null);
    const t = (await has(cp, '.error[role=alert]')) ? (await cp.locator('.error[role=alert]').first().textContent()) || '' : null;
    check(t !== null, 'upload invalid: .error[role=alert] shown', `at ${cp.url()}`);
    if (t !== null) check(/invalid JSON/i.test(t), 'upload invalid: the error says "invalid JSON"', short(t, 200));
    expected.bad.clear();
  });

  await step('contractor pages: tokens and keys', async () => {
    for (const p of ['/my/tokens', '/my/keys']) {
      await goto(cp, p);
      await langLinks(cp, p);
      check(await has(cp, 'form'), `${p}: has a form`);
    }
  });

  await step("contractor A cannot open contractor B's page", async () => {
    const st = await goto(cp, `/contractors/${B_ORG}`, 404);
    check(await has(cp, 'a#lang-ja'), 'isolation: the 404 is the HTML not-found page (with the layout)');
    const body = (await cp.locator('body').textContent().catch(() => '')) || '';
    check(!body.includes(B_NAME), "isolation: the 404 page does not name contractor B", short(body, 200));
    check(st === 404, 'isolation: not-found page for another contractor');
    expected.bad.clear();
    await goto(cp, `/contractors/${A_ORG}`); // its own page, by the same URL pattern
  });

  await step('contractor A: the authority pages are not for contractors', async () => {
    for (const p of ['/overview', '/contractors']) {
      expected.bad.add(BASE + p);
      const r = await cp.goto(BASE + p, { waitUntil: 'load' });
      const st = r ? r.status() : 0;
      const at = new URL(cp.url()).pathname;
      check(st >= 400 || at !== p, `isolation: a contractor gets no ${p}`, `HTTP ${st} at ${cp.url()}`);
      if (st === 200 && at === p) check(!(await has(cp, 'table#contractors tr[data-org-id], #status-counts')), `isolation: ${p} shows a contractor no other contractors`);
    }
    expected.bad.clear();
  });

  // -- contractor B, whose name is `<script>alert(1)</script> K.K.` -----------------------------
  const bctx = await newContext();
  const bp = await bctx.newPage();
  watch(bp, 'contractor B');

  await step("contractor B's own view shows its name as text", async () => {
    await goto(bp, '/login');
    await submitLogin(bp, B_LOGIN, B_PASSWORD);
    check(new URL(bp.url()).pathname === '/my', 'contractor B logon ends on /my', bp.url());
    const body = (await bp.locator('body').textContent()) || '';
    // the contract does not say /my names the organization: when the name is there, it is text
    const html = await bp.content();
    if (html.includes('alert(1)')) check(body.includes(B_NAME), 'xss: /my of B shows its name as text');
    else console.log('info /my of B does not show the organization name');
    check((await bp.locator('script').evaluateAll((ss) => ss.filter((s) => /alert\(1\)/.test(s.textContent)).length)) === 0, 'xss: no script element holds alert(1) on /my');
  });

  // -- a Japanese browser ------------------------------------------------------------------------
  const jctx = await newContext({ locale: 'ja-JP' });
  const jp = await jctx.newPage();
  watch(jp, 'ja browser');
  await step('a Japanese browser gets Japanese', async () => {
    await goto(jp, '/login');
    check((await jp.getAttribute('html', 'lang')) === 'ja', 'lang: Accept-Language ja gives html[lang=ja] on /login', await jp.getAttribute('html', 'lang'));
    check(CJK.test((await jp.locator('body').innerText()) || ''), 'lang: /login in Japanese for a Japanese browser');
  });

  // -- after every page ------------------------------------------------------------------------
  checkProblems();
}

await run(main, DEADLINE_MS);
