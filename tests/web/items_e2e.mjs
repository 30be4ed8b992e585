// End-to-end tests of the dashboard's shared items (issue 17 item 5) in a real browser:
// Debian's chromium driven by playwright-core, against a `mamori serve` started by
// tests/web/test_items.py. Contractor A shares an item with contractor B through the form
// (under the sensitive-but-unclassified notice), finds it by search and label, downloads its
// STIX bundle; B reads it; the authority, not a recipient, does not; a gated item is not shown
// to B's user outside its need-to-know group; Japanese; no inline script (CSP), no console
// error, no dialog.
//
// Env: MM_URL, MM_TOKEN (an authority Bearer token), MM_A_LOGIN, MM_B_LOGIN, MM_PASSWORD,
// MM_B_ORG, MM_GATED_ID (a gated item of A for B's organization, whose need-to-know group B's
// user is not in), MM_SCREENSHOTS, MM_DEADLINE_MS.

import fs from 'node:fs';
import path from 'node:path';
import {
  env, check, short, step, run, launch, newContext, watch as watchPage, checkProblems, expected,
  has, need, fill, goto as gotoBase, clickNav, login, shot as shotIn,
} from './common.mjs';

const BASE = env('MM_URL').replace(/\/$/, '');
const API = BASE;
const TOKEN = env('MM_TOKEN');
const A_LOGIN = env('MM_A_LOGIN');
const B_LOGIN = env('MM_B_LOGIN');
const PASSWORD = env('MM_PASSWORD');
const B_ORG = env('MM_B_ORG');
const GATED_ID = env('MM_GATED_ID');
const SHOTS = env('MM_SCREENSHOTS');
const DEADLINE_MS = Number(env('MM_DEADLINE_MS', '120000'));

