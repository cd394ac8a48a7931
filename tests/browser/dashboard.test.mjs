// Browser test of the admin dashboard (web/admin, served by contactd at /admin/): starts the real
// contactd on 127.0.0.1 port 0 with a temporary data directory and a known operator key
// (tests/browser/contactd.mjs, shared with firefox.test.mjs), drives Debian's chromium (headless)
// with playwright-core, and asserts on what the page shows and on the API state. Writes a
// screenshot of each main screen to $ARTIFACT_DIR.
//
// Environment (set by tests/browser/CMakeLists.txt):
//   CONTACTD_BINARY      the contactd to test
//   PLAYWRIGHT_CORE_DIR  node_modules/playwright-core installed by tools/fetch-test-data.sh
//   CHROMIUM             the browser (default /usr/bin/chromium)
//   ARTIFACT_DIR         where screenshots go (default ./browser-artifacts)
// Usage: node tests/browser/dashboard.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';

import {ATTRIBUTES, IMPORT_CSV, KEY, api, apiCall, artifacts, base, existingPath, pageWidth,
  people, run, step} from './contactd.mjs';

const require = createRequire(import.meta.url);
const playwrightDir = existingPath('PLAYWRIGHT_CORE_DIR', undefined,
    'run tools/fetch-test-data.sh (npm ci of tests/browser)');
const chromiumPath = existingPath('CHROMIUM', '/usr/bin/chromium', 'apt-get install chromium');
const {chromium} = require(playwrightDir);

let browser;
let page;
// How long a step waits for what it expects on the page: generous, since the suite also runs
// against a sanitizer build of contactd on a loaded machine, where an answer can take seconds.
// (Waits end as soon as the condition holds; only a failing step waits this long.)
const WAIT_MS = 30000;
const shot = (name) => page.screenshot({path: path.join(artifacts, `${name}.png`), fullPage: true});
const range = () => page.locator('#tab-contacts .range');
const expectRange = async (text) => {
  await page.waitForFunction(
      (t) => document.querySelector('#tab-contacts .range')?.textContent === t, text,
      {timeout: WAIT_MS}).catch(async () => {
    assert.equal(await range().textContent(), text);
  });
};
const firstRowCell = (n) => page.locator(`#tab-contacts tbody tr:first-child td:nth-child(${n})`);
const headers = () => page.locator('#tab-contacts thead th').allTextContents();

