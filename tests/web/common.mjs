// What the dashboard's browser tests share (e2e.mjs, items_e2e.mjs, phone.mjs, views.mjs,
// map.mjs, sectors.mjs): the results ("ok   name" / "FAIL name: detail"), steps, polling, the
// watch on each page (console errors, uncaught exceptions, failed requests, dialogs, the
// documents' headers), navigation, logon, screenshots, the browser (Debian's /usr/bin/chromium
// driven by playwright-core), and the two checks every page gets at every width: no horizontal
// scroll (WCAG 1.4.10) and axe-core (node_modules/axe-core, injected through the DevTools
// protocol, so the pages' CSP stays on).

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export function env(k, d) {
  const v = process.env[k];
  if (v === undefined || v === '') {
    if (d !== undefined) return d;
    console.error(`${path.basename(process.argv[1] || 'test')}: the environment variable ${k} is required`);
    process.exit(2);
  }
  return v;
}

// ---- results ---------------------------------------------------------------------------------

export const fails = [];
let oks = 0;
const t0 = Date.now();

export function check(cond, name, detail = '') {
  if (cond) {
    oks++;
    console.log(`ok   ${name}`);
  } else {
    const msg = detail ? `${name}: ${detail}` : name;
    fails.push(msg);
    console.log(`FAIL ${msg}`);
  }
  return !!cond;
}

export const short = (s, n = 300) => {
  s = String(s);
  return s.length <= n ? s : `${s.slice(0, n)}...(${s.length} chars)`;
};

export async function step(name, fn) {
  const t = Date.now();
  try {
    await fn();
  } catch (e) {
    check(false, `${name} ran to the end`, short(e && e.message ? e.message.split('\n')[0] : e, 400));
  }
  console.log(`--   ${name}: ${Date.now() - t} ms`);
}

export function report() {
  console.log(`${oks} ok, ${fails.length} failure(s) in ${Date.now() - t0} ms`);
  if (fails.length) {
    console.log('FAILURES:');
    for (const f of fails) console.log(`  - ${f}`);
  }
}

// poll(fn): fn's first truthy answer within timeout ms (errors, e.g. a navigation that
// destroyed the page's context, count as "not yet"); else the last answer.
export async function poll(fn, timeout = 5000, every = 50) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch {
      last = undefined;
    }
    if (Date.now() > end) return last;
    await new Promise((r) => setTimeout(r, every));
  }
}

// ---- the browser and its deadline ------------------------------------------------------------

let browser = null;

export async function launch() {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 20000,
  });
  return browser;
}

// A context with the tests' defaults (timeouts of 3 s per action, 15 s per navigation).
export async function newContext(opts = {}) {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, acceptDownloads: false, ...opts });
  ctx.setDefaultTimeout(3000);
  ctx.setDefaultNavigationTimeout(15000);
  return ctx;
}

// Ends the run with a failure when it is still going after ms; run(main) clears it.
export function watchdog(ms) {
  return setTimeout(async () => {
    check(false, 'the run ends within its deadline', `${ms} ms passed`);
    try {
      if (browser) await browser.close();
    } catch {}
    report();
    process.exit(1);
  }, ms);
}

// Runs main under the deadline, closes the browser, reports and exits (1 on any failure).
export async function run(main, deadlineMs) {
  const dog = watchdog(deadlineMs);
  try {
    await main();
  } catch (e) {
    check(false, 'the run ran to the end', e && e.stack ? short(e.stack, 800) : String(e));
  } finally {
    clearTimeout(dog);
    try {
      if (browser) await browser.close();
    } catch {}
  }
  report();
  process.exit(fails.length ? 1 : 0);
}

// ---- the watch on every page ------------------------------------------------------------------

export const problems = []; // {kind, page, detail}
export const expected = { bad: new Set(), confirm: false }; // URLs expected >= 400; a confirm to accept
export const docHeaders = []; // {url, status, csp, nosniff} of every HTML document

