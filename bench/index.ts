/**
 * `npm run bench`: the performance harness (separate from the tests). Runs every section in
 * bench/sections/ (handshake, storm, fanout, memory, groups, then any others by name), each
 * exporting `run: BenchRun` (bench/lib/types.ts), prints each as a markdown table with notes,
 * and writes bench-results/results.json, results.md and the plots (SVG, and PNG when headless
 * Chromium is there).
 *
 *   BENCH_ONLY=storm,fanout   only these sections
 *   BENCH_ROUNDS=5            rounds per figure (default 5)
 *   BENCH_QUICK=1             small sizes and one round: checks that the harness runs
 *   BENCH_PROFILE=1           CPU profiles of the doctor: largest join storm, 20 broadcasts at 1,000
 *   BENCH_FANOUT_SIZES=1000   fan-out sizes (default 100,1000,2000)
 *   BENCH_CHROMIUM=/path      Chromium for the PNG plots (default /usr/bin/chromium)
 *   BENCH_RESULTS_DIR=dir     where to write (default bench-results/)
 *
 * A section that throws is reported as failed and the others still run. A bench reports: it
 * exits 0 whether or not targets are met.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, freemem, platform, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFigure, BenchOptions, BenchRun, BenchSection } from './lib/types.js';
import { DOCTOR_DATA_ROOT, RESULTS_DIR } from './lib/paths.js';
import { svgPlot, svgsToPng } from './lib/plot.js';

const ORDER = ['handshake', 'storm', 'fanout', 'memory', 'groups'];
/** Plot axes for the sections whose series are known; others get a generic plot. */
const PLOTS: Record<string, { file: string; title: string; yLabel: string }> = {
  storm: { file: 'join-time', title: 'Join storm: time until all admitted', yLabel: 'ms' },
  fanout: { file: 'fanout-time', title: 'Fan-out: send until the last patient has decrypted', yLabel: 'ms' },
};

interface SectionResult {
  name: string;
  ok: boolean;
  seconds: number;
  section?: BenchSection;
  error?: string;
}

const sectionsDir = fileURLToPath(new URL('./sections/', import.meta.url));

function discover(): string[] {
  const names = existsSync(sectionsDir)
    ? readdirSync(sectionsDir)
        .filter((f) => f.endsWith('.js'))
        .map((f) => f.slice(0, -3))
    : [];
  const known = ORDER.filter((n) => names.includes(n));
  const others = names.filter((n) => !ORDER.includes(n)).sort();
  return [...known, ...others];
}

export function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '-';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 10) return v.toFixed(2);
  return v.toFixed(3);
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