step('static files: headers, redirect, 404', async () => {
  const res = await fetch(`${base}/admin/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(res.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  const etag = res.headers.get('etag');
  assert.ok(etag);
  assert.equal((await fetch(`${base}/admin/`, {headers: {'If-None-Match': etag}})).status, 304);
  const js = await fetch(`${base}/admin/app.js`);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  const css = await fetch(`${base}/admin/app.css`);
  assert.match(css.headers.get('content-type'), /^text\/css/);
  assert.equal((await fetch(`${base}/admin/nope.js`)).status, 404);
  const redirect = await fetch(`${base}/admin`, {redirect: 'manual'});
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.get('location'), '/admin/');
});

step('sign in (a wrong key is refused)', async () => {
  await page.goto(`${base}/admin`);
  await page.locator('#api-key').waitFor();
  await shot('01-sign-in');
  await page.fill('#api-key', 'oc_live_not_a_real_key_123456');
  await page.getByRole('button', {name: 'Sign in'}).click();
  await page.getByText('This API key is not valid.').waitFor();
  await page.fill('#api-key', KEY);
  await page.getByRole('button', {name: 'Sign in'}).click();
  await page.locator('#chatbots-view h2', {hasText: 'Chatbots'}).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('contactd.apiKey')), KEY);
  assert.ok(!page.url().includes(KEY));
  assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage))).includes(KEY));
});

step('create a chatbot', async () => {
  await page.locator('#no-chatbots').waitFor();
  await shot('02-chatbots');
  await page.fill('#chatbot-name', 'Support bot');
  await page.fill('#chatbot-id', 'support');
  await page.getByRole('button', {name: 'Create chatbot'}).click();
  await page.locator('#bot-title', {hasText: 'Support bot (support)'}).waitFor();
  const bots = await api('GET', '/chatbots');
  assert.deepEqual(bots.data.map((b) => b.id), ['support']);
});

step('define one attribute of each type', async () => {
  await page.getByRole('button', {name: 'Attributes'}).click();
  for (const [name, label, type] of [...ATTRIBUTES, ['legacy', 'Legacy', 'text']]) {
    await page.fill('#attr-name', name);
    await page.fill('#attr-label', label);
    await page.selectOption('#attr-type', type);
    await page.getByRole('button', {name: 'Define attribute'}).click();
    await page.locator('#tab-attributes tbody tr', {hasText: name}).first().waitFor();
  }
  // A bad name shows the API's issue at the name field.
  await page.fill('#attr-name', '9bad');
  await page.getByRole('button', {name: 'Define attribute'}).click();
  await page.locator('#attr-name-error:not(:empty)').waitFor();
  await page.fill('#attr-name', '');
  assert.equal(await page.locator('#tab-attributes tbody tr').count(), 5);
  const attrs = await api('GET', '/chatbots/support/custom-attributes');
  assert.deepEqual(attrs.data.map((a) => a.type).sort(),
      ['boolean', 'date', 'number', 'text', 'text']);
  await shot('03-attributes');
});

step('add a contact with typed inputs', async () => {
  await page.getByRole('button', {name: 'Contacts'}).click();
  await page.getByRole('button', {name: 'Add contact'}).click();
  const dialog = page.locator('#contact-dialog');
  await dialog.locator('#cf-external_id').fill('sam');
  await dialog.locator('#cf-name').fill('Sam Rivera');
  await dialog.locator('#cf-email').fill('sam@acme.com');
  await dialog.locator('#cf-attr-plan').fill('pro');
  assert.equal(await dialog.locator('#cf-attr-ltv').getAttribute('type'), 'number');
  await dialog.locator('#cf-attr-ltv').fill('540');
  assert.equal(await dialog.locator('#cf-attr-vip').getAttribute('type'), 'checkbox');
  await dialog.locator('#cf-attr-vip').check();
  assert.equal(await dialog.locator('#cf-attr-signup').getAttribute('type'), 'date');
  await dialog.locator('#cf-attr-signup').fill('2026-11-21');
  await dialog.getByRole('button', {name: 'Add Stripe account'}).click();
  await dialog.getByLabel('Label').fill('main');
  await dialog.getByLabel('Stripe ID').fill('cus_123');
  await shot('04-add-contact');
  await dialog.getByRole('button', {name: 'Add', exact: true}).click();
  await page.locator('#tab-contacts tbody td', {hasText: 'Sam Rivera'}).waitFor();
  await expectRange('1–1 of 1');
  const c = (await api('GET', '/chatbots/support/contacts/sam')).data;
  assert.equal(c.email, 'sam@acme.com');
  assert.deepEqual(c.custom_attributes, {plan: 'pro', ltv: 540, vip: true, signup: '2026-11-21'});
  assert.equal(c.stripe_accounts[0].stripe_id, 'cus_123');
});

step('edit: a rejected value is shown at its field, then a valid edit', async () => {
  await page.getByRole('button', {name: 'Edit Sam Rivera'}).click();
  const dialog = page.locator('#contact-dialog');
  await dialog.locator('#cf-email').fill('not-an-email');
  await dialog.getByRole('button', {name: 'Save'}).click();
  const error = dialog.locator('#cf-email-error');
  await error.locator('xpath=.').filter({hasText: /\S/}).waitFor();
  assert.match(await error.textContent(), /email/i);
  assert.equal(await dialog.locator('#cf-email').getAttribute('aria-invalid'), 'true');
  await shot('05-edit-rejected');
  await dialog.locator('#cf-email').fill('sam.rivera@acme.com');
  await dialog.locator('#cf-attr-ltv').fill('600');
  await dialog.getByRole('button', {name: 'Save'}).click();
  await page.locator('#tab-contacts tbody td', {hasText: 'sam.rivera@acme.com'}).waitFor();
  const c = (await api('GET', '/chatbots/support/contacts/sam')).data;
  assert.equal(c.email, 'sam.rivera@acme.com');
  assert.equal(c.custom_attributes.ltv, 600);
  assert.equal(c.custom_attributes.vip, true);
  assert.equal(c.custom_attributes.signup, '2026-11-21');
});

step('a big integer survives an edit', async () => {
  const big = '9007199254740993';  // 2^53 + 1: a JavaScript number would be ...992
  const exact = new RegExp(`"ltv":\\s*${big}[,}]`);
  // Sent as text: JSON.stringify could not write it.
  await api('POST', '/chatbots/support/contacts',
      `{"users":[{"external_id":"big","name":"Big Number","custom_attributes":{"ltv":${big}}}]}`);
  assert.match((await apiCall('GET', '/chatbots/support/contacts/big')).text, exact);
  await page.getByLabel('Search contacts').fill('Big Number');
  await page.locator('#tab-contacts tbody td', {hasText: /^Big Number$/}).waitFor();
  await expectRange('1–1 of 1');
  const ltvIndex = (await headers()).indexOf('Lifetime value') + 1;
  assert.equal(await firstRowCell(ltvIndex).textContent(), big);
  await page.getByRole('button', {name: 'Edit Big Number'}).click();
  const dialog = page.locator('#contact-dialog');
  assert.equal(await dialog.locator('#cf-attr-ltv').inputValue(), big);
  await dialog.locator('#cf-name').fill('Big Number Renamed');
  await dialog.getByRole('button', {name: 'Save'}).click();
  await page.locator('#tab-contacts tbody td', {hasText: 'Big Number Renamed'}).waitFor();
  assert.equal(await firstRowCell(ltvIndex).textContent(), big);
  const after = await apiCall('GET', '/chatbots/support/contacts/big');
  assert.match(after.text, exact);
  assert.equal(after.json.data.name, 'Big Number Renamed');
  await api('DELETE', '/chatbots/support/contacts/big');
  await page.getByLabel('Search contacts').fill('');
  await page.locator('#tab-contacts tbody td', {hasText: /^Sam Rivera$/}).waitFor();
  await expectRange('1–1 of 1');
});

step('edit Stripe accounts: change one, remove another', async () => {
  await api('PATCH', '/chatbots/support/contacts/sam', {stripe_accounts: [
    {label: 'main', stripe_id: 'cus_123'},
    {label: 'backup', stripe_id: 'cus_456', stripe_email: 'billing@acme.com'}]});
  // Show the Stripe accounts column (hidden by default) while this step runs.
  await page.getByRole('button', {name: 'Columns'}).click();
  const stripeColumn = page.locator('#tab-contacts fieldset').first().getByLabel('Stripe accounts');
  await stripeColumn.check();
  await page.getByRole('button', {name: 'Columns'}).click();
  await page.getByLabel('Rows per page').selectOption('10');  // reloads the list
  await page.locator('#tab-contacts tbody td',
      {hasText: 'main: cus_123, backup: cus_456'}).waitFor();
  await page.getByRole('button', {name: 'Edit Sam Rivera'}).click();
  const dialog = page.locator('#contact-dialog');
  const rows = dialog.locator('.stripe-row');
  assert.equal(await rows.count(), 2);
  await rows.nth(0).getByLabel('Stripe ID').fill('cus_999');
  await rows.nth(1).getByRole('button', {name: 'Remove account'}).click();
  assert.equal(await rows.count(), 1);
  await shot('05b-edit-stripe');
  await dialog.getByRole('button', {name: 'Save'}).click();
  await page.locator('#tab-contacts tbody td', {hasText: /^main: cus_999$/}).waitFor();
  const c = (await api('GET', '/chatbots/support/contacts/sam')).data;
  assert.deepEqual(c.stripe_accounts, [{label: 'main', stripe_id: 'cus_999', stripe_email: null}]);
  await page.getByRole('button', {name: 'Edit Sam Rivera'}).click();
  assert.equal(await rows.count(), 1);
  assert.equal(await rows.nth(0).getByLabel('Stripe ID').inputValue(), 'cus_999');
  await dialog.getByRole('button', {name: 'Cancel'}).click();
  await page.getByRole('button', {name: 'Columns'}).click();
  await stripeColumn.uncheck();
  await page.getByRole('button', {name: 'Columns'}).click();
  await page.getByLabel('Rows per page').selectOption('50');
  await expectRange('1–1 of 1');
});

step('search as you type', async () => {
  const users = people(120, (i, n) => ({legacy: `old ${n}`}));
  await api('POST', '/chatbots/support/contacts', {users});
  await page.reload();
  await expectRange('1–50 of 121');
  await page.getByLabel('Search contacts').pressSequentially('sam', {delay: 30});
  await expectRange('1–1 of 1');
  assert.equal(await page.locator('#tab-contacts tbody tr').count(), 1);
  await page.getByLabel('Search contacts').fill('person 00');
  await expectRange('1–9 of 9');
  await shot('06-search');
  await page.getByLabel('Search contacts').fill('');
  await expectRange('1–50 of 121');
});

step('rows per page and paging', async () => {
  await page.getByLabel('Rows per page').selectOption('10');
  await expectRange('1–10 of 121');
  assert.equal(await page.locator('#tab-contacts tbody tr').count(), 10);
  // Newest first: p120 … p001, then Sam. Next and Previous walk with keyset cursors.
  const firstId = async (id) => {
    await page.waitForFunction((want) => document.querySelector(
        '#tab-contacts tbody tr:first-child td:first-child')?.textContent === want, id);
  };
  await firstId('p120');
  await page.getByRole('button', {name: 'Next'}).click();
  await expectRange('11–20 of 121');
  await firstId('p110');
  await page.getByRole('button', {name: 'Next'}).click();
  await expectRange('21–30 of 121');
  await firstId('p100');
  await page.getByRole('button', {name: 'Previous'}).click();
  await expectRange('11–20 of 121');
  await firstId('p110');
  await page.getByRole('button', {name: 'Last'}).click();
  await expectRange('121–121 of 121');
  assert.equal(await firstRowCell(1).textContent(), 'sam');
  assert.ok(await page.getByRole('button', {name: 'Next'}).isDisabled());
  await page.getByRole('button', {name: 'First'}).click();
  await expectRange('1–10 of 121');
  await page.getByLabel('Rows per page').selectOption('50');
  await expectRange('1–50 of 121');
});

step('sort by a column, again to reverse', async () => {
  const cols = await headers();
  const nameIndex = cols.indexOf('Name') + 1;
  assert.ok(nameIndex > 0, `headers: ${cols}`);
  await page.locator('#tab-contacts thead').getByRole('button', {name: 'Name'}).click();
  await page.locator('#tab-contacts th[aria-sort="ascending"]').waitFor();
  await page.waitForFunction((i) => document.querySelector(
      `#tab-contacts tbody tr:first-child td:nth-child(${i})`)?.textContent === 'Person 001',
  nameIndex);
  await page.locator('#tab-contacts thead').getByRole('button', {name: 'Name'}).click();
  await page.locator('#tab-contacts th[aria-sort="descending"]').waitFor();
  await page.waitForFunction((i) => document.querySelector(
      `#tab-contacts tbody tr:first-child td:nth-child(${i})`)?.textContent === 'Sam Rivera',
  nameIndex);
  // A number attribute sorts numerically.
  const ltvIndex = (await headers()).indexOf('Lifetime value') + 1;
  await page.locator('#tab-contacts thead').getByRole('button', {name: 'Lifetime value'}).click();
  await page.waitForFunction((i) => document.querySelector(
      `#tab-contacts tbody tr:first-child td:nth-child(${i})`)?.textContent === '1', ltvIndex);
  await page.locator('#tab-contacts thead').getByRole('button', {name: 'Lifetime value'}).click();
  await page.waitForFunction((i) => document.querySelector(
      `#tab-contacts tbody tr:first-child td:nth-child(${i})`)?.textContent === '600', ltvIndex);
  assert.equal(await firstRowCell(nameIndex).textContent(), 'Sam Rivera');
  await shot('07-contacts-sorted');
});