export function watch(page, who, origin) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const loc = m.location() && m.location().url;
    if (/Failed to load resource/.test(m.text()) && loc && expected.bad.has(loc)) return;
    problems.push({ kind: 'console error', page: page.url(), detail: `${who}: ${m.text()} (${loc || ''})` });
  });
  page.on('pageerror', (e) => problems.push({ kind: 'uncaught exception', page: page.url(), detail: `${who}: ${e.message}` }));
  page.on('requestfailed', (r) => {
    const err = r.failure() && r.failure().errorText;
    if (/ERR_ABORTED/.test(err || '') && r.resourceType() !== 'document') return; // a download, a navigation away
    problems.push({ kind: 'failed request', page: page.url(), detail: `${who}: ${r.method()} ${r.url()}: ${err}` });
  });
  if (origin) {
    page.on('request', (r) => {
      const u = r.url();
      if (/^(data|blob|about):/.test(u)) return;
      let o;
      try {
        o = new URL(u).origin;
      } catch {
        o = u;
      }
      if (o !== origin) problems.push({ kind: 'request to another origin', page: page.url(), detail: `${who}: ${r.method()} ${u}` });
    });
  }
  page.on('response', async (r) => {
    const req = r.request();
    const u = r.url();
    if (r.status() >= 400 && !expected.bad.has(u)) {
      problems.push({ kind: 'failed request', page: page.url(), detail: `${who}: ${req.method()} ${u}: HTTP ${r.status()}` });
    }
    if (req.resourceType() === 'document') {
      const h = await r.allHeaders().catch(() => ({}));
      docHeaders.push({ url: u, status: r.status(), csp: h['content-security-policy'] || '', nosniff: h['x-content-type-options'] || '' });
    }
  });
  page.on('dialog', async (d) => {
    if (expected.confirm && d.type() === 'confirm') {
      expected.confirm = false; // the data-confirm of a dangerous form: accepted
      await d.accept().catch(() => {});
      return;
    }
    problems.push({ kind: 'dialog', page: page.url(), detail: `${who}: a ${d.type()} dialog: ${d.message()}` });
    await d.dismiss().catch(() => {});
  });
}

// After every page: one check per kind of problem, and the CSP and nosniff of every document.
export function checkProblems() {
  const by = new Map();
  for (const p of problems) {
    if (!by.has(p.kind)) by.set(p.kind, []);
    by.get(p.kind).push(`${p.detail} [on ${p.page}]`);
  }
  for (const k of ['console error', 'uncaught exception', 'failed request', 'request to another origin', 'dialog']) {
    const l = by.get(k) || [];
    check(l.length === 0, `no ${k} on any page`, `${l.length}: ${short(l.slice(0, 5).join(' | '), 900)}`);
  }
  const html = docHeaders.filter((d) => d.status < 300);
  const badCsp = html.filter((d) => !d.csp || /unsafe-inline|unsafe-eval/.test(d.csp) || !/frame-ancestors 'none'/.test(d.csp));
  check(html.length > 0 && badCsp.length === 0, "every page: CSP without unsafe-inline, with frame-ancestors 'none'", badCsp.slice(0, 2).map((d) => `${d.url}: ${d.csp}`).join(' | '));
  const badSniff = html.filter((d) => d.nosniff !== 'nosniff');
  check(badSniff.length === 0, 'every page: X-Content-Type-Options nosniff', badSniff.slice(0, 2).map((d) => d.url).join(' '));
}

// ---- helpers on a page -------------------------------------------------------------------------

export const count = (page, sel) => page.locator(sel).count();
export const has = async (page, sel) => (await count(page, sel)) > 0;
// Before acting on an element: a missing one fails the step at once (no wait for a timeout).
export async function need(page, sel) {
  if (!(await has(page, sel))) throw new Error(`${sel} is not on ${page.url()}`);
}
export async function fill(page, sel, v) {
  await need(page, sel);
  await page.fill(sel, v);
}