// the shared watch, navigation, logon and screenshots (common.mjs)
const watch = (page, who) => watchPage(page, who);
const goto = (page, p, want = 200) => gotoBase(page, BASE, p, want);
const shot = (page, name) => shotIn(page, SHOTS, name);
const logon = (page, name) => login(page, BASE, name, PASSWORD);
// the tests' contexts: 8 s per action, 20 s per navigation
async function context() {
  const ctx = await newContext();
  ctx.setDefaultTimeout(8000);
  ctx.setDefaultNavigationTimeout(20000);
  return ctx;
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  await launch();
  const actx = await context();
  const cp = await actx.newPage();
  watch(cp, 'contractor A');
  const bctx = await context();
  const bp = await bctx.newPage();
  watch(bp, 'contractor B');

  await step('logon as A and B', async () => {
    await logon(cp, A_LOGIN);
    await logon(bp, B_LOGIN);
    check(await has(cp, 'nav a[href="/items"]'), 'items: the navigation links /items');
  });

  let itemId = null;
  await step('shared items: the form shares an item, under the SBU notice', async () => {
    await goto(cp, '/items');
    for (const s of ['a#new-item', 'form#item-search input[name=q]', 'form#item-search select[name=tlp]', 'table#items']) {
      check(await has(cp, s), `items: ${s}`);
    }
    await clickNav(cp, 'a#new-item');
    check(new URL(cp.url()).pathname === '/items/new', 'items: a#new-item opens /items/new', cp.url());
    const sbu = (await cp.locator('#sbu-notice').textContent().catch(() => '')) || '';
    check(/sensitive-but-unclassified/.test(sbu) && /pointer/.test(sbu), 'items: the form says the system holds only sensitive-but-unclassified information', short(sbu, 200));
    // a RED item without named users is refused with the API's message, the fields kept
    await fill(cp, 'form#item-form input[name=title]', 'E2E refused');
    await cp.selectOption('form#item-form select[name=tlp]', 'TLP:RED');
    expected.bad.add(BASE + '/items');
    await clickNav(cp, 'form#item-form button[type=submit]');
    const err = (await has(cp, '.error[role=alert]')) ? (await cp.locator('.error[role=alert]').first().textContent()) || '' : '';
    check(/\$\.recipients/.test(err), 'items: a RED item without users is refused naming $.recipients', short(err, 200));
    check((await cp.inputValue('form#item-form input[name=title]').catch(() => '')) === 'E2E refused', 'items: the refused form keeps its fields');
    expected.bad.clear();
    await fill(cp, 'form#item-form input[name=title]', 'E2E <b>phishing</b> wave');
    await cp.selectOption('form#item-form select[name=tlp]', 'TLP:AMBER+STRICT');
    await fill(cp, 'form#item-form textarea[name=description]', 'seen at two suppliers');
    await fill(cp, 'form#item-form textarea[name=indicators]', 'ipv4-addr 198.51.100.77');
    await fill(cp, 'form#item-form input[name=orgs]', B_ORG);
    await clickNav(cp, 'form#item-form button[type=submit]');
    const m = /^\/items\/([0-9a-f-]{36})$/.exec(new URL(cp.url()).pathname);
    check(!!m, 'items: sharing ends on the new item page', cp.url());
    itemId = m && m[1];
    check(((await cp.locator('h1#item-title').textContent().catch(() => '')) || '') === 'E2E <b>phishing</b> wave', 'items: the title is shown as text');
    check(await has(cp, 'span.tlp[data-tlp=amber-strict]'), 'items: the label is shown');
    check(/198\.51\.100\.77/.test((await cp.locator('table#indicators').textContent().catch(() => '')) || ''), 'items: the indicator is shown');
    const href = await cp.getAttribute('a#stix-download', 'href').catch(() => null);
    check(href === `/api/v1/items/${itemId}/stix`, 'items: a#stix-download links the STIX bundle', String(href));
    if (href) {
      const r = await cp.request.get(BASE + href);
      const j = r.status() === 200 ? await r.json().catch(() => null) : null;
      check(j && j.type === 'bundle' && j.objects.some((o) => o.type === 'report'), 'items: the download is a STIX 2.1 bundle with the report', `HTTP ${r.status()}`);
    }
    await shot(cp, 'item.png');
    // edit: widen to TLP:AMBER (the originator's organization); a narrower label is not offered
    check(await has(cp, 'form#widen-form'), 'items: the originator may widen the item');
    const offered = await cp.locator('form#widen-form select[name=tlp] option').allTextContents();
    check(!offered.includes('TLP:RED'), 'items: no narrower label is offered', offered.join(','));
    await cp.selectOption('form#widen-form select[name=tlp]', 'TLP:AMBER');
    await clickNav(cp, 'form#widen-form button[type=submit]');
    check(await has(cp, 'span.tlp[data-tlp=amber]'), 'items: widened to TLP:AMBER', cp.url());
    await cp.selectOption('form#widen-form select[name=tlp]', 'TLP:AMBER');
    await fill(cp, 'form#widen-form input[name=users]', 'no-such-login');
    expected.bad.add(`${BASE}/items/${itemId}/share`);
    await clickNav(cp, 'form#widen-form button[type=submit]');
    const werr = (await has(cp, '.error[role=alert]')) ? (await cp.locator('.error[role=alert]').first().textContent()) || '' : '';
    check(/no such user/.test(werr), 'items: an unknown recipient is refused naming it', short(werr, 200));
    expected.bad.clear();
  });

  await step('shared items: list, search, label filter, Japanese', async () => {
    await goto(cp, '/items?q=198.51.100.77');
    check(await has(cp, `table#items tr[data-item-id="${itemId}"]`), 'items: the search finds the item by its indicator');
    await goto(cp, '/items?tlp=red');
    check(!(await has(cp, `table#items tr[data-item-id="${itemId}"]`)), 'items: the RED filter leaves the (widened) AMBER item out');
    await goto(cp, '/items?tlp=amber');
    check(await has(cp, `table#items tr[data-item-id="${itemId}"]`), 'items: the AMBER filter keeps it');
    await goto(cp, '/items/new?lang=ja');
    check(/機微だが非秘密/.test((await cp.locator('#sbu-notice').textContent().catch(() => '')) || ''), 'items: the notice in Japanese');
    await goto(cp, '/items');
    check(/共有情報/.test((await cp.locator('h1').first().textContent().catch(() => '')) || ''), 'items: the list in Japanese');
    await goto(cp, '/items?lang=en');
    await shot(cp, 'items.png');
  });

  await step('shared items: the recipient reads it, the authority does not, the gate holds', async () => {
    await goto(bp, `/items/${itemId}`);
    check(await has(bp, 'h1#item-title'), 'items: B, the recipient organization, reads it');
    await goto(bp, '/items');
    check(await has(bp, `table#items tr[data-item-id="${itemId}"]`), "items: it is on B's list");
    const r = await fetch(`${API}/api/v1/items/${itemId}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    check(r.status === 404, 'items: the authority is no recipient of it (404)', `HTTP ${r.status}`);
    check(!(await has(bp, `table#items tr[data-item-id="${GATED_ID}"]`)), "items: a gated item is not on the list of a user outside its group");
    await goto(bp, `/items/${GATED_ID}`, 404);
    expected.bad.clear();
    await goto(cp, `/items/${GATED_ID}`);
    check(await has(cp, '#item-gate'), "items: the gated item's page shows its gate to the user who shared it");
  });

  await step('need-to-know groups: the manager adds B, who then reads the gated item', async () => {
    await goto(cp, '/groups');
    const sec = 'section[data-group-id="e2e-cell"]';
    check(await has(cp, `${sec} tr[data-login="items-a"]`), 'groups: the manager sees the members');
    await fill(cp, `${sec} form.add-member input[name=login]`, B_LOGIN);
    await clickNav(cp, `${sec} form.add-member button[type=submit]`);
    check(await has(cp, '#group-result'), 'groups: the member was added', cp.url());
    check(await has(cp, `${sec} tr[data-login="${B_LOGIN}"]`), 'groups: B is listed to the manager');
    await goto(bp, '/groups');
    check(await has(bp, `${sec} .members-hidden`) && !(await has(bp, `${sec} tr[data-login]`)), 'groups: a member does not see who else is in a group that hides it');
    check(!(await has(bp, `${sec} form.add-member`)), 'groups: a member who does not manage it has no form');
    await goto(bp, `/items/${GATED_ID}`);
    check(await has(bp, '#item-gate'), 'groups: once in the group, B reads the gated item');
    expected.confirm = true;
    await clickNav(cp, `${sec} tr[data-login="${B_LOGIN}"] button[data-action=remove]`);
    check(!(await has(cp, `${sec} tr[data-login="${B_LOGIN}"]`)), 'groups: the manager removed B');
    await goto(bp, `/items/${GATED_ID}`, 404);
    expected.bad.clear();
    await shot(cp, 'groups.png');
  });

  await step('re-share with a client, and a STIX upload', async () => {
    const AMBER_ID = process.env.MM_AMBER_ID;
    await goto(bp, `/items/${AMBER_ID}`);
    check(await has(bp, 'form#reshare-form input[name=orgs]'), 'reshare: an AMBER item has the re-share form');
    // A is not B's client: 403, the message shown
    await fill(bp, 'form#reshare-form input[name=orgs]', process.env.MM_A_ORG);
    expected.bad.add(`${BASE}/items/${AMBER_ID}/reshare`);
    await clickNav(bp, 'form#reshare-form button[type=submit]');
    const err = (await has(bp, '.error[role=alert]')) ? (await bp.locator('.error[role=alert]').first().textContent()) || '' : '';
    check(/not a client/.test(err), 'reshare: a non-client is refused with the reason', short(err, 200));
    expected.bad.clear();
    await fill(bp, 'form#reshare-form input[name=orgs]', process.env.MM_C_ORG);
    await clickNav(bp, 'form#reshare-form button[type=submit]');
    check(new URL(bp.url()).pathname === `/items/${AMBER_ID}`, 'reshare: back on the item page', bp.url());
    check(((await bp.locator('#item-reshares').textContent().catch(() => '')) || '').includes(process.env.MM_C_ORG), 'reshare: the re-share is shown');
    const j = await (await fetch(`${API}/api/v1/items/${AMBER_ID}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status;
    check(j === 404, 'reshare: the authority still does not read it', String(j));
    // upload a STIX bundle (a fixture with one report per item)
    await goto(cp, '/items/new');
    const n0 = (await cp.request.get(`${BASE}/api/v1/items/count`).then((r) => r.json())).count;
    await cp.setInputFiles('form#stix-upload input#stix-file', path.join(process.env.MM_SOURCE_DIR, 'tests/fixtures/stix/apt1.json'));
    await cp.selectOption('form#stix-upload select[name=default]', 'TLP:AMBER+STRICT');
    await clickNav(cp, 'form#stix-upload button#stix-send');
    const at = new URL(cp.url()).pathname;
    check(at === '/items' || /^\/items\/[0-9a-f-]{36}$/.test(at), 'upload: ends on the imported item(s)', cp.url());
    const n1 = (await cp.request.get(`${BASE}/api/v1/items/count`).then((r) => r.json())).count;
    check(n1 > n0, 'upload: the bundle became items', `${n0} -> ${n1}`);
    // a file that is not JSON: the API's message, 400
    await goto(cp, '/items/new');
    const bad = path.join(SHOTS, 'not-a-bundle.json');
    fs.writeFileSync(bad, '{"type": "bundle", "objects": [');
    await cp.setInputFiles('form#stix-upload input#stix-file', bad);
    expected.bad.add(`${BASE}/items/import`);
    await clickNav(cp, 'form#stix-upload button#stix-send');
    check(await has(cp, '.error[role=alert]'), 'upload: a broken file is refused with a message');
    expected.bad.clear();
  });

  await step('communities: an authority-admin manages them; members see theirs', async () => {
    const rctx = await context();
    const rp = await rctx.newPage();
    watch(rp, 'authority-admin');
    await logon(rp, 'root');
    await goto(rp, '/communities');
    await fill(rp, 'form#community-form input[name=name]', 'E2E ISAC');
    await clickNav(rp, 'form#community-form button[type=submit]');
    check(await has(rp, '#community-result'), 'communities: created', rp.url());
    const sec = rp.locator('section.community', { hasText: 'E2E ISAC' });
    check((await sec.count()) === 1, 'communities: the new community is listed');
    const cid = await sec.first().getAttribute('data-community-id');
    // the member picker, found by its id
    await fill(rp, `section[data-community-id="${cid}"] form.member-search input[name=q]`, process.env.MM_A_ORG);
    await clickNav(rp, `section[data-community-id="${cid}"] form.member-search button[type=submit]`);
    await clickNav(rp, `tr[data-org-id="${process.env.MM_A_ORG}"] form.add-candidate button[type=submit]`);
    check(await has(rp, '#community-result'), 'communities: the picker says A was added', rp.url());
    await goto(rp, '/communities');
    check(await has(rp, `section[data-community-id="${cid}"] li[data-org-id="${process.env.MM_A_ORG}"]`), 'communities: A is a member');
    await goto(cp, '/communities');
    check(await has(cp, `section[data-community-id="${cid}"]`) && !(await has(cp, 'form#community-form')), "communities: A sees its community, without the admin's forms");
    await goto(bp, '/communities');
    check(!(await has(bp, `section[data-community-id="${cid}"]`)), 'communities: B does not see a community it is not in');
    expected.confirm = true;
    await clickNav(rp, `section[data-community-id="${cid}"] li[data-org-id="${process.env.MM_A_ORG}"] button[data-action=remove]`);
    check(!(await has(rp, `section[data-community-id="${cid}"] li[data-org-id]`)), 'communities: A removed');
    await shot(rp, 'communities.png');
    await rctx.close();
  });

  let reportId = null;
  await step('incident report form: the fields, then the report page', async () => {
    await goto(cp, '/incidents');
    await clickNav(cp, 'a#new-report');
    check(new URL(cp.url()).pathname === '/incidents/new', 'report: a#new-report opens /incidents/new', cp.url());
    check(await has(cp, 'form#report-form input#report-file[type=file]'), 'report: the report file can be sent as is');
    // a broken rule: the API's message, 422, the fields kept
    await cp.selectOption('form#report-form select[name=report_type]', 'initial');
    await fill(cp, 'form#report-form input[name=discovered]', '2026-03-07 23:00');
    await fill(cp, 'form#report-form input[name=company_name]', 'Items A K.K.');
    expected.bad.add(BASE + '/incidents');
    await clickNav(cp, 'form#report-form button#report-send');
    const err = (await has(cp, '.error[role=alert]')) ? (await cp.locator('.error[role=alert]').first().textContent()) || '' : '';
    check(/\$\.discovered|\$\.company_poc|\$\.narrative/.test(err), 'report: a bad report is refused naming the member', short(err, 200));
    check((await cp.inputValue('form#report-form input[name=company_name]').catch(() => '')) === 'Items A K.K.', 'report: the refused form keeps its fields');
    expected.bad.clear();
    const disc = new Date(Date.now() - 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    await fill(cp, 'form#report-form input[name=discovered]', disc);
    await fill(cp, 'form#report-form input[name=company_poc]', 'CISO, +81 3 0000 0000');
    await fill(cp, 'form#report-form input[name=contract_numbers]', 'W56HZV-25-C-0042');
    await fill(cp, 'form#report-form textarea[name=narrative]', 'A <script>alert(2)</script> phishing page harvested one password.');
    await cp.selectOption('form#report-form select[name=functional_impact]', 'NO IMPACT');
    await cp.selectOption('form#report-form select[name=information_impact]', 'SUSPECTED BUT NOT IDENTIFIED');
    await cp.selectOption('form#report-form select[name=recoverability]', 'REGULAR');
    await fill(cp, 'form#report-form input[name=attack_vectors]', 'Email/Phishing');
    await fill(cp, 'form#report-form input[name=requirements]', '03.05.03');
    await clickNav(cp, 'form#report-form button#report-send');
    const m = /^\/incidents\/(\d+)$/.exec(new URL(cp.url()).pathname);
    check(!!m, 'report: sending ends on the report page', cp.url());
    reportId = m && m[1];
    check(/^MAM-\d{4}-\d+/.test((await cp.locator('h1#incident-number').textContent().catch(() => '')) || ''), 'report: the page shows the report number');
    check(/alert\(2\)/.test((await cp.locator('#incident-narrative').textContent().catch(() => '')) || ''), 'report: the narrative is shown as text');
    check(await has(cp, '#incident-deadline[data-state]'), 'report: the deadline state is shown');
    check(/03\.05\.03/.test((await cp.locator('ul#incident-requirements').textContent().catch(() => '')) || ''), 'report: the linked requirement is shown');
    const j = await (await fetch(`${API}/api/v1/incidents/${reportId}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json().catch(() => ({}));
    check(j.incident && j.incident.report && j.incident.report.narrative.includes('alert(2)') && j.incident.tlp === 'TLP:AMBER+STRICT', 'report: the authority reads the same report through the API');
    await shot(cp, 'incident.png');
  });

  await step('incident report form: the report file as mamori incident report sends it', async () => {
    await goto(cp, '/incidents/new');
    await cp.setInputFiles('form#report-form input#report-file', path.join(process.env.MM_SOURCE_DIR, 'tests/fixtures/incident/initial.json'));
    await clickNav(cp, 'form#report-form button#report-send');
    check(/^\/incidents\/\d+$/.test(new URL(cp.url()).pathname), 'report file: sending ends on the report page', cp.url());
    check(/credentials on a fake login page/.test((await cp.locator('#incident-narrative').textContent().catch(() => '')) || ''), "report file: the file's narrative is shown");
    await goto(cp, '/incidents');
    check(await has(cp, `table#incidents a[href="/incidents/${reportId}"]`), 'report: the list links the report page');
    await goto(bp, `/incidents/${reportId}`, 404);
    expected.bad.clear();
  });

  checkProblems();
}

await run(main, DEADLINE_MS);
