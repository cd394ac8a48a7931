// The dashboard's main flows in Firefox (web/admin, served by contactd at /admin/): starts the real
// contactd (tests/browser/contactd.mjs, shared with dashboard.test.mjs), drives Debian's
// firefox-esr headless over WebDriver BiDi with puppeteer-core, works through the UI as a user
// would (typing, clicking, the keyboard for Firefox's own date input) and asserts on what the page
// shows and on the API state. Writes firefox-NN-*.png screenshots to $ARTIFACT_DIR.
// puppeteer-core rather than playwright-core: playwright's Firefox over BiDi (channel moz-firefox)
// sends emulation.setMediaFeaturesOverride, which firefox-esr 153 does not know, and fails.
//
// The export is a real download: the browser context saves downloads to a temporary directory
// (WebDriver BiDi browser.setDownloadBehavior), and the test reads the saved file.
//
// Environment (set by tests/browser/CMakeLists.txt):
//   CONTACTD_BINARY     the contactd to test
//   PUPPETEER_CORE_DIR  node_modules/puppeteer-core installed by tools/fetch-test-data.sh
//   FIREFOX             the browser (default /usr/bin/firefox-esr)
//   ARTIFACT_DIR        where screenshots go (default ./browser-artifacts)
// Firefox gets a HOME of its own in the run's temporary directory (it refuses a HOME it does not
// own, and the test should not touch the user's profile or caches).
// Usage: node tests/browser/firefox.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';

import {ATTRIBUTES, IMPORT_CSV, KEY, api, apiCall, artifacts, base, existingPath, pageWidth,
  people, run, step, tmp} from './contactd.mjs';

const puppeteerDir = existingPath('PUPPETEER_CORE_DIR', undefined,
    'run tools/fetch-test-data.sh (npm ci of tests/browser)');
const firefoxPath = existingPath('FIREFOX', '/usr/bin/firefox-esr', 'apt-get install firefox-esr');
const puppeteer = createRequire(import.meta.url)(puppeteerDir);

const downloads = path.join(tmp, 'downloads');
const home = path.join(tmp, 'home');
fs.mkdirSync(downloads);
fs.mkdirSync(home);

let browser;
let page;
const consoleErrors = [];
// How long a step waits for what it expects on the page: generous, since the suite also runs
// against a sanitizer build of contactd on a loaded machine, where an answer can take seconds.
// (Waits end as soon as the condition holds; only a failing step waits this long.)
const WAIT_MS = 30000;
const shot = (name) => page.screenshot({path: path.join(artifacts, `firefox-${name}.png`),
  fullPage: true});

// --- helpers over puppeteer -------------------------------------------------------------------
// Clicks the visible button named `name` (its aria-label, else its text) under the CSS selector
// `within`, or the element `selector` matches. (Puppeteer's ::-p-aria selectors work over BiDi
// but walk the accessibility tree, several times slower here.)
async function clickButton(name, within = 'body') {
  const handle = await until((w, n) => [...document.querySelectorAll(`${w} button`)].find((b) =>
    (b.getAttribute('aria-label') || b.textContent.trim()) === n && b.getClientRects().length),
  within, name).catch((e) => {
    throw new Error(`no button "${name}" in ${within}: ${e.message}`);
  });
  await handle.asElement().click();
}
const click = async (selector) => (await page.waitForSelector(selector, {visible: true})).click();
// Replaces the value of a text field by typing (input events as from a user).
async function type(selector, text) {
  const input = await page.waitForSelector(selector, {visible: true});
  await input.click();
  await input.evaluate((e) => e.select());
  await page.keyboard.press('Backspace');
  if (text) await page.keyboard.type(text);
}
// Waits until fn(...args), run in the page, is truthy.
const until = (fn, ...args) => page.waitForFunction(fn, {timeout: WAIT_MS}, ...args);
const textOf = (selector) => page.$eval(selector, (e) => e.textContent);
async function waitText(selector, text) {
  await until((s, t) => document.querySelector(s)?.textContent === t, selector, text)
      .catch(async (e) => {
        assert.equal(await textOf(selector).catch(() => '(missing)'), text, e.message);
      });
}
const expectRange = (text) => waitText('#tab-contacts .range', text);
// A table cell of the contacts tab whose text is exactly `text`.
const waitCell = (text) => until((t) => [...document.querySelectorAll('#tab-contacts tbody td')]
    .some((td) => td.textContent === t), text);
