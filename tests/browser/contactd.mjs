// What the dashboard's browser tests share (dashboard.test.mjs in chromium, firefox.test.mjs in
// firefox): a real contactd on 127.0.0.1 port 0 with a temporary data directory and a known
// operator key, a small API client, the test data both use, and the step runner that prints
// "ok - …" / "not ok - …" per step and a summary line.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const KEY = 'oc_test_dashboard_browser_test_key_0123';
const testName = path.basename(process.argv[1] || 'browser.test', '.mjs');

export function fail(message) {
  console.error(`${testName}: ${message}`);
  process.exit(1);
}

// The value of an environment variable that names an existing file or directory.
export function existingPath(variable, fallback, hint) {
  const value = process.env[variable] || fallback;
  if (!value || !fs.existsSync(value)) {
    fail(`${variable}: ${value || '(unset)'} not found; ${hint}`);
  }
  return value;
}

export const binary = existingPath('CONTACTD_BINARY', undefined, 'build the contactd target');
export const artifacts = path.resolve(process.env.ARTIFACT_DIR || 'browser-artifacts');
fs.mkdirSync(artifacts, {recursive: true});

// A temporary directory of this run (contactd's data, a browser's HOME, …), removed at the end.
export const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'contactd-browser-'));

// --- contactd ---------------------------------------------------------------------------------
let server;
let output = '';
export let base;  // http://127.0.0.1:PORT once started

async function startServer() {
  const dataDir = path.join(tmp, 'data');
  server = spawn(binary, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--admin-key', KEY,
    '--threads', '2', '--durability', 'buffered'], {stdio: ['ignore', 'pipe', 'pipe']});
  base = await new Promise((resolve, reject) => {
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
  return base;
}

async function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  fs.rmSync(tmp, {recursive: true, force: true, maxRetries: 3});
}

// --- API --------------------------------------------------------------------------------------
// Calls /api/v1{p} and returns the response (status, raw text and parsed JSON) without asserting.
// A string body is sent as it is (JSON text JavaScript could not hold, such as big integers).
export async function apiCall(method, p, body, {key = KEY} = {}) {
  const res = await fetch(`${base}/api/v1${p}`, {
    method,
    headers: {'Authorization': `Bearer ${key}`, 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Left null: the caller asserts on the status or the text.
  }
  return {status: res.status, ok: res.ok, text, json};
}

// Calls the API, asserts a 2xx answer and returns its JSON.
export async function api(method, p, body, options) {
  const res = await apiCall(method, p, body, options);
  assert.ok(res.ok, `${method} ${p}: ${res.status} ${res.text}`);
  return res.json;
}

// --- test data --------------------------------------------------------------------------------
// One attribute of each type (name, label, type).
export const ATTRIBUTES = [['plan', 'Plan', 'text'], ['ltv', 'Lifetime value', 'number'],
  ['vip', 'VIP', 'boolean'], ['signup', 'Signed up', 'date']];

// p001 … p{n}: "Person 001", ltv = i, every second one VIP.
export function people(n, extra = () => ({})) {
  const users = [];
  for (let i = 1; i <= n; ++i) {
    const id = String(i).padStart(3, '0');
    users.push({external_id: `p${id}`, name: `Person ${id}`, email: `person${id}@example.com`,
      custom_attributes: {ltv: i, vip: i % 2 === 0, plan: i % 3 ? 'free' : 'pro',
        ...extra(i, id)}});
  }
  return users;
}

// The CSV whose first column ("Kunden-Nr") the import has to be told is the external ID.
export const IMPORT_CSV = 'Kunden-Nr,Full Name,Plan\nk1,Ada Lovelace,pro\nk2,Alan Turing,free\n';

// Run in the page (playwright and puppeteer both take a function): how wide the document is and
// the first elements that stick out of a `limit`-pixel-wide window outside a scrolling table.
export function pageWidth(limit) {
  return {
    width: document.documentElement.scrollWidth,
    wide: [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > limit &&
            !e.parentElement.closest('.table-wrap') && e.getClientRects().length)
        .map((e) => `${e.tagName}#${e.id}.${e.className}`).slice(0, 10),
  };
}

// --- steps ------------------------------------------------------------------------------------
const steps = [];
export const step = (name, fn) => steps.push({name, fn});

// Starts contactd, calls open(base) (launch the browser), runs the steps in order (stopping at the
// first failure: later steps build on earlier ones; shot(name) saves a screenshot of it), fails on
// console errors other than the expected API answers, calls close() and stops contactd. Exits.
export async function run({open, close, shot, consoleErrors}) {
  const started = Date.now();
  let failed = 0;
  try {
    await startServer();
    await open(base);
    for (const {name, fn} of steps) {
      const t0 = Date.now();
      try {
        await fn();
        console.log(`ok - ${name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`not ok - ${name}\n${e.stack || e}`);
        await shot(`failed-${name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => {});
        break;
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
    await close().catch((e) => console.log(`# closing the browser: ${e.message}`));
    await stopServer();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${failed ? 'FAILED' : 'PASSED'} in ${seconds} s; screenshots in ${artifacts}`);
  process.exit(failed ? 1 : 0);
}
