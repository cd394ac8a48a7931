// Times the admin dashboard (web/admin) in headless Chromium against a running contactd whose
// chatbot holds many contacts (bench/dashboard/run.sh sets one up with 1M). Each action is timed
// from the user's last input (the last keystroke or the click) to the new rows on screen (the list
// request has answered and the table is drawn), five times; prints the median and the slowest,
// one line per action:
//
//   dashboard: ACTION: median MS ms, max MS ms (N runs)
//
// Environment: CONTACTD_URL, CONTACTD_KEY (a key that may read the chatbot), BENCH_CHATBOT,
// PLAYWRIGHT_CORE_DIR, CHROMIUM (default /usr/bin/chromium).
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const {chromium} = require(process.env.PLAYWRIGHT_CORE_DIR);
const base = process.env.CONTACTD_URL;
const key = process.env.CONTACTD_KEY;
const bot = process.env.BENCH_CHATBOT || 'bench';
const runs = 5;

const browser = await chromium.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
const page = await (await browser.newContext({viewport: {width: 1400, height: 1000}})).newPage();
page.setDefaultTimeout(60000);

// What the contacts tab shows: the range text and the first and last rows.
const shown = () => page.evaluate(() => {
  const tab = document.querySelector('#tab-contacts');
  if (!tab) return '';
  const rows = tab.querySelectorAll('tbody tr');
  return [tab.querySelector('.range')?.textContent, rows[0]?.textContent,
    rows[rows.length - 1]?.textContent, rows.length].join('|');
});
// Resolves, when the tab is idle and shows something other than `before`, to the milliseconds
// since the user's last input (keydown, click or change, recorded in the page), both clocks read
// in the page: the driver's own round trips are not counted.
const changedFrom = async (before) => (await page.waitForFunction((b) => {
  const tab = document.querySelector('#tab-contacts');
  if (!tab || tab.hasAttribute('aria-busy')) return false;
  const rows = tab.querySelectorAll('tbody tr');
  const now = [tab.querySelector('.range')?.textContent, rows[0]?.textContent,
    rows[rows.length - 1]?.textContent, rows.length].join('|');
  return now !== b && Math.max(performance.now() - (window.lastInput ?? 0), 0.01);
}, before, {polling: 'raf'})).jsonValue();

// Times `act` (which changes the view) from its last input until the change is on screen; `reset`
// restores the view between runs (untimed).
async function time(name, act, reset) {
  const ms = [];
  for (let i = 0; i < runs; ++i) {
    const before = await shown();
    await act();
    ms.push(await changedFrom(before));
    if (reset) {
      const after = await shown();
      await reset();
      await changedFrom(after);
    }
  }
  ms.sort((a, b) => a - b);
  console.log(`dashboard: ${name}: median ${ms[runs >> 1].toFixed(0)} ms, ` +
      `max ${ms[runs - 1].toFixed(0)} ms (${runs} runs)`);
}

const search = page.getByLabel('Search contacts');
const header = (label) => page.locator('#tab-contacts thead').getByRole('button', {name: label});

await page.addInitScript(() => {
  for (const type of ['keydown', 'click', 'change']) {
    document.addEventListener(type, () => {
      window.lastInput = performance.now();
    }, true);
  }
});
await page.goto(`${base}/admin/`);
await page.fill('#api-key', key);
await page.getByRole('button', {name: 'Sign in'}).click();
await page.locator('#chatbots-view h2').waitFor();
const t0 = performance.now();
await page.goto(`${base}/admin/#bot=${bot}&tab=contacts`);
await page.waitForFunction(() => /of [\d,]+$/.test(
    document.querySelector('#tab-contacts .range')?.textContent || ''));
console.log(`dashboard: open the contacts tab: ${(performance.now() - t0).toFixed(0)} ms ` +
    `(${await page.locator('#tab-contacts .range').textContent()})`);

// Typing: the last keystroke to the rows (includes the 250 ms debounce of the search box).
for (const q of ['kowalski', 'marek kowalski', 'priya.patel1234']) {
  await time(`search "${q}" typed (last key to rows, incl. 250 ms debounce)`,
      () => search.pressSequentially(q, {delay: 40}), () => search.fill(''));
}
await time('sort by name (click to rows)', () => header('Name').click(),
    () => page.reload());
await time('sort by name, reversed', async () => {
  await header('Name').click();
}, async () => {
  await header('Name').click();
});
await time('sort by a number attribute (ltv)', () => header('ltv').click(), () => page.reload());
await time('last page', () => page.getByRole('button', {name: 'Last'}).click(),
    () => page.getByRole('button', {name: 'First'}).click());
await time('next page', () => page.getByRole('button', {name: 'Next'}).click(),
    () => page.getByRole('button', {name: 'First'}).click());
await time('1000 rows per page', () => page.getByLabel('Rows per page').selectOption('1000'),
    () => page.getByLabel('Rows per page').selectOption('50'));
await page.getByRole('button', {name: 'Filters'}).click();
await time('filter vip = true', async () => {
  await page.getByLabel('Attribute', {exact: true}).selectOption('vip');
  await page.getByLabel('Condition').selectOption('eq');
  await page.getByLabel('Value', {exact: true}).selectOption('true');
  await page.getByRole('button', {name: 'Add filter'}).click();
}, () => page.getByRole('button', {name: /^Remove filter/}).click());
await browser.close();