// Names of the visible form controls under `root` that have no accessible name (playwright's
// aria snapshot computes the names the browser exposes).
async function unlabelledControls(root) {
  const snapshot = await page.locator(root).ariaSnapshot();
  return snapshot.split('\n').filter((line) =>
    /^\s*- (textbox|searchbox|spinbutton|checkbox|combobox|radio|slider)\b(?! ")/.test(line));
}

step('keyboard only: sort, open and close the dialog; every control has a label', async () => {
  // Tab from the search box to the first column header's sort button; Enter sorts by it.
  await page.getByLabel('Search contacts').focus();
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    return {text: e?.textContent, sort: e?.matches('#tab-contacts thead th button.sort'),
      inDialog: Boolean(e?.closest('#contact-dialog'))};
  });
  let column = null;
  for (let i = 0; i < 15 && !column; ++i) {
    await page.keyboard.press('Tab');
    const f = await focused();
    if (f.sort) column = f.text;
  }
  assert.equal(column, 'External ID');
  const th = page.locator('#tab-contacts thead th', {hasText: column});
  assert.equal(await th.getAttribute('aria-sort'), null);
  await page.keyboard.press('Enter');
  await page.locator('#tab-contacts thead th[aria-sort="ascending"]', {hasText: column}).waitFor();
  await page.waitForFunction(() => document.querySelector(
      '#tab-contacts tbody tr:first-child td:first-child')?.textContent === 'p001');
  assert.equal((await focused()).text, column);  // focus stays on the header
  await page.keyboard.press('Enter');
  await page.locator('#tab-contacts thead th[aria-sort="descending"]', {hasText: column}).waitFor();
  await page.waitForFunction(() => document.querySelector(
      '#tab-contacts tbody tr:first-child td:first-child')?.textContent === 'sam');

  // Add contact: Tab from the search box, Enter opens the dialog with focus inside, Escape
  // closes it and focus returns to the button.
  await page.getByLabel('Search contacts').focus();
  await page.keyboard.press('Tab');
  assert.equal((await focused()).text, 'Add contact');
  await page.keyboard.press('Enter');
  await page.locator('#contact-dialog[open]').waitFor();
  assert.ok((await focused()).inDialog, 'focus is not in the dialog');
  await page.keyboard.press('Escape');
  await page.locator('#contact-dialog').waitFor({state: 'hidden'});
  assert.equal((await focused()).text, 'Add contact');

  // Every visible input and select has an accessible name: the contacts tab with its column
  // chooser and filter form open, and the dialog with a Stripe account row.
  await page.getByRole('button', {name: 'Columns'}).click();
  await page.getByRole('button', {name: 'Filters'}).click();
  const controls = await page.locator('#tab-contacts').locator('input, select').count();
  assert.ok(controls >= 15, `only ${controls} controls`);
  assert.deepEqual(await unlabelledControls('#tab-contacts'), []);
  await page.getByRole('button', {name: 'Columns'}).click();
  await page.getByRole('button', {name: 'Filters'}).click();
  await page.getByRole('button', {name: 'Edit Sam Rivera'}).click();
  await page.locator('#contact-dialog').getByRole('button', {name: 'Add Stripe account'}).click();
  assert.deepEqual(await unlabelledControls('#contact-dialog'), []);
  const named = await page.locator('#contact-dialog').ariaSnapshot();
  for (const name of ['External ID', 'Email', 'Stripe ID', 'Lifetime value', 'VIP', 'Signed up']) {
    assert.ok(named.includes(`"${name}"`), `${name} is not named:\n${named}`);
  }
  await page.locator('#contact-dialog').getByRole('button', {name: 'Cancel'}).click();
});

