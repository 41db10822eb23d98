#!/usr/bin/env node
// `npm run bench`: speed and quality of inv per compute backend on the paper's workload, the
// same workload in PyTorch for reference, and `inv check` on 2,000 inversions. Writes
// bench/results/bench.json (git-ignored) and prints a table. Not a test; never run in CI.
//
//   node bench/run.mjs [--backends wasm,cpu] [--no-reference] [--no-full]
//
// Workload (the paper's sizes): oracle MLP 4-64-64-1 on 10,000 rows in batches of 128;
// generator 8-64-64-4 with 256 solutions; the four runs of examples/paper/paper.inv.
// Each backend is measured in a child process of its own, so that memory figures and TF.js
// state do not mix.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareRun, PAPER, poly4 } from '../examples/true-function.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PAPER_INV = join(root, 'examples/paper/paper.inv');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

/** Steps and epochs timed per backend: enough for a stable median, few on the slow `cpu`. */
const TIMING = {
    cpu: { epochs: 3, steps: 100 },
    default: { epochs: 6, steps: 400 },
};

if (option('--child')) {
    await child(option('--child'), !flag('--no-full'));
} else {
    await parent();
}

// ---------------------------------------------------------------- one backend (child process)

async function child(backend, full) {
    const api = createRequire(import.meta.url)(join(root, 'out/bench.cjs'));
    const used = await api.initBackend(backend);
    const memory = memoryWatch(api.tf);
    const { documents } = await api.loadInvDocuments([PAPER_INV]);
    const document = documents[0];
    const oracleNode = document.parseResult.value.elements.find(api.isOracle);
    const oracle = api.toOracleSpec(oracleNode, document.uri.fsPath);
    if (!existsSync(oracle.modelPath)) throw new Error(`${oracle.modelPath} is missing: run \`node out/cli.cjs train examples/paper/paper.inv\` first`);
    const timing = TIMING[backend] ?? TIMING.default;
    const scratch = mkdtempSync(join(tmpdir(), 'inv-bench-'));

    // Oracle: ms per epoch (10,000 rows, batch 128), written to a scratch folder.
    const epochTimes = [];
    let last = null;
    await api.trainOracle(
        { ...oracle, modelPath: join(scratch, 'epochs/model.json'), training: { ...oracle.training, epochs: timing.epochs } },
        {
            onProgress: (p) => {
                memory.sample();
                if (last !== null) epochTimes.push(1000 * (p.elapsedSeconds - last));
                last = p.elapsedSeconds;
            },
        },
    );

    // Generator: ms per step on Exp1 (256 solutions, 8-64-64-4), never stopping early.
    const exp1 = api.toRunSpec(document, 'Exp1');
    const stepSpec = { ...exp1, steps: timing.steps, targets: exp1.targets.map((t) => ({ ...t, tolerance: 1e-12 })) };
    const marks = [];
    await api.runInversion(stepSpec, { onProgress: (p) => (memory.sample(), marks.push([p.step, performance.now()])) });
    const [s0, t0] = marks[Math.min(1, marks.length - 1)];
    const [s1, t1] = marks[marks.length - 1];
    const stepMs = s1 > s0 ? (t1 - t0) / (s1 - s0) : null;

    const report = {
        backend: used,
        oracleEpochMs: median(epochTimes),
        oracleEpochsTimed: timing.epochs,
        generatorStepMs: stepMs,
        generatorStepsTimed: timing.steps,
        runs: null,
        oracleTrainSeconds: null,
        oracleTestRmse: null,
    };

    if (full) {
        // Whole oracle training as paper.inv asks for it (200 epochs), to a scratch folder.
        const trained = await api.trainOracle({ ...oracle, modelPath: join(scratch, 'full/model.json') }, { onProgress: () => memory.sample() });
        report.oracleTrainSeconds = trained.seconds;
        report.oracleTestRmse = trained.testRmse.y;
        // Whole runs, as written in paper.inv, on the committed model: time and quality.
        report.runs = {};
        for (const block of api.runBlocks(document.parseResult.value)) {
            let result;
            try {
                result = await api.runInversion(api.toRunSpec(document, block.name), { onProgress: () => memory.sample() });
            } catch (e) {
                report.runs[block.name] = { error: e.message };
                continue;
            }
            const c = compareRun(result);
            report.runs[block.name] = {
                seconds: result.seconds,
                stepsRun: result.stepsRun,
                stoppedBecause: result.stoppedBecause,
                meeting: result.summary.meeting,
                solutions: result.solutions.length,
                trueValue: c.trueValue,
                trueMiss: c.trueMiss,
                medianTrueMiss: c.medianTrueMiss,
                best: c.best,
                meanFeatureStd: meanFreeStd(result),
            };
        }
    }
    report.memory = memory.peak();
    process.stdout.write('\n' + JSON.stringify(report) + '\n');
}

