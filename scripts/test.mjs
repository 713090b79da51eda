#!/usr/bin/env node
// `npm test`: every check the project has, in order, each printed with its time, then one
// closing line "tests: N passed, M failed" that counts the unit, integration and browser tests.
// All steps run even when one fails, so a red run shows everything that is wrong; the exit
// code is non-zero if any step failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const vitestJson = join(results, 'vitest.json');
const playwrightJson = join(results, 'playwright.json');

const steps = [
  ['lint', 'npx', ['eslint', '--max-warnings', '0', '.']],
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['build', 'npm', ['run', '-s', 'build']],
  ['unit and integration tests (vitest)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]],
  ['browser tests (playwright, Chromium)', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson }],
  ['Electron security review (electronegativity)', 'node', ['scripts/security-check.mjs']],
];

// Written to a file or a CI log, the output is read as text: no colour codes (NO_COLOR), unless asked for.
const plain = process.stdout.isTTY || process.env.FORCE_COLOR ? {} : { NO_COLOR: '1', FORCE_COLOR: '0' };

const outcomes = [];
for (const [name, command, args, env] of steps) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...plain, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  outcomes.push({ name, ok: run.status === 0, seconds });
  console.log(`=== ${name}: ${run.status === 0 ? 'ok' : `FAILED (exit ${run.status ?? run.signal})`} in ${seconds} s ===`);
}

function readJson(path) {
  try {
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
  } catch {
    return null;
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
const vitest = readJson(vitestJson);
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += (vitest.numFailedTests ?? 0) + (vitest.numFailedTestSuites ?? 0);
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
}
const playwright = readJson(playwrightJson);
if (playwright?.stats) {
  passed += (playwright.stats.expected ?? 0) + (playwright.stats.flaky ?? 0);
  failed += playwright.stats.unexpected ?? 0;
  skipped += playwright.stats.skipped ?? 0;
}
// A step that failed without a test report (lint, build, a crashed runner) counts as a failure.
for (const o of outcomes) {
  const counted = (o.name.startsWith('unit') && vitest) || (o.name.startsWith('browser') && playwright?.stats);
  if (!o.ok && !counted) failed += 1;
}

// The fault table (issue 10): one row per class of hostile input or fault, recorded by the tests.
const faultFile = join(results, 'fault-table.jsonl');
if (existsSync(faultFile)) {
  const rows = readFileSync(faultFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  console.log('\nFault table (recorded by the tests of this run):');
  console.log('| class of input or fault | cases | crashes | effect on admitted patients | rows lost |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.cls} | ${r.cases} | ${r.crashes} | ${r.effect} | ${r.rowsLost} |`);
  const cases = rows.reduce((n, r) => n + r.cases, 0);
  const crashes = rows.reduce((n, r) => n + r.crashes, 0);
  console.log(`| **all ${rows.length} classes** | **${cases}** | **${crashes}** | | |`);
}

console.log('\nSummary:');
for (const o of outcomes) console.log(`  ${o.ok ? 'ok    ' : 'FAILED'} ${o.name} (${o.seconds} s)`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(outcomes.every((o) => o.ok) && failed === 0 ? 0 : 1);