const headers = () => page.$$eval('#tab-contacts thead th', (ths) => ths.map((t) => t.textContent));
const firstRow = () => page.$$eval('#tab-contacts tbody tr:first-child td',
    (tds) => tds.map((t) => t.textContent));
const rowCount = () => page.$$eval('#tab-contacts tbody tr', (trs) => trs.length);
// Selects `value` in the select labelled `label` (exact text) under `within`.
async function selectByLabel(label, value, within = 'body') {
  const id = await page.$$eval(`${within} label`, (labels, l) =>
    labels.find((x) => x.textContent === l)?.htmlFor, label);
  assert.ok(id, `no label ${label}`);
  await page.select(`[id="${id}"]`, value);
}
// The import report's counts: {Rows: '2', Created: '2', …}.
const reportCounts = () => page.$eval('#tab-import .report dl', (dl) => Object.fromEntries(
    [...dl.querySelectorAll('dt')].map((dt) =>
      [dt.textContent, dt.nextElementSibling.textContent])));

// --- steps ------------------------------------------------------------------------------------
step('sign in (a wrong key is refused)', async () => {
  await page.goto(`${base}/admin/`);
  await page.waitForSelector('#api-key', {visible: true});
  await shot('01-sign-in');
  await type('#api-key', 'oc_live_not_a_real_key_123456');
  await clickButton('Sign in');
  await waitText('#signin-error', 'This API key is not valid.');
  await type('#api-key', KEY);
  await clickButton('Sign in');
  await page.waitForSelector('#chatbots-view:not([hidden]) #no-chatbots:not([hidden])');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('contactd.apiKey')), KEY);
  assert.ok(!page.url().includes(KEY));
});

step('create a chatbot', async () => {
  await shot('02-chatbots');
  await type('#chatbot-name', 'Support bot');
  await type('#chatbot-id', 'support');
  await clickButton('Create chatbot');
  await waitText('#bot-title', 'Support bot (support)');
  assert.deepEqual((await api('GET', '/chatbots')).data.map((b) => b.id), ['support']);
});

step('define attributes: text, number, boolean, date', async () => {
  await clickButton('Attributes');
  for (const [name, label, type_] of ATTRIBUTES) {
    await type('#attr-name', name);
    await type('#attr-label', label);
    await page.select('#attr-type', type_);
    await clickButton('Define attribute');
    await until((n) => [...document.querySelectorAll('#tab-attributes tbody td:first-child')]
        .some((td) => td.textContent === n), name);
  }
  const attrs = (await api('GET', '/chatbots/support/custom-attributes')).data;
  assert.deepEqual(Object.fromEntries(attrs.map((a) => [a.name, a.type])),
      {plan: 'text', ltv: 'number', vip: 'boolean', signup: 'date'});
  await shot('03-attributes');
});

// Firefox's date input is three keyboard fields (mm/dd/yyyy in en-US): reached with Tab from the
// field before it, the month takes two digits, then the day, then the year.
async function typeDate(previousField, digits) {
  await page.focus(previousField);
  await page.keyboard.press('Tab');
  await page.keyboard.type(digits);
}

step('add a contact with typed inputs (Firefox date input)', async () => {
  await clickButton('Contacts');
  await clickButton('Add contact');
  await page.waitForSelector('#contact-dialog[open]');
  await type('#cf-external_id', 'sam');
  await type('#cf-name', 'Sam Rivera');
  await type('#cf-email', 'sam@acme.com');
  await type('#cf-attr-plan', 'pro');
  assert.equal(await page.$eval('#cf-attr-ltv', (e) => e.type), 'number');
  await type('#cf-attr-ltv', '540');
  assert.equal(await page.$eval('#cf-attr-vip', (e) => e.type), 'checkbox');
  await click('#cf-attr-vip');
  assert.equal(await page.$eval('#cf-attr-signup', (e) => e.type), 'date');
  await typeDate('#cf-attr-vip', '11212026');
  assert.equal(await page.$eval('#cf-attr-signup', (e) => e.value), '2026-11-21');
  await clickButton('Add Stripe account', '#contact-dialog');
  await type('#cf-stripe-0-label', 'main');
  await type('#cf-stripe-0-id', 'cus_123');
  await shot('04-add-contact');
  await click('#contact-dialog button[type=submit]');
  await waitCell('Sam Rivera');
  await expectRange('1–1 of 1');
  const c = (await api('GET', '/chatbots/support/contacts/sam')).data;
  assert.equal(c.email, 'sam@acme.com');
  assert.deepEqual(c.custom_attributes, {plan: 'pro', ltv: 540, vip: true, signup: '2026-11-21'});
  assert.equal(c.stripe_accounts[0].stripe_id, 'cus_123');
  const cols = await headers();
  assert.equal((await firstRow())[cols.indexOf('Signed up')], '2026-11-21');
});

