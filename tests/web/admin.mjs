// The administration pages in a real browser (docs/dashboard.md: /organizations, the
// organization form, /communities, /organizations/{org}/consent): an authority-admin creates
// an organization through the form, sees a bad CAGE code refused beside its field with the
// stored organization unchanged, edits its identifiers and sector, finds it by identifier,
// creates a community and adds it as a member through the picker (searched by name, added
// by its button, by keyboard); the subcontractor's admin grants and
// withdraws its consents, which the authority then reads (read only). After each action the
// API (GET with the same session) shows what the page said. Every new page, and the refused
// form, in English and Japanese: axe-core clean (WCAG 2.2 AA) and no horizontal scroll at
// 390 px. Started by tests/web/test_admin_web.py; the shared pieces are in common.mjs.
//
// Env: MM_URL, MM_ROOT_LOGIN, MM_SUB_LOGIN, MM_PASSWORD, MM_SUB_ORG, MM_PRIME_ORG,
// MM_DEADLINE_MS.

import {
  env, check, step, run, launch, newContext, watch, checkProblems, goto, login, clickNav, fill,
  need, noHorizontalScroll, axe, expected,
} from './common.mjs';

const BASE = env('MM_URL').replace(/\/$/, '');
const PASSWORD = env('MM_PASSWORD');
const SUB = env('MM_SUB_ORG');
const PRIME = env('MM_PRIME_ORG');

async function api(page, p) {
  const r = await page.request.get(BASE + p, { headers: { Accept: 'application/json' } });
  check(r.status() === 200, `API GET ${p}: 200`, `HTTP ${r.status()}`);
  return r.json();
}

const text = async (page, sel) => ((await page.locator(sel).first().textContent()) || '').trim();