function table(figures: readonly BenchFigure[]): string[] {
  const lines = ['| figure | median | spread | unit | n | baseline | ratio | target | pass |', '|---|---|---|---|---|---|---|---|---|'];
  for (const f of figures) {
    const baseline = f.baseline ? `${cell(f.baseline.name)}: ${fmt(f.baseline.median)}` : '';
    const pass = f.pass === undefined ? '' : f.pass ? 'PASS' : 'FAIL';
    lines.push(
      `| ${cell(f.name)} | ${fmt(f.median)} | ${fmt(f.spread[0])} – ${fmt(f.spread[1])} | ${f.unit} | ${f.samples} | ${baseline} | ${f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}x`} | ${cell(f.target ?? '')} | ${pass} |`,
    );
  }
  return lines;
}

function machine(): { cpu: string; cpus: number; node: string; memory: string; os: string } {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cpus: c.length,
    node: process.version,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`,
    os: `${platform()} ${release()}`,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const quick = process.env['BENCH_QUICK'] === '1';
  const roundsEnv = Number(process.env['BENCH_ROUNDS'] ?? 5);
  const options: BenchOptions = { quick, rounds: quick ? 1 : Number.isInteger(roundsEnv) && roundsEnv > 0 ? roundsEnv : 5 };
  const only = (process.env['BENCH_ONLY'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const all = discover();
  const chosen = only.length ? all.filter((n) => only.includes(n)) : all;
  const unknown = only.filter((n) => !all.includes(n));
  const m = machine();
  const date = new Date().toISOString();

  const md: string[] = [];
  const say = (...lines: string[]): void => {
    for (const line of lines) {
      console.log(line);
      md.push(line);
    }
  };
  say(
    '# MedChatSecure bench',
    '',
    `- date: ${date}`,
    `- machine: ${m.cpus} x ${m.cpu}, ${m.memory}, ${m.os}`,
    `- node ${m.node}, OpenSSL ${process.versions.openssl}`,
    `- rounds: ${options.rounds}${quick ? ' (BENCH_QUICK=1: small sizes)' : ''}; sections: ${chosen.join(', ') || '(none)'}${unknown.length ? `; unknown in BENCH_ONLY: ${unknown.join(', ')}` : ''}`,
    '',
  );

  mkdirSync(RESULTS_DIR, { recursive: true });
  // The doctor data of the last run only (its performance history is what the app shows).
  rmSync(DOCTOR_DATA_ROOT, { recursive: true, force: true });

  const results: SectionResult[] = [];
  for (const name of chosen) {
    const t0 = performance.now();
    console.error(`[bench] ${name} ...`);
    let result: SectionResult;
    try {
      const mod = (await import(pathToFileURL(join(sectionsDir, `${name}.js`)).href)) as { run?: BenchRun };
      if (typeof mod.run !== 'function') throw new Error(`bench/sections/${name}.ts does not export run`);
      const section = await mod.run(options);
      result = { name, ok: true, seconds: (performance.now() - t0) / 1000, section };
    } catch (error) {
      result = { name, ok: false, seconds: (performance.now() - t0) / 1000, error: (error as Error).stack ?? String(error) };
    }
    results.push(result);
    console.error(`[bench] ${name} ${result.ok ? 'done' : 'FAILED'} in ${result.seconds.toFixed(0)} s`);
    if (result.section) {
      say(`## ${result.section.title} (${name}, ${result.seconds.toFixed(0)} s)`, '', ...table(result.section.figures), '');
      if (result.section.notes.length) say(...result.section.notes.map((n) => (n === '' || n.startsWith('|') ? n : `- ${n}`)), '');
    } else {
      say(`## ${name}: FAILED after ${result.seconds.toFixed(0)} s`, '', '```', result.error ?? '', '```', '');
    }
  }

  // Plots.
  const svgs: Array<{ svg: string; png: string; name: string }> = [];
  for (const r of results) {
    const series = r.section?.series;
    if (!series || Object.keys(series).length === 0) continue;
    const spec = PLOTS[r.name] ?? { file: r.name, title: r.section!.title, yLabel: 'ms' };
    const svg = join(RESULTS_DIR, `${spec.file}.svg`);
    writeFileSync(svg, svgPlot({ title: `${spec.title} (${date.slice(0, 10)}${quick ? ', quick' : ''})`, xLabel: 'patients', yLabel: spec.yLabel, series }));
    svgs.push({ svg, png: join(RESULTS_DIR, `${spec.file}.png`), name: spec.file });
  }
  const pngNote = svgs.length ? await svgsToPng(svgs) : null;
  if (svgs.length) {
    say('## Plots', '', ...svgs.map((s) => `- ${s.name}: bench-results/${s.name}.svg${pngNote ? '' : `, bench-results/${s.name}.png`}`));
    if (pngNote) say(`- ${pngNote}`);
    say('');
  }
  const seconds = (performance.now() - started) / 1000;
  say(`Doctor data of this run: bench-results/doctor-data/doctor (open with: node bin/medchat.js web --role doctor --data-dir bench-results/doctor-data).`, '', `Total bench time ${seconds.toFixed(0)} s.`);

  writeFileSync(
    join(RESULTS_DIR, 'results.json'),
    JSON.stringify({ date, machine: m, openssl: process.versions.openssl, options, seconds, plots: svgs.map((s) => s.name), pngNote, sections: results }, null, 2) + '\n',
  );
  writeFileSync(join(RESULTS_DIR, 'results.md'), md.join('\n') + '\n');
  // Keep a copy of the plots where docs/performance.md can link them, when asked to.
  if (process.env['BENCH_DOCS'] === '1') {
    const docs = fileURLToPath(new URL('../../../docs/performance/', import.meta.url));
    mkdirSync(docs, { recursive: true });
    for (const s of svgs) {
      copyFileSync(s.svg, join(docs, `${s.name}.svg`));
      if (!pngNote) copyFileSync(s.png, join(docs, `${s.name}.png`));
    }
  }
}

main()
  .catch((error: unknown) => console.error(`[bench] harness error: ${(error as Error).stack ?? String(error)}`))
  .finally(() => {
    // A bench reports: exit 0, and do not wait for stray handles of a failed section.
    process.exit(0);
  });