step('edit: a rejected value is shown at its field, then a valid edit', async () => {
  await clickButton('Edit Sam Rivera');
  await page.waitForSelector('#contact-dialog[open]');
  await type('#cf-email', 'not-an-email');
  await clickButton('Save', '#contact-dialog');
  await until(() => document.querySelector('#cf-email-error')?.textContent.trim());
  assert.match(await textOf('#cf-email-error'), /email/i);
  assert.equal(await page.$eval('#cf-email', (e) => e.getAttribute('aria-invalid')), 'true');
  assert.ok(await page.$eval('#contact-dialog', (d) => d.open), 'the dialog closed');
  await shot('05-edit-rejected');
  await type('#cf-email', 'sam.rivera@acme.com');
  await type('#cf-attr-ltv', '600');
  await typeDate('#cf-attr-vip', '01022027');
  assert.equal(await page.$eval('#cf-attr-signup', (e) => e.value), '2027-01-02');
  await clickButton('Save', '#contact-dialog');
  await waitCell('sam.rivera@acme.com');
  const c = (await api('GET', '/chatbots/support/contacts/sam')).data;
  assert.equal(c.email, 'sam.rivera@acme.com');
  assert.deepEqual(c.custom_attributes, {plan: 'pro', ltv: 600, vip: true, signup: '2027-01-02'});
});

step('search as you type', async () => {
  await api('POST', '/chatbots/support/contacts', {users: people(120)});
  await page.reload();
  await expectRange('1–50 of 121');
  await click('#tab-contacts input[type=search]');
  await page.keyboard.type('sam', {delay: 30});
  await expectRange('1–1 of 1');
  assert.equal(await rowCount(), 1);
  await type('#tab-contacts input[type=search]', 'person 00');
  await expectRange('1–9 of 9');
  await shot('06-search');
  await type('#tab-contacts input[type=search]', '');
  await expectRange('1–50 of 121');
});

step('rows per page and paging', async () => {
  await selectByLabel('Rows per page', '10', '#tab-contacts');
  await expectRange('1–10 of 121');
  assert.equal(await rowCount(), 10);
  const firstId = (id) => waitText('#tab-contacts tbody tr:first-child td:first-child', id);
  await firstId('p120');  // newest first
  await clickButton('Next', '#tab-contacts');
  await expectRange('11–20 of 121');
  await firstId('p110');
  await clickButton('Next', '#tab-contacts');
  await expectRange('21–30 of 121');
  await clickButton('Previous', '#tab-contacts');
  await expectRange('11–20 of 121');
  await firstId('p110');
  await clickButton('Last', '#tab-contacts');
  await expectRange('121–121 of 121');
  await firstId('sam');
  assert.ok(await page.$$eval('#tab-contacts .pager button',
      (bs) => bs.find((b) => b.textContent === 'Next').disabled));
  await clickButton('First', '#tab-contacts');
  await expectRange('1–10 of 121');
  await selectByLabel('Rows per page', '50', '#tab-contacts');
  await expectRange('1–50 of 121');
});

step('sort by a column header, again to reverse', async () => {
  const nameIndex = (await headers()).indexOf('Name');
  assert.ok(nameIndex >= 0);
  const firstName = (name) => until((i, n) => document.querySelector(
      '#tab-contacts tbody tr:first-child')?.children[i]?.textContent === n, nameIndex, name);
  await clickButton('Name', '#tab-contacts thead');
  await page.waitForSelector('#tab-contacts th[aria-sort="ascending"]');
  await firstName('Person 001');
  await clickButton('Name', '#tab-contacts thead');
  await page.waitForSelector('#tab-contacts th[aria-sort="descending"]');
  await firstName('Sam Rivera');
  assert.equal(await textOf('#tab-contacts th[aria-sort]'), 'Name');
  await shot('07-sorted');
});