export async function expectSel(page, sel, what, timeout = 5000) {
  try {
    await page.waitForSelector(sel, { state: 'attached', timeout });
    return check(true, `${what}: ${sel}`);
  } catch {
    return check(false, `${what}: ${sel}`, `not on ${page.url()}`);
  }
}

// GET base + p, checking its status (want >= 400 marks the URL as expected to fail).
export async function goto(page, base, p, want = 200) {
  const url = base + p;
  if (want >= 400) expected.bad.add(url);
  const r = await page.goto(url, { waitUntil: 'load' });
  const st = r ? r.status() : 0;
  check(st === want, `GET ${p}: ${want}`, `HTTP ${st}, now at ${page.url()}`);
  return st;
}

// Clicks and waits for the navigation (if any) to load; true when the URL changed.
export async function clickNav(page, sel, timeout = 8000) {
  await need(page, sel);
  const before = page.url();
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout }).catch(() => null),
    page.locator(sel).first().click(),
  ]);
  return before !== page.url();
}

// The login form: input#login, input#password, button#signin.
export async function login(page, base, name, password) {
  if (!new URL(page.url() === 'about:blank' ? base + '/' : page.url()).pathname.startsWith('/login')) {
    await page.goto(base + '/login', { waitUntil: 'load' });
  }
  await fill(page, 'input#login', name);
  await fill(page, 'input#password', password);
  await clickNav(page, 'button#signin', 15000);
}

export async function shot(page, dir, name, opts = {}) {
  const file = path.join(dir, name);
  try {
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: file, fullPage: true, timeout: 15000, ...opts });
    console.log(`screenshot: ${file}`);
    check(fs.statSync(file).size > 1000, `screenshot ${name} written`);
  } catch (e) {
    check(false, `screenshot ${name} written`, e.message.split('\n')[0]);
  }
}

// ---- the checks of every page at every width ----------------------------------------------------

// No horizontal scroll (WCAG 1.4.10 reflow): the document is no wider than the viewport; on
// failure, the widest elements that stick out are named.
export async function noHorizontalScroll(page, what) {
  const r = await page.evaluate(() => {
    const de = document.documentElement;
    const out = { scroll: de.scrollWidth, client: de.clientWidth, wide: [] };
    if (out.scroll > out.client) {
      for (const el of document.body.querySelectorAll('*')) {
        const b = el.getBoundingClientRect();
        if (b.right > out.client + 1 && el.closest('.scroll, figure.chart, pre, .map') === null) {
          const id = el.id ? `#${el.id}` : '';
          const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(/\s+/).join('.')}` : '';
          out.wide.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(b.right)}`);
          if (out.wide.length >= 6) break;
        }
      }
    }
    return out;
  });
  return check(r.scroll <= r.client, `${what}: no horizontal scroll`, `scrollWidth ${r.scroll} > clientWidth ${r.client}: ${r.wide.join(', ')}`);
}

let axeSource = null;
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// axe-core's violations of WCAG 2.2 AA (its wcag2a/2aa/21a/21aa/22aa rules) on the page as it
// is; the check names each rule with its first elements.
export async function axe(page, what) {
  if (!axeSource) {
    const req = createRequire(import.meta.url);
    axeSource = fs.readFileSync(req.resolve('axe-core/axe.min.js'), 'utf8');
  }
  // through the DevTools protocol (Runtime.evaluate): not an inline <script>, so no CSP change
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  const found = await page.evaluate(async (tags) => {
    const res = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return res.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, first: v.nodes.slice(0, 2).map((n) => n.target.join(' ')) }));
  }, AXE_TAGS);
  return check(found.length === 0, `${what}: axe-core finds no WCAG 2.2 AA violation`, found.map((v) => `${v.id} (${v.impact}, ${v.nodes}): ${v.first.join(' | ')}`).join('; '));
}