function memoryWatch(tf) {
    let rss = 0;
    let tensors = 0;
    let bytes = 0;
    const sample = () => {
        rss = Math.max(rss, process.memoryUsage().rss);
        const m = tf.memory();
        tensors = Math.max(tensors, m.numTensors);
        bytes = Math.max(bytes, m.numBytes);
    };
    const timer = setInterval(sample, 50);
    timer.unref();
    return {
        sample,
        peak: () => (sample(), { peakRssMb: rss / 2 ** 20, peakTfTensors: tensors, peakTfMb: bytes / 2 ** 20, endTfTensors: tf.memory().numTensors }),
    };
}

/** Mean over the free features of the solutions' standard deviation: how spread the answers are. */
function meanFreeStd(result) {
    const free = result.summary.importance.map((i) => i.feature);
    if (free.length === 0 || result.solutions.length < 2) return null;
    let total = 0;
    for (const f of free) {
        const v = result.solutions.map((s) => s.inputs[f]);
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        total += Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    }
    return total / free.length;
}

function median(values) {
    if (values.length === 0) return null;
    const s = [...values].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

// ---------------------------------------------------------------- the whole benchmark

async function parent() {
    if (!existsSync(join(root, 'out/bench.cjs'))) throw new Error('out/bench.cjs is missing: run `npm run build` (npm run bench does)');
    const api = createRequire(import.meta.url)(join(root, 'out/bench.cjs'));
    const found = await api.listBackends();
    const wanted = option('--backends')?.split(',');
    const backends = found
        .filter((b) => b.found && !b.detail.startsWith('only a software adapter'))
        .map((b) => b.name)
        .filter((name) => (wanted ? wanted.includes(name) : true));

    const results = {
        date: new Date().toISOString(),
        machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGb: totalmem() / 2 ** 30, node: process.version },
        backendsFound: found,
        inv: {},
        reference: null,
        check: null,
        paper: PAPER,
        boxMaximum: poly4([100, 100, 100, 100]),
    };
    for (const backend of backends) {
        process.stderr.write(`bench: ${backend} ...\n`);
        results.inv[backend] = await runChild(backend);
    }
    if (!flag('--no-reference')) results.reference = reference();
    results.check = checkBench();
    results.imported = importBench();
    results.ratios = ratios(results);

    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(join(here, 'results/bench.json'), JSON.stringify(results, null, 2) + '\n');
    process.stdout.write(table(results) + '\nwrote bench/results/bench.json\n');
}