// axe and the reflow of the page as it is now, in both languages (through ?lang=, which the
// page keeps in a cookie: English is put back at the end)
async function bothLanguages(page, p, what) {
  for (const lang of ['en', 'ja']) {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await goto(page, BASE, `${p}${p.includes('?') ? '&' : '?'}lang=${lang}`);
      check((await page.getAttribute('html', 'lang')) === lang, `${what} ${lang}: html[lang=${lang}]`);
      await noHorizontalScroll(page, `${what} ${lang} ${width}px`);
      await axe(page, `${what} ${lang} ${width}px`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await goto(page, BASE, `${p}${p.includes('?') ? '&' : '?'}lang=en`);
}

async function submit(page, form) {
  await clickNav(page, `${form} button[type=submit]`);
}

run(async () => {
  await launch();
  const ctx = await newContext();
  const page = await ctx.newPage();
  watch(page, 'admin', BASE);
  let id = null;
  let picker = null;

  await step('the authority-admin creates an organization through the form', async () => {
    await login(page, BASE, env('MM_ROOT_LOGIN'), PASSWORD);
    await goto(page, BASE, '/overview');
    await clickNav(page, 'a#nav-organizations');
    check(new URL(page.url()).pathname === '/organizations', 'the menu leads to /organizations', page.url());
    await clickNav(page, 'a#org-new');
    await fill(page, '#f-name', 'Asahi Valve K.K.');
    await fill(page, '#f-cage', '5AV01');
    await page.selectOption('#f-sector', 'railway');
    await submit(page, 'form#org-form');
    const m = /\/organizations\/([0-9a-f-]{36})\/edit\?saved=1$/.exec(page.url());
    check(m, 'created: on its edit form, saved', page.url());
    check(await page.locator('#org-result').count() === 1, 'the page says it was saved');
    id = m && m[1];
    check(await text(page, '#org-id') === id, 'the form shows the organization id', await text(page, '#org-id'));
    const o = await api(page, `/api/v1/organizations/${id}`);
    check(o.name === 'Asahi Valve K.K.' && o.identifiers.cage === '5AV01' && o.kind === 'contractor',
      'the API shows the new organization', JSON.stringify(o));
    await goto(page, BASE, '/designations');
    // the sector by the name the data gives it (content/screening/espa-sectors.json)
    check((await text(page, `tr[data-org="${id}"]`)).includes('railroad transport / Railroad'), 'its sector is recorded (railway)');
  });

  await step('a bad CAGE code is refused beside its field, nothing stored', async () => {
    await goto(page, BASE, `/organizations/${id}/edit`);
    await fill(page, '#f-cage', '12ab');
    expected.bad.add(`${BASE}/organizations/${id}`); // the refused form's 400
    const [resp] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('form#org-form button[type=submit]').click(),
    ]);
    check(resp && resp.status() === 400, 'the refused form answers 400', resp && String(resp.status()));
    check(await page.locator('#err-cage').isVisible(), 'the message beside the CAGE code');
    check(await page.getAttribute('#f-cage', 'aria-invalid') === 'true', 'the field is marked invalid');
    check(await page.inputValue('#f-cage') === '12ab', 'what was typed is kept');
    check(await page.locator('#err-name').count() === 0, 'no message beside a good field');
    await noHorizontalScroll(page, 'the refused form');
    await axe(page, 'the refused form en');
    const o = await api(page, `/api/v1/organizations/${id}`);
    check(o.identifiers.cage === '5AV01', 'the API still shows the stored CAGE code', JSON.stringify(o.identifiers));
  });

  await step('the identifiers and the sector are edited', async () => {
    await goto(page, BASE, `/organizations/${id}/edit`);
    await fill(page, '#f-cage', '6AV02');
    await fill(page, '#f-uei', 'JX4MZ1KT5Q87');
    await fill(page, '#f-corporate_number', '4010401099999');
    await page.selectOption('#f-sector', 'electricity');
    await submit(page, 'form#org-form');
    check(page.url().endsWith('?saved=1'), 'saved', page.url());
    const o = await api(page, `/api/v1/organizations/${id}`);
    check(JSON.stringify(o.identifiers) === JSON.stringify({ cage: '6AV02', 'corporate-number': '4010401099999', uei: 'JX4MZ1KT5Q87' }),
      'the API shows the new identifiers', JSON.stringify(o.identifiers));
    check(await page.locator('#f-sector option[value="electricity"]').evaluate((o) => o.selected), 'the form shows the new sector');
    await goto(page, BASE, '/designations');
    check((await text(page, `tr[data-org="${id}"]`)).includes('power supply / Electricity'), 'the sector recorded is electricity');
    await goto(page, BASE, '/organizations?q=6AV02');
    check(await page.locator('table#orgs tbody tr').count() === 1 && await page.locator(`tr[data-org-id="${id}"]`).count() === 1,
      'the list finds it by its new CAGE code');
  });

  await step('a community is created and the organization added', async () => {
    await goto(page, BASE, '/communities');
    await fill(page, 'form#community-form input[name=name]', 'Valve makers');
    await fill(page, 'form#community-form input[name=description]', 'Makers of valves for railways');
    await submit(page, 'form#community-form');
    check(await page.locator('#community-result').count() === 1, 'the community is created');
    const sec = page.locator('section.community', { hasText: 'Valve makers' });
    // the member picker: searched by a part of the name, the organization added by its button
    await sec.locator('form.member-search input[name=q]').fill('valve');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), sec.locator('form.member-search button').click()]);
    check(/\/communities\/[0-9a-f-]{36}\/add\?q=valve$/.test(page.url()), 'the search is a GET to the picker', page.url());
    check(await page.locator('table#member-candidates tbody tr').count() === 1
      && await page.locator(`tr[data-org-id="${id}"]`).count() === 1, 'the picker lists the one organization found');
    picker = new URL(page.url()).pathname;
    await axe(page, 'the picker with results en');
    await noHorizontalScroll(page, 'the picker with results');
    // by keyboard: the Add button is reached by Tab and pressed with Enter
    const add = page.locator(`tr[data-org-id="${id}"] form.add-candidate button`);
    await add.focus();
    check(await add.evaluate((b) => b === document.activeElement), 'the Add button takes the focus');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    check(await page.locator('#community-result').count() === 1, 'the picker says the organization was added');
    check(await page.locator(`tr[data-org-id="${id}"]`).count() === 0 && await page.locator('#no-candidates').count() === 1,
      'the new member is no longer offered');
    await goto(page, BASE, '/communities');
    check(await page.locator(`section.community:has-text("Valve makers") li[data-org-id="${id}"]`).count() === 1,
      'the page lists the new member');
    check((await text(page, `section.community:has-text("Valve makers") li[data-org-id="${id}"]`)).includes('Asahi Valve K.K.'),
      'the authority sees the member by its name');
    let cs = await api(page, '/api/v1/communities');
    const c = (cs.items || cs).find((x) => x.name === 'Valve makers');
    check(c && c.members.includes(id), 'the API shows the member', JSON.stringify(c));
    // renamed and described again
    const edit = page.locator('section.community:has-text("Valve makers") details.community-edit');
    await edit.locator('summary').click();
    await edit.locator('input[name=name]').fill('Valve and pump makers');
    await edit.locator('input[name=description]').fill('Valves and pumps for railways');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), edit.locator('button[type=submit]').click()]);
    check(await page.locator('#community-result').count() === 1, 'the page says the community was changed');
    cs = await api(page, '/api/v1/communities');
    const c2 = (cs.items || cs).find((x) => x.id === (c && c.id));
    check(c2 && c2.name === 'Valve and pump makers' && c2.description === 'Valves and pumps for railways'
      && c2.members.includes(id), 'the API shows the new name and description, the members kept', JSON.stringify(c2));
  });

  await step('the authority reads a consent page (read only)', async () => {
    await goto(page, BASE, `/organizations/${SUB}/consent`);
    check(await page.locator('#consent-readonly').count() === 1, 'marked read only');
    check(await page.locator('main form').count() === 0, 'no form for the authority');
  });

  await step('the new pages in English and Japanese', async () => {
    await bothLanguages(page, '/organizations', '/organizations');
    await bothLanguages(page, '/organizations/new', '/organizations/new');
    await bothLanguages(page, `/organizations/${id}/edit`, 'the edit form');
    await bothLanguages(page, `/organizations/${SUB}/consent`, 'the consent page (authority)');
    await bothLanguages(page, '/communities', '/communities');
    await bothLanguages(page, `${picker}?q=k.k.`, 'the member picker');
  });

  const sctx = await newContext();
  const sp = await sctx.newPage();
  watch(sp, 'sub-admin', BASE);
  await step("the subcontractor's admin grants and withdraws its consents", async () => {
    await login(sp, BASE, env('MM_SUB_LOGIN'), PASSWORD);
    await goto(sp, BASE, '/my');
    await clickNav(sp, 'a#nav-consent');
    check(new URL(sp.url()).pathname === `/organizations/${SUB}/consent`, 'the menu leads to its consent page', sp.url());
    check(await sp.getAttribute('#prime-consent .consent-state', 'data-state') === 'no', 'the prime has no consent yet');
    await submit(sp, 'form#prime-consent-form');
    check(await sp.getAttribute('#prime-consent .consent-state', 'data-state') === 'yes', 'the page shows the consent granted');
    check((await api(sp, `/api/v1/organizations/${SUB}`)).prime_consent === true, 'the API shows prime_consent true');
    const row = `tr[data-customer-id="${PRIME}"]`;
    await sp.check(`${row} input[name=pass_up]`);
    await submit(sp, `${row} form.consent-form`);
    check(await sp.locator(`${row} .consent-state[data-state=yes]`).count() === 2, 'the customer may see and pass up');
    let cu = (await api(sp, `/api/v1/organizations/${SUB}/customers`)).items.find((e) => e.customer_id === PRIME);
    check(cu && cu.consent === true && cu.pass_up === true, 'the API shows the consent with pass_up', JSON.stringify(cu));
    await axe(sp, 'the consent page with its forms en');
    await submit(sp, `${row} form.consent-form`);
    check(await sp.locator(`${row} .consent-state[data-state=no]`).count() === 2, 'withdrawn: the page shows it');
    cu = (await api(sp, `/api/v1/organizations/${SUB}/customers`)).items.find((e) => e.customer_id === PRIME);
    check(cu && cu.consent === false && cu.pass_up === false, 'the API shows it withdrawn', JSON.stringify(cu));
    await bothLanguages(sp, `/organizations/${SUB}/consent`, 'the consent page (contractor-admin)');
    // the authority reads the state the organization left
    await goto(page, BASE, `/organizations/${SUB}/consent`);
    check(await page.getAttribute('#prime-consent .consent-state', 'data-state') === 'yes'
      && await page.locator(`${row} .consent-state[data-state=no]`).count() === 2,
    'the authority reads the prime consent granted and the customer consent withdrawn');
    // a contractor may not reach the administration pages
    expected.bad.add(`${BASE}/organizations`);
    await goto(sp, BASE, '/organizations', 403);
    check(await sp.locator('a#nav-organizations').count() === 0, 'no Organizations link for a contractor');
  });
  checkProblems();
}, Number(process.env.MM_DEADLINE_MS || '240000'));