step('import a CSV with a changed column mapping', async () => {
  await clickButton('Import');
  const file = path.join(tmp, 'people.csv');
  fs.writeFileSync(file, IMPORT_CSV);
  await (await page.waitForSelector('#import-file')).uploadFile(file);
  await waitText('#tab-import .report h3', 'Dry run');
  // Kunden-Nr maps to nothing: both rows fail for want of an external_id.
  assert.equal((await reportCounts()).Failed, '2');
  await selectByLabel('Kunden-Nr', 'external_id', '#tab-import');
  await until(() => document.querySelectorAll('#tab-import .report dd')[4]?.textContent === '0');
  await shot('08-import-dry-run');
  await click('#tab-import button.primary');
  await waitText('#tab-import .report h3', 'Import report');
  assert.deepEqual(await reportCounts(),
      {Rows: '2', Created: '2', Updated: '0', Unchanged: '0', Failed: '0'});
  const k1 = (await api('GET', '/chatbots/support/contacts/k1')).data;
  assert.equal(k1.name, 'Ada Lovelace');
  assert.equal(k1.custom_attributes.plan, 'pro');
  await clickButton('Contacts');
  await expectRange('1–50 of 123');
});

step('export the current search as CSV (a real download)', async () => {
  await type('#tab-contacts input[type=search]', 'person 01');
  await expectRange('1–10 of 10');
  await selectByLabel('Export format', 'csv', '#tab-contacts');
  await clickButton('Export', '#tab-contacts');
  // Firefox creates the file empty at once, writes FILE.part and renames it over the file when
  // done: wait for a non-empty file with no .part beside it.
  const file = path.join(downloads, 'support-contacts.csv');
  const done = () => fs.existsSync(file) && fs.statSync(file).size > 0 &&
      !fs.existsSync(`${file}.part`);
  for (const deadline = Date.now() + WAIT_MS; !done() && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(done(), `no download in ${downloads}: ${fs.readdirSync(downloads)}`);
  fs.copyFileSync(file, path.join(artifacts, 'firefox-export.csv'));
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'a CSV download starts with a byte order mark (Excel)');
  const lines = text.slice(1).trim().split(/\r?\n/);
  assert.match(lines[0], /^id,external_id,name/);
  assert.equal(lines.length, 11);
  assert.ok(lines.slice(1).every((l) => /,p01\d,Person 01\d,/.test(l)), lines.join('\n'));
});

step('delete with the confirmation', async () => {
  await type('#tab-contacts input[type=search]', 'sam');
  await expectRange('1–1 of 1');
  await clickButton('Delete Sam Rivera', '#tab-contacts');
  await page.waitForSelector('#confirm-dialog[open]');
  assert.match(await textOf('#confirm-dialog p'), /“Sam Rivera” \(external ID sam\)/);
  await shot('09-delete-confirm');
  await clickButton('Cancel', '#confirm-dialog');
  await page.waitForSelector('#confirm-dialog:not([open])');
  assert.equal((await apiCall('GET', '/chatbots/support/contacts/sam')).status, 200);
  await clickButton('Delete Sam Rivera', '#tab-contacts');
  await clickButton('Delete Sam Rivera', '#confirm-dialog');
  await expectRange('0 of 0');
  assert.equal((await apiCall('GET', '/chatbots/support/contacts/sam')).status, 404);
  await type('#tab-contacts input[type=search]', '');
  await expectRange('1–50 of 122');
});

step('narrow window without sideways scrolling', async () => {
  await page.setViewport({width: 380, height: 800});
  await shot('10-narrow');
  const {width, wide} = await page.evaluate(pageWidth, 400);
  assert.ok(width <= 400, `page scrolls sideways: ${width}px; too wide: ${wide.join(' ')}`);
  await page.setViewport({width: 1280, height: 900});
});

step('sign out', async () => {
  await clickButton('Sign out');
  await page.waitForSelector('#api-key', {visible: true});
  assert.equal(await page.evaluate(() => sessionStorage.getItem('contactd.apiKey')), null);
});

// --- main --------------------------------------------------------------------------------------
await run({
  shot,
  consoleErrors,
  async open() {
    browser = await puppeteer.launch({browser: 'firefox', executablePath: firefoxPath,
      headless: true, env: {...process.env, HOME: home},
      extraPrefsFirefox: {'intl.locale.requested': 'en-US'}});
    const context = await browser.createBrowserContext(
        {downloadBehavior: {policy: 'allow', downloadPath: downloads}});
    page = await context.newPage();
    await page.setViewport({width: 1280, height: 900});
    page.setDefaultTimeout(WAIT_MS);
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  },
  close: async () => browser?.close(),
});