step('choose columns (remembered after a reload)', async () => {
  await page.getByRole('button', {name: 'Columns'}).click();
  const chooser = page.locator('#tab-contacts fieldset').first();
  await chooser.getByLabel('Email').uncheck();
  await chooser.getByLabel('Updated').check();
  let cols = await headers();
  assert.ok(!cols.includes('Email') && cols.includes('Updated'), `headers: ${cols}`);
  for (const label of ['Plan', 'Lifetime value', 'VIP', 'Signed up', 'Legacy']) {
    assert.ok(await chooser.getByLabel(label).isChecked(), label);
  }
  await shot('08-columns');
  await page.reload();
  await expectRange('1–50 of 121');
  cols = await headers();
  assert.ok(!cols.includes('Email') && cols.includes('Updated'), `after reload: ${cols}`);
  await page.getByRole('button', {name: 'Columns'}).click();
  await page.locator('#tab-contacts fieldset').first().getByLabel('Email').check();
});

step('filter by a boolean attribute', async () => {
  await page.getByRole('button', {name: 'Filters'}).click();
  await page.getByLabel('Attribute', {exact: true}).selectOption('vip');
  await page.getByLabel('Condition').selectOption('eq');
  await page.getByLabel('Value', {exact: true}).selectOption('true');
  await page.getByRole('button', {name: 'Add filter'}).click();
  await expectRange('1–50 of 61');  // 60 even persons and Sam
  await page.getByRole('button', {name: /^Remove filter/}).click();
  await expectRange('1–50 of 121');
});