function runChild(backend) {
    return new Promise((resolve) => {
        const childArgs = [fileURLToPath(import.meta.url), '--child', backend];
        // The full runs take minutes on plain-JS `cpu`: time only its steps and epochs.
        if (flag('--no-full') || backend === 'cpu') childArgs.push('--no-full');
        const p = spawn(process.execPath, childArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        p.stdout.on('data', (d) => (out += d));
        p.on('close', (code) => {
            const line = out.trim().split('\n').pop();
            try {
                resolve(code === 0 ? JSON.parse(line) : { error: `exit ${code}` });
            } catch {
                resolve({ error: `unreadable output: ${line}` });
            }
        });
    });
}

/** The PyTorch reference (bench/reference.py), with Debian's python3-torch, when installed. */
function reference() {
    const python = '/usr/bin/python3';
    const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (probe.status !== 0) {
        return { error: 'PyTorch not installed: apt-get install -y python3-torch python3-numpy (Debian)' };
    }
    process.stderr.write('bench: PyTorch reference ...\n');
    const out = join(mkdtempSync(join(tmpdir(), 'inv-bench-ref-')), 'reference.json');
    const run = spawnSync(python, [join(here, 'reference.py'), out], {
        env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (run.status !== 0) return { error: `reference.py exited ${run.status}` };
    return JSON.parse(readFileSync(out, 'utf8'));
}

/** `inv check` on 2,000 inversions (bench/check-bench.mjs, by the language side). */
function checkBench() {
    const script = join(here, 'check-bench.mjs');
    if (!existsSync(script)) return { error: 'bench/check-bench.mjs not found' };
    process.stderr.write('bench: inv check on 2,000 inversions ...\n');
    const run = spawnSync(process.execPath, [script, '2000', '3'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    // Its last line: "inv check, 2000 inversions (0.62 MB): median 3.21 s".
    const line = run.stdout.trim().split('\n').pop() ?? '';
    const median = /median ([\d.]+) s/.exec(line);
    return { inversions: 2000, medianSeconds: median ? Number(median[1]) : null, exit: run.status, output: line };
}

/** Loading a 1 MB ONNX model and a Keras archive (bench/import-bench.mjs). */
function importBench() {
    process.stderr.write('bench: loading imported models ...\n');
    const run = spawnSync(process.execPath, [join(here, 'import-bench.mjs'), '5'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    try {
        return JSON.parse(run.stdout.trim().split('\n').pop());
    } catch {
        return { error: `import-bench.mjs exited ${run.status}` };
    }
}

function ratios(results) {
    const ref = results.reference;
    if (!ref || ref.error) return null;
    const r = {};
    for (const [backend, m] of Object.entries(results.inv)) {
        r[backend] = {
            generatorStep: m.generatorStepMs && ref.generatorStepMs ? m.generatorStepMs / ref.generatorStepMs : null,
            oracleEpoch: m.oracleEpochMs && ref.oracleEpochMs ? m.oracleEpochMs / ref.oracleEpochMs : null,
        };
    }
    return r;
}

// ---------------------------------------------------------------- the printed table

function fmt(v, digits = 2) {
    return v === null || v === undefined || Number.isNaN(v) ? '-' : Number(v).toFixed(digits);
}

function table(results) {
    const ref = results.reference && !results.reference.error ? results.reference : null;
    const rows = [['contender', 'ms/gen step', 'x PyTorch', 'ms/oracle epoch', 'x PyTorch', 'peak RSS MB', 'peak tf MB', 'tensors left']];
    for (const [backend, m] of Object.entries(results.inv)) {
        if (m.error) {
            rows.push([`inv ${backend}`, m.error, '', '', '', '', '', '']);
            continue;
        }
        const ratio = results.ratios?.[backend];
        rows.push([
            `inv ${m.backend}`, fmt(m.generatorStepMs), fmt(ratio?.generatorStep, 1), fmt(m.oracleEpochMs, 0), fmt(ratio?.oracleEpoch, 1),
            fmt(m.memory.peakRssMb, 0), fmt(m.memory.peakTfMb, 1), String(m.memory.endTfTensors),
        ]);
    }
    if (ref) rows.push([ref.contender, fmt(ref.generatorStepMs), '1.0', fmt(ref.oracleEpochMs, 0), '1.0', fmt(ref.peakRssMb, 0), '-', '-']);
    else rows.push(['PyTorch', results.reference?.error ?? 'skipped', '', '', '', '', '', '']);

    const lines = [align(rows), ''];
    // Quality on the true function: the paper's experiments.
    const q = [['run', 'contender', 'seconds', 'stopped', 'meet', 'f(best)', '|f-1900|', 'median |f-1900|', 'mean std', 'paper']];
    for (const [backend, m] of Object.entries(results.inv)) {
        for (const [name, r] of Object.entries(m.runs ?? {})) {
            if (r.error) {
                q.push([name, `inv ${backend}`, `failed: ${r.error}`, '', '', '', '', '', '', '']);
                continue;
            }
            const paper = name.startsWith('Exp3') ? `${PAPER.Exp3.reached} (${PAPER.Exp3.share} % of max)` : String(PAPER[name]?.miss ?? '-');
            q.push([name, `inv ${backend}`, fmt(r.seconds, 1), r.stoppedBecause, `${r.meeting}/${r.solutions}`, fmt(r.trueValue), fmt(r.trueMiss), fmt(r.medianTrueMiss), fmt(r.meanFeatureStd, 1), paper]);
        }
        if (m.oracleTrainSeconds !== null && m.oracleTrainSeconds !== undefined) {
            lines.push(`inv ${backend}: oracle trained (200 epochs) in ${fmt(m.oracleTrainSeconds, 1)} s, test RMSE ${fmt(m.oracleTestRmse, 3)}`);
        }
    }
    if (ref) {
        for (const [name, r] of Object.entries(ref.runs)) {
            q.push([name, 'PyTorch (plain loss)', fmt(r.seconds, 1), 'steps', '-', fmt(r.trueValue), fmt(r.trueMiss), '-', fmt(r.meanFeatureStd, 1), '']);
        }
        lines.push(`PyTorch: oracle trained (200 epochs) in ${fmt(ref.oracleTrainSeconds, 1)} s, test RMSE ${fmt(ref.oracleTestRmse, 3)}`);
    }
    lines.push(`(Exp3's box maximum f(100,100,100,100) = ${fmt(results.boxMaximum)})`, '', align(q));
    for (const [name, r] of Object.entries(results.imported ?? {})) {
        if (r && typeof r === 'object' && 'loadMs' in r) lines.push(`${name === 'onnx' ? 'ONNX' : 'Keras'} model of ${fmt(r.megabytes)} MB: loaded (read, checked, built, 256 rows predicted) in ${fmt(r.loadMs, 0)} ms, summarised for the editor in ${fmt(r.summaryMs, 0)} ms (medians of ${r.runs} fresh processes)`);
    }
    if (results.check) lines.push('', `inv check on 2,000 inversions: ${results.check.medianSeconds !== null && results.check.medianSeconds !== undefined ? `median ${fmt(results.check.medianSeconds)} s of 3 runs` : JSON.stringify(results.check)}`);
    return lines.join('\n');
}

function align(rows) {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
    return rows.map((r) => r.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
