#!/usr/bin/env node
// `npm run bench:inverse`: inv on the field's inverse-problem benchmarks (problems.mjs), every
// answer judged on the TRUE forward function. For each benchmark and method: r_1 and r_50 of
// Ren et al. 2020, the mean true re-simulation error, the spread, the level-set coverage
// (measures.mjs), support and families as inv reports them, and the time; beside the
// published neural-adjoint figures and this goals. Writes bench/results/inverse.json
// (and an `inverse` entry into bench/results/bench.json when that exists) and prints a table.
//
//   node bench/inverse/run.mjs [--backend wasm] [--only sine,arm] [--baseline OTHER/out/cli.cjs]
//
// Data are written by make-data.mjs when missing; oracles are trained by `inv train` when
// their model is missing. --baseline runs the same files with another build of inv (e.g.
// main's) alternately with this one, for a side-by-side time ratio on the same loaded machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCHMARKS, benchFile, GOALS, goalCheck, measure, modelOf, PUBLISHED_NA } from './benchmarks.mjs';
import { GRID, PROBLEMS, TRULY_WITHIN } from './measures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const backend = option('--backend') ?? 'wasm';
const only = option('--only')?.split(',');
const baseline = option('--baseline');
const cli = join(root, 'out/cli.cjs');

const selected = BENCHMARKS.filter((b) => !only || only.includes(b.problem));

if (!existsSync(cli)) {
    console.error('out/cli.cjs is missing: run `npm run build` first (`npm run bench:inverse` does)');
    process.exit(2);
}
if (!selected.every((b) => existsSync(join(here, `data/${b.problem}-train.csv`)))) {
    spawnSync(process.execPath, [join(here, 'make-data.mjs')], { stdio: 'inherit' });
}

const scratch = mkdtempSync(join(tmpdir(), 'inv-bench-inverse-'));
const report = { date: new Date().toISOString(), backend, grid: GRID, trulyWithin: TRULY_WITHIN, publishedNeuralAdjoint: PUBLISHED_NA, goals: GOALS, benchmarks: [] };
const trained = new Set();
for (const bench of selected) {
    const file = benchFile(bench);
    if (!trained.has(bench.file)) {
        trainIfMissing(file);
        trained.add(bench.file);
    }
    const problem = PROBLEMS[bench.problem];
    const entry = { name: bench.name, problem: bench.problem, runs: [] };
    for (const [name, method] of bench.runs) {
        process.stderr.write(`bench:inverse: ${name} ...\n`);
        const result = runWith(cli, file, name, 'this');
        const measured = measure(bench, problem, result);
        const base = baseline ? measure(bench, problem, runWith(baseline, file, name, 'baseline')) : null;
        entry.runs.push({ name, method, ...measured, baseline: base, timeRatio: base ? measured.seconds / base.seconds : null, goals: method === 'generator' ? goalCheck(bench, measured) : null });
    }
    report.benchmarks.push(entry);
}

mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/inverse.json'), JSON.stringify(report, null, 2) + '\n');
const speed = join(root, 'bench/results/bench.json');
if (existsSync(speed)) {
    const all = JSON.parse(readFileSync(speed, 'utf8'));
    all.inverse = report;
    writeFileSync(speed, JSON.stringify(all, null, 2) + '\n');
}
console.log(table(report));
console.log('\nwrote bench/results/inverse.json');

// ---------------------------------------------------------------- running inv

function trainIfMissing(file) {
    if (existsSync(modelOf(file))) return;
    process.stderr.write(`bench:inverse: training the oracle of ${file} (inv train) ...\n`);
    const r = spawnSync(process.execPath, [cli, 'train', file, '--backend', backend], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`inv train ${file} failed (exit ${r.status})`);
}

function runWith(cliPath, file, name, tag) {
    const out = join(scratch, `${name}-${tag}.json`);
    const r = spawnSync(process.execPath, [cliPath, 'run', file, '--name', name, '--backend', backend, '--out', out, '--quiet'], { encoding: 'utf8' });
    if (r.status !== 0 && !existsSync(out)) throw new Error(`inv run ${file} --name ${name} failed (exit ${r.status}): ${r.stderr}`);
    return JSON.parse(readFileSync(out, 'utf8'))[0];
}

// ---------------------------------------------------------------- the printed table

function e(v) {
    return v === null || v === undefined ? '-' : Number(v).toExponential(1);
}
function f(v, d = 2) {
    return v === null || v === undefined ? '-' : Number(v).toFixed(d);
}

function table(rep) {
    const rows = [['benchmark', 'method', 'r_1', 'r_50', 'mean MSE', 'within 1e-3', 'spread', 'coverage', 'supported', 'families', 'seconds', 'x base', 'goals']];
    for (const b of rep.benchmarks) {
        for (const r of b.runs) {
            const spread = r.angleSpread !== null ? `${f(r.angleSpread)} rad (least angle)` : Object.values(r.spread).map((s) => f(s)).join(' / ');
            const goals = r.goals ? Object.entries(r.goals).map(([k, ok]) => `${k} ${ok ? 'met' : 'MISSED'}`).join(', ') : '';
            rows.push([b.name, r.method, e(r.r1), e(r.r50), e(r.meanTrueMse), `${r.trulyWithin}/${r.solutions}`, spread, `${f(r.coverage)} (${r.cellsCovered}/${r.cellsCrossed})`,
                r.supported === null ? '-' : `${r.supported}/${r.solutions}`, r.modes ?? '-', f(r.seconds, 1), r.timeRatio ? f(r.timeRatio) : '-', goals]);
        }
        const na = PUBLISHED_NA[b.problem];
        if (na) rows.push([b.name, 'neural adjoint (published)', e(na.r1), e(na.r50), '', '', '', '', '', '', '', '', '']);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
    return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