step('archive and restore an attribute', async () => {
  await page.getByRole('button', {name: 'Attributes'}).click();
  await page.getByRole('button', {name: 'Archive legacy'}).click();
  await page.getByRole('button', {name: 'Restore legacy'}).waitFor();
  await shot('09-attribute-archived');
  await page.getByRole('button', {name: 'Contacts'}).click();
  assert.ok(!(await headers()).includes('Legacy'));
  assert.equal(await page.locator('#tab-contacts fieldset').first().getByLabel('Legacy').count(), 0);
  await page.getByLabel('Search contacts').fill('sam');
  await expectRange('1–1 of 1');
  await page.getByRole('button', {name: 'Edit Sam Rivera'}).click();
  assert.equal(await page.locator('#cf-attr-legacy').count(), 0);
  await page.locator('#contact-dialog').getByRole('button', {name: 'Cancel'}).click();
  const p1 = (await api('GET', '/chatbots/support/contacts/p001')).data;
  assert.equal(p1.custom_attributes.legacy, 'old 001');  // values stay
  await page.getByRole('button', {name: 'Attributes'}).click();
  await page.getByRole('button', {name: 'Restore legacy'}).click();
  await page.getByRole('button', {name: 'Archive legacy'}).waitFor();
  await page.getByRole('button', {name: 'Contacts'}).click();
  assert.ok((await headers()).includes('Legacy'));
});

