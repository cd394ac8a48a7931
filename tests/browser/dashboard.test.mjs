// Browser test of the admin dashboard (web/admin, served by contactd at /admin/): starts the real
// contactd on 127.0.0.1 port 0 with a temporary data directory and a known operator key, drives
// Debian's chromium (headless) with playwright-core, and asserts on what the page shows. Writes a
// screenshot of each main screen to $ARTIFACT_DIR.
//
// Environment (set by tests/browser/CMakeLists.txt):
//   CONTACTD_BINARY      the contactd to test
//   PLAYWRIGHT_CORE_DIR  node_modules/playwright-core installed by tools/fetch-test-data.sh
//   CHROMIUM             the browser (default /usr/bin/chromium)
//   ARTIFACT_DIR         where screenshots go (default ./browser-artifacts)
// Usage: node tests/browser/dashboard.test.mjs
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const binary = process.env.CONTACTD_BINARY;
const playwrightDir = process.env.PLAYWRIGHT_CORE_DIR;
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const artifacts = path.resolve(process.env.ARTIFACT_DIR || 'browser-artifacts');
const KEY = 'oc_test_dashboard_browser_test_key_0123';

function fail(message) {
  console.error(`dashboard.test: ${message}`);
  process.exit(1);
}
if (!binary || !fs.existsSync(binary)) fail(`CONTACTD_BINARY not found: ${binary}`);
if (!playwrightDir || !fs.existsSync(playwrightDir)) {
  fail(`playwright-core is missing (${playwrightDir}): run tools/fetch-test-data.sh`);
}
if (!fs.existsSync(chromiumPath)) fail(`${chromiumPath} is missing: apt-get install chromium`);
const {chromium} = require(playwrightDir);
fs.mkdirSync(artifacts, {recursive: true});

// --- contactd ---------------------------------------------------------------------------------
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactd-browser-'));
let server;
let output = '';
async function startServer() {
  server = spawn(binary, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--admin-key', KEY,
    '--threads', '2', '--durability', 'buffered'], {stdio: ['ignore', 'pipe', 'pipe']});
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`contactd did not start:\n${output}`)), 30000);
    const onData = (chunk) => {
      output += chunk;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => reject(new Error(`contactd exited (${code}):\n${output}`)));
  });
}
async function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  fs.rmSync(dataDir, {recursive: true, force: true, maxRetries: 3});
}

let base;
async function api(method, p, body) {
  const res = await fetch(`${base}/api/v1${p}`, {
    method,
    headers: {'Authorization': `Bearer ${KEY}`, 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// --- steps -------------------------------------------------------------------------------------
const steps = [];
const step = (name, fn) => steps.push({name, fn});
let page;
const shot = (name) => page.screenshot({path: path.join(artifacts, `${name}.png`), fullPage: true});
const range = () => page.locator('#tab-contacts .range');
const expectRange = async (text) => {
  await page.waitForFunction(
      (t) => document.querySelector('#tab-contacts .range')?.textContent === t, text,
      {timeout: 5000}).catch(async () => {
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
  const defs = [['plan', 'Plan', 'text'], ['ltv', 'Lifetime value', 'number'],
    ['vip', 'VIP', 'boolean'], ['signup', 'Signed up', 'date'], ['legacy', 'Legacy', 'text']];
  for (const [name, label, type] of defs) {
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

step('search as you type', async () => {
  const users = [];
  for (let i = 1; i <= 120; ++i) {
    const n = String(i).padStart(3, '0');
    users.push({external_id: `p${n}`, name: `Person ${n}`, email: `person${n}@example.com`,
      custom_attributes: {ltv: i, vip: i % 2 === 0, plan: i % 3 ? 'free' : 'pro',
        legacy: `old ${n}`}});
  }
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
  const res = await fetch(`${base}/api/v1/chatbots/support/contacts/sam`,
      {headers: {Authorization: `Bearer ${KEY}`}});
  assert.equal(res.status, 404);
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
  const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
  assert.match(lines[0], /^id,external_id,name/);
  assert.equal(lines.length, 11);
  await page.getByLabel('Search contacts').fill('');
  await expectRange('1–50 of 120');
});

step('import a CSV with a changed mapping', async () => {
  await page.getByRole('button', {name: 'Import'}).click();
  const csv = 'Kunden-Nr,Full Name,Plan\nk1,Ada Lovelace,pro\nk2,Alan Turing,free\n';
  await page.getByLabel('File (CSV, JSON or JSONL)').setInputFiles(
      {name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv)});
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

step('narrow window', async () => {
  await page.setViewportSize({width: 380, height: 800});
  await shot('12-narrow');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > 400 &&
          !e.parentElement.closest('.table-wrap') && e.getClientRects().length)
      .map((e) => `${e.tagName}#${e.id}.${e.className}`).slice(0, 10));
  assert.ok(width <= 400, `page scrolls sideways: ${width}px; too wide: ${wide.join(' ')}`);
  await page.setViewportSize({width: 1280, height: 900});
});

step('sign out', async () => {
  await page.getByRole('button', {name: 'Sign out'}).click();
  await page.locator('#api-key').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('contactd.apiKey')), null);
});

// --- main --------------------------------------------------------------------------------------
const started = Date.now();
let browser;
let failed = 0;
try {
  base = await startServer();
  browser = await chromium.launch({executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
  const context = await browser.newContext({viewport: {width: 1280, height: 900},
    acceptDownloads: true});
  page = await context.newPage();
  page.setDefaultTimeout(10000);
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  for (const {name, fn} of steps) {
    const t0 = Date.now();
    try {
      await fn();
      console.log(`ok - ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`not ok - ${name}\n${e.stack || e}`);
      await shot(`failed-${name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => {});
      break;  // later steps depend on earlier ones
    }
  }
  const unexpected = consoleErrors.filter((t) => !/status of (400|401|404|409)/.test(t));
  if (unexpected.length) {
    failed++;
    console.log(`not ok - console errors:\n${unexpected.join('\n')}`);
  }
} catch (e) {
  failed++;
  console.log(`not ok - setup\n${e.stack || e}`);
} finally {
  await browser?.close();
  await stopServer();
}
console.log(`${failed ? 'FAILED' : 'PASSED'} in ${((Date.now() - started) / 1000).toFixed(1)} s;` +
    ` screenshots in ${artifacts}`);
process.exit(failed ? 1 : 0);