step('delete with a confirmation naming the contact', async () => {
  await page.getByRole('button', {name: 'Delete Sam Rivera'}).click();
  const dialog = page.locator('#confirm-dialog');
  await dialog.locator('p', {hasText: '“Sam Rivera” (external ID sam)'}).waitFor();
  await shot('10-delete-confirm');
  await dialog.getByRole('button', {name: 'Cancel'}).click();
  await page.getByRole('button', {name: 'Delete Sam Rivera'}).click();
  await dialog.getByRole('button', {name: 'Delete Sam Rivera'}).click();
  await expectRange('0 of 0');
  assert.equal((await apiCall('GET', '/chatbots/support/contacts/sam')).status, 404);
});

step('export the current search as CSV', async () => {
  await page.getByLabel('Search contacts').fill('person 01');
  await expectRange('1–10 of 10');
  await page.getByLabel('Export format').selectOption('csv');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', {name: 'Export', exact: true}).click(),
  ]);
  const file = path.join(artifacts, 'export.csv');
  await download.saveAs(file);
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'a CSV download starts with a byte order mark (Excel)');
  const lines = text.slice(1).trim().split(/\r?\n/);
  assert.match(lines[0], /^id,external_id,name/);
  assert.equal(lines.length, 11);
  await page.getByLabel('Search contacts').fill('');
  await expectRange('1–50 of 120');
});

step('import a CSV with a changed mapping', async () => {
  await page.getByRole('button', {name: 'Import'}).click();
  await page.getByLabel('File (CSV, JSON or JSONL)').setInputFiles(
      {name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(IMPORT_CSV)});
  await page.locator('#tab-import .report h3', {hasText: 'Dry run'}).waitFor();
  // Kunden-Nr maps to nothing: the rows fail for want of an external_id.
  await page.locator('#tab-import dd').nth(4).filter({hasText: '2'}).waitFor();
  await page.getByLabel('Kunden-Nr').selectOption('external_id');
  await page.locator('#tab-import dd').nth(4).filter({hasText: '0'}).waitFor();
  await shot('11-import-dry-run');
  await page.getByRole('button', {name: 'Import', exact: true}).last().click();
  await page.locator('#tab-import .report h3', {hasText: 'Import report'}).waitFor();
  assert.equal(await page.locator('#tab-import dd').nth(1).textContent(), '2');
  const k1 = (await api('GET', '/chatbots/support/contacts/k1')).data;
  assert.equal(k1.name, 'Ada Lovelace');
  assert.equal(k1.custom_attributes.plan, 'pro');
  await page.getByRole('button', {name: 'Contacts'}).click();
  await expectRange('1–50 of 122');
});

step('import a JSON file', async () => {
  await page.getByRole('button', {name: 'Import'}).click();
  const contacts = [
    {external_id: 'j1', name: 'Grace Hopper', email: 'grace@example.com',
      custom_attributes: {plan: 'pro', ltv: 12.5, vip: true}},
    {external_id: 'j2', name: 'Edsger Dijkstra', custom_attributes: {signup: '2026-01-02'}},
  ];
  await page.getByLabel('File (CSV, JSON or JSONL)').setInputFiles({name: 'people.json',
    mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(contacts))});
  await page.locator('#tab-import .report h3', {hasText: 'Dry run'}).waitFor();
  const counts = async () => Object.fromEntries(await page.locator('#tab-import .report dl')
      .evaluate((dl) => [...dl.querySelectorAll('dt')].map((dt) =>
        [dt.textContent, dt.nextElementSibling.textContent])));
  assert.deepEqual(await counts(),
      {Rows: '2', Created: '2', Updated: '0', Unchanged: '0', Failed: '0'});
  assert.equal(await page.locator('#tab-import select[id^="import-map-"]').count(), 0);
  assert.equal((await apiCall('GET', '/chatbots/support/contacts/j1')).status, 404);
  await page.getByRole('button', {name: 'Import', exact: true}).last().click();
  await page.locator('#tab-import .report h3', {hasText: 'Import report'}).waitFor();
  assert.deepEqual(await counts(),
      {Rows: '2', Created: '2', Updated: '0', Unchanged: '0', Failed: '0'});
  await shot('11b-import-json');
  const j1 = (await api('GET', '/chatbots/support/contacts/j1')).data;
  assert.equal(j1.email, 'grace@example.com');
  assert.deepEqual(j1.custom_attributes, {plan: 'pro', ltv: 12.5, vip: true});
  const j2 = (await api('GET', '/chatbots/support/contacts/j2')).data;
  assert.equal(j2.custom_attributes.signup, '2026-01-02');
  await page.getByRole('button', {name: 'Contacts'}).click();
  await expectRange('1–50 of 124');
});

step('a member key: chatbots and contacts, no chatbot management', async () => {
  const key = (await api('POST', '/apikeys', {name: 'dashboard member', role: 'member'})).data;
  assert.equal(key.role, 'member');
  // The contract keeps chatbots and keys to admins.
  assert.equal((await apiCall('POST', '/chatbots', {name: 'x'}, {key: key.key})).status, 403);
  assert.equal((await apiCall('GET', '/apikeys', undefined, {key: key.key})).status, 403);
  const context = await browser.newContext({viewport: {width: 1280, height: 900}});
  try {
    const member = await context.newPage();
    member.setDefaultTimeout(WAIT_MS);
    member.on('pageerror', (e) => consoleErrors.push(String(e)));
    await member.goto(`${base}/admin/`);
    await member.fill('#api-key', key.key);
    await member.getByRole('button', {name: 'Sign in'}).click();
    const bot = member.locator('#chatbot-list')
        .getByRole('button', {name: 'Support bot (support)'});
    await bot.waitFor();
    assert.ok(await member.locator('#chatbot-form').isHidden(), 'New chatbot form shown');
    assert.equal(await member.getByRole('button', {name: 'Create chatbot'}).isVisible(), false);
    await member.screenshot({path: path.join(artifacts, '13-member-chatbots.png')});
    await bot.click();
    await member.locator('#tab-contacts .range', {hasText: '1–50 of 124'}).waitFor();
    assert.equal(await member.locator('#tab-contacts tbody tr').count(), 50);
    // Members may use contacts and attributes (the contract): those stay offered.
    assert.ok(await member.getByRole('button', {name: 'Add contact'}).isVisible());
    await member.getByRole('button', {name: 'Attributes'}).click();
    assert.ok(await member.getByRole('button', {name: 'Define attribute'}).isVisible());
    assert.equal(await member.locator('#tab-attributes tbody tr').count(), 5);
  } finally {
    await context.close();
  }
});

step('narrow window', async () => {
  await page.setViewportSize({width: 380, height: 800});
  await shot('12-narrow');
  const {width, wide} = await page.evaluate(pageWidth, 400);
  assert.ok(width <= 400, `page scrolls sideways: ${width}px; too wide: ${wide.join(' ')}`);
  await page.setViewportSize({width: 1280, height: 900});
});

step('sign out', async () => {
  await page.getByRole('button', {name: 'Sign out'}).click();
  await page.locator('#api-key').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('contactd.apiKey')), null);
});

// --- main --------------------------------------------------------------------------------------
const consoleErrors = [];
await run({
  shot,
  consoleErrors,
  async open() {
    browser = await chromium.launch({executablePath: chromiumPath, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
    const context = await browser.newContext({viewport: {width: 1280, height: 900},
      acceptDownloads: true});
    page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  },
  close: async () => browser?.close(),
});
