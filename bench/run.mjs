#!/usr/bin/env node
// `npm run bench`: inv's speed against the fastest honest PyTorch, measured INTERLEAVED in
// one run so that the ratios hold on a noisy, shared machine. Not a test; never run in CI.
//
//   node bench/run.mjs [--rounds 5] [--quick] [--no-whole] [--no-scale] [--no-quality] [--no-check] [--no-import]
//
// Contenders, each a long-lived process answering timed requests (bench/contender.mjs for
// inv, `bench/reference.py --serve` for PyTorch):
//   inv wasm-fused   inv's fused WebAssembly kernel (what `backend auto` uses on a CPU)
//   inv wasm         TF.js's WebAssembly backend (inv's general path)
//   PyTorch          Debian's python3-torch, vectorised, one thread (bench/reference.py)
// Measured:
//   1. ms per generator step (plain loss) at the paper's sizes (oracle 4-64-64-1, generator
//      8-64-64-4, 256 solutions) and larger (oracle 4-256-256-256-1, 4,096 solutions), and
//      per oracle epoch (10,000 rows, batch 128) at both oracle sizes: in rounds, the
//      contenders taking turns (the order rotates), each turn about TURN_MS long; the
//      ratio is taken per round (contenders side by side in time), then the median.
//   2. The whole process: `inv train` + `inv run` of the paper's workload (200 epochs, then
//      Exp1, Exp2, Exp3 for 3000 steps each with the paper's plain loss), as command-line
//      processes, against `reference.py --whole` doing the same: wall time and peak RSS.
//   3. Quality on the true function: paper.inv as written (spread term on) per inv backend.
//   4. Scale: 65,536 solutions x 3000 steps (spread term on) on inv wasm-fused, its time and
//      peak memory; and ms per step at 65,536 for TF.js wasm and PyTorch (a few steps).
// Writes bench/results/bench.json and prints a table.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PAPER, poly4 } from '../examples/true-function.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PYTHON = '/usr/bin/python3';
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const QUICK = flag('--quick');
const ROUNDS = Number(option('--rounds', QUICK ? 3 : 5));
/** Each contender's turn in a round lasts about this long. */
const TURN_MS = QUICK ? 400 : 1000;

const SIZES = [
    { label: 'paper', solutions: 256, oracle: [4, 64, 64, 1], generator: [8, 64, 64, 4] },
    { label: 'large', solutions: 4096, oracle: [4, 256, 256, 256, 1], generator: [8, 64, 64, 4] },
];
const SCALE = { label: 'scale', solutions: 65536, oracle: [4, 64, 64, 1], generator: [8, 64, 64, 4] };

const log = (line) => process.stderr.write(`bench: ${line}\n`);

// ---------------------------------------------------------------- contenders

/** A long-lived contender process speaking JSON lines. */
function contender(name, command, commandArgs, env = process.env) {
    const proc = spawn(command, commandArgs, { cwd: root, env, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
    const next = async () => {
        const { value, done } = await lines.next();
        if (done) throw new Error(`${name} exited`);
        return JSON.parse(value);
    };
    return {
        name,
        ready: next(),
        async ask(cmd) {
            proc.stdin.write(JSON.stringify(cmd) + '\n');
            const answer = await next();
            if (answer.error) throw new Error(`${name}: ${answer.error}`);
            return answer;
        },
        quit() {
            proc.stdin.write(JSON.stringify({ cmd: 'quit' }) + '\n');
            proc.stdin.end();
        },
    };
}

function median(values) {
    const v = values.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
    return v.length ? v[Math.floor(v.length / 2)] : null;
}

/**
 * Interleaved rounds of `measure(contender, n)` (ms per unit for n units). A first call per
 * contender calibrates n so that a turn lasts about TURN_MS. Returns per contender the
 * median ms and per round values.
 */
async function interleave(contenders, measure, { minUnits = 1, maxUnits = 5000, rounds = ROUNDS } = {}) {
    const units = new Map();
    for (const c of contenders) {
        const ms = await measure(c, minUnits);
        units.set(c.name, Math.max(minUnits, Math.min(maxUnits, Math.round(TURN_MS / Math.max(ms, 1e-3)))));
    }
    const perRound = new Map(contenders.map((c) => [c.name, []]));
    for (let r = 0; r < rounds; r++) {
        const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
        for (const c of order) perRound.get(c.name).push(await measure(c, units.get(c.name)));
    }
    return Object.fromEntries(contenders.map((c) => [c.name, { ms: median(perRound.get(c.name)), rounds: perRound.get(c.name), unitsPerTurn: units.get(c.name) }]));
}

/** Per contender: its ms divided by the reference's in the same round, median over rounds. */
function ratios(result, reference) {
    const ref = result[reference]?.rounds;
    if (!ref) return {};
    return Object.fromEntries(Object.entries(result).map(([name, r]) => [name, median(r.rounds.map((ms, i) => ms / ref[i]))]));
}

// ---------------------------------------------------------------- 1. steps and epochs

async function timedPieces(contenders) {
    const out = { steps: {}, epochs: {} };
    for (const size of SIZES) {
        log(`generator steps, ${size.label} sizes (${size.solutions} solutions, oracle ${size.oracle.join('-')}) ...`);
        for (const c of contenders) await c.ask({ cmd: 'setup', ...size, diversity: 0 });
        const steps = await interleave(contenders, async (c, n) => (await c.ask({ cmd: 'steps', n })).msPerStep, { minUnits: size.solutions > 1000 ? 2 : 20 });
        out.steps[size.label] = { size, contenders: steps, ratios: ratios(steps, 'PyTorch') };
    }
    for (const size of SIZES) {
        log(`oracle epochs, oracle ${size.oracle.join('-')} ...`);
        const epochs = await interleave(
            contenders,
            async (c, n) => median((await c.ask({ cmd: 'epochs', n, oracle: size.oracle })).msPerEpoch),
            { minUnits: 2, maxUnits: 40, rounds: QUICK ? 2 : 3 },
        );
        out.epochs[size.label] = { oracle: size.oracle, contenders: epochs, ratios: ratios(epochs, 'PyTorch') };
    }
    // The spread term's cost on the fused kernel (the PyTorch reference has none).
    const fused = contenders.find((c) => c.name === 'inv wasm-fused');
    if (fused) {
        await fused.ask({ cmd: 'setup', ...SIZES[0], diversity: 0.15 });
        const withSpread = await interleave([fused], async (c, n) => (await c.ask({ cmd: 'steps', n })).msPerStep, { minUnits: 20 });
        out.spreadStepMs = withSpread[fused.name].ms;
    }
    out.memory = {};
    for (const c of contenders) out.memory[c.name] = await c.ask({ cmd: 'memory' });
    return out;
}

// ---------------------------------------------------------------- 2. whole processes

const WORKLOAD_INV = `// bench/run.mjs's whole-process workload: the PyTorch reference's, in .inv.
oracle Poly4 {
  model "models/poly4/model.json"
  data "data/poly4-train.csv"
  test "data/poly4-test.csv"
  inputs x1 in [0, 500], x2 in [0, 500], x3 in [0, 500], x4 in [0, 500]
  outputs y
  layers 64, 64
  epochs 200
  validation 0
}
// The paper's plain loss for all 3000 steps, as the reference runs it.
inversion Exp1 { oracle Poly4 target y = 1900 tolerance 0.000001 diversity 0 steps 3000 seed 7 }
inversion Exp2 { oracle Poly4 target y = 1900 tolerance 0.000001 fix x4 = 10 diversity 0 steps 3000 seed 7 }
inversion Exp3 { oracle Poly4 target y = 1900 tolerance 0.000001 fix x4 = 100 bound x1, x2, x3 in [0, 100] diversity 0 steps 3000 seed 7 }
`;

/** Wall seconds and peak RSS (MB) of a command, by /usr/bin/time. */
function timed(command, commandArgs, env = process.env) {
    const t0 = performance.now();
    const run = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', command, ...commandArgs], { cwd: root, env, encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    const rss = /maxrss=(\d+)/.exec(run.stderr ?? '');
    return { seconds, peakRssMb: rss ? Number(rss[1]) / 1024 : null, status: run.status, stderr: run.status === 0 ? '' : run.stderr.slice(-2000) };
}

function wholeProcesses(backends, repeats) {
    const cli = join(root, 'out/cli.cjs');
    const results = Object.fromEntries([...backends.map((b) => `inv ${b}`), 'PyTorch'].map((n) => [n, []]));
    const extra = {};
    for (let r = 0; r < repeats; r++) {
        const order = [...backends, 'PyTorch'];
        for (let i = 0; i < order.length; i++) {
            const who = order[(i + r) % order.length];
            const dir = mkdtempSync(join(tmpdir(), 'inv-bench-whole-'));
            if (who === 'PyTorch') {
                log(`whole process: PyTorch (round ${r + 1}) ...`);
                const out = join(dir, 'reference.json');
                const t = timed(PYTHON, [join(here, 'reference.py'), '--whole', out], { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' });
                if (t.status === 0) extra.PyTorch = JSON.parse(readFileSync(out, 'utf8'));
                results.PyTorch.push({ ...t, steps: null });
            } else {
                log(`whole process: inv ${who} (round ${r + 1}) ...`);
                cpSync(join(root, 'examples/paper/data'), join(dir, 'data'), { recursive: true });
                writeFileSync(join(dir, 'workload.inv'), WORKLOAD_INV);
                const train = timed(process.execPath, [cli, 'train', join(dir, 'workload.inv'), '--backend', who, '--quiet']);
                const run = timed(process.execPath, [cli, 'run', join(dir, 'workload.inv'), '--backend', who, '--quiet', '--out', join(dir, 'results.json')]);
                const row = { seconds: train.seconds + run.seconds, trainSeconds: train.seconds, runSeconds: run.seconds, peakRssMb: Math.max(train.peakRssMb ?? 0, run.peakRssMb ?? 0), status: train.status || run.status, stderr: train.stderr + run.stderr };
                if (row.status === 0) {
                    const res = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
                    row.runs = Object.fromEntries(res.map((x) => {
                        const best = x.solutions[x.summary.best];
                        const truth = poly4(['x1', 'x2', 'x3', 'x4'].map((f) => best.inputs[f]));
                        return [x.name, { trueValue: truth, trueMiss: Math.abs(truth - 1900), seconds: x.seconds, stepsRun: x.stepsRun }];
                    }));
                    const model = JSON.parse(readFileSync(join(dir, 'models/poly4/model.json'), 'utf8'));
                    row.oracleTestRmse = model.userDefinedMetadata?.inv?.testRmse?.y ?? null;
                }
                results[`inv ${who}`].push(row);
            }
            rmSync(dir, { recursive: true, force: true });
        }
    }
    const summary = Object.fromEntries(Object.entries(results).map(([n, rows]) => [n, { seconds: median(rows.map((x) => x.seconds)), peakRssMb: median(rows.map((x) => x.peakRssMb)), rounds: rows }]));
    return { contenders: summary, ratios: ratios(Object.fromEntries(Object.entries(summary).map(([n, s]) => [n, { rounds: s.rounds.map((x) => x.seconds) }])), 'PyTorch'), reference: extra.PyTorch ?? null };
}

// ---------------------------------------------------------------- 3. quality, 4. scale

async function quality(contenders) {
    const out = {};
    for (const c of contenders.filter((c) => c.name.startsWith('inv'))) {
        out[c.name] = {};
        for (const name of ['Exp1', 'Exp2', 'Exp3', 'Exp3Paper']) {
            log(`quality: paper.inv ${name} on ${c.name} ...`);
            out[c.name][name] = await c.ask({ cmd: 'run', name });
        }
    }
    return out;
}

async function scale(contenders) {
    const out = {};
    const fused = contenders.find((c) => c.name === 'inv wasm-fused');
    if (fused) {
        log('scale: 65,536 solutions x 3000 steps on inv wasm-fused (several minutes) ...');
        out.fusedRun = await fused.ask({ cmd: 'run', name: 'Exp1', overrides: { solutions: SCALE.solutions, steps: 3000 } });
    }
    for (const c of contenders) {
        log(`scale: ms per step at 65,536 solutions on ${c.name} ...`);
        try {
            await c.ask({ cmd: 'setup', ...SCALE, diversity: c.name === 'PyTorch' ? 0 : 0.15 });
            const r = await c.ask({ cmd: 'steps', n: c.name === 'inv wasm-fused' ? 20 : 4 });
            out[c.name] = { msPerStep: r.msPerStep, spreadTerm: c.name !== 'PyTorch', ...(await c.ask({ cmd: 'memory' })) };
        } catch (e) {
            out[c.name] = { error: e.message };
        }
    }
    return out;
}

// ---------------------------------------------------------------- the whole benchmark

async function main() {
    if (!existsSync(join(root, 'out/bench.cjs'))) throw new Error('out/bench.cjs is missing: run `npm run build` (npm run bench does)');
    const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    const havePytorch = probe.status === 0;
    if (!havePytorch) log('PyTorch not found (apt-get install -y python3-torch python3-numpy): no ratios');
    const backends = option('--backends', 'wasm-fused,wasm').split(',');
    const contenders = backends.map((b) => contender(`inv ${b}`, process.execPath, [join(here, 'contender.mjs'), b]));
    if (havePytorch) contenders.push(contender('PyTorch', PYTHON, [join(here, 'reference.py'), '--serve'], { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' }));
    const ready = await Promise.all(contenders.map((c) => c.ready));

    const results = {
        date: new Date().toISOString(),
        machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGb: totalmem() / 2 ** 30, node: process.version, loadAverageAtStart: loadavg() },
        contenders: ready.map((r) => r.contender),
        rounds: ROUNDS,
        turnMs: TURN_MS,
    };
    Object.assign(results, await timedPieces(contenders));
    if (!flag('--no-quality')) results.quality = await quality(contenders);
    if (!flag('--no-scale')) results.scale = await scale(contenders);
    for (const c of contenders) c.quit();
    if (!flag('--no-whole')) results.whole = wholeProcesses(backends, Number(option('--whole-repeats', 1)));
    if (!flag('--no-check')) results.check = checkBench();
    if (!flag('--no-import')) results.imported = importBench();
    results.machine.loadAverageAtEnd = loadavg();
    results.paper = PAPER;
    results.boxMaximum = poly4([100, 100, 100, 100]);

    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(join(here, 'results/bench.json'), JSON.stringify(results, null, 2) + '\n');
    process.stdout.write(table(results) + '\nwrote bench/results/bench.json\n');
}

/** `inv check` on 2,000 inversions (bench/check-bench.mjs, by the language side). */
function checkBench() {
    const script = join(here, 'check-bench.mjs');
    if (!existsSync(script)) return { error: 'bench/check-bench.mjs not found' };
    log('inv check on 2,000 inversions ...');
    const run = spawnSync(process.execPath, [script, '2000', '3'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    const m = /median ([\d.]+) s/.exec(line);
    return { inversions: 2000, medianSeconds: m ? Number(m[1]) : null, exit: run.status, output: line };
}

/** Loading imported models (bench/import-bench.mjs, by the ONNX/Keras import). */
function importBench() {
    log('loading imported models ...');
    const run = spawnSync(process.execPath, [join(here, 'import-bench.mjs'), '5'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    try {
        return JSON.parse(run.stdout.trim().split('\n').pop());
    } catch {
        return { error: `import-bench.mjs exited ${run.status}` };
    }
}

// ---------------------------------------------------------------- the printed table

function fmt(v, digits = 2) {
    return v === null || v === undefined || Number.isNaN(v) ? '-' : Number(v).toFixed(digits);
}

function align(rows) {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
    return rows.map((r) => r.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function table(r) {
    const lines = [];
    const names = Object.keys(r.steps.paper.contenders);
    const head = ['contender', 'ms/step paper', 'x PyTorch', 'ms/step large', 'x PyTorch', 'ms/epoch 64-64', 'x PyTorch', 'ms/epoch 256x3', 'x PyTorch', 'peak RSS MB'];
    const rows = [head];
    for (const n of names) {
        rows.push([
            n,
            fmt(r.steps.paper.contenders[n].ms, 3), fmt(r.steps.paper.ratios[n]),
            fmt(r.steps.large.contenders[n].ms, 2), fmt(r.steps.large.ratios[n]),
            fmt(r.epochs.paper.contenders[n].ms, 1), fmt(r.epochs.paper.ratios[n]),
            fmt(r.epochs.large.contenders[n].ms, 0), fmt(r.epochs.large.ratios[n]),
            fmt(r.memory[n]?.peakRssMb, 0),
        ]);
    }
    lines.push(`Interleaved: ${r.rounds} rounds, turns of ~${r.turnMs} ms, ratios per round then the median. Load average at start ${r.machine.loadAverageAtStart.map((x) => x.toFixed(1)).join(' ')} on ${r.machine.cpus} cores.`);
    lines.push('paper: oracle 4-64-64-1, generator 8-64-64-4, 256 solutions; large: oracle 4-256-256-256-1, 4,096 solutions; epochs of 10,000 rows, batch 128; plain loss.');
    lines.push('', align(rows));
    if (r.spreadStepMs) lines.push(`inv wasm-fused with the spread term (paper sizes): ${fmt(r.spreadStepMs, 3)} ms/step`);
    if (r.whole) {
        const w = [['whole process (train 200 epochs + Exp1-3 x 3000 steps)', 'seconds', 'x PyTorch', 'train s', 'run s', 'peak RSS MB', 'test RMSE', '|f-1900| Exp1', 'Exp2', 'f Exp3']];
        for (const [n, s] of Object.entries(r.whole.contenders)) {
            const first = s.rounds[0] ?? {};
            const ref = n === 'PyTorch' ? r.whole.reference : null;
            w.push([
                n, fmt(s.seconds, 1), fmt(r.whole.ratios[n]), fmt(first.trainSeconds ?? ref?.oracleTrainSeconds, 1), fmt(first.runSeconds, 1), fmt(s.peakRssMb, 0),
                fmt(first.oracleTestRmse ?? ref?.oracleTestRmse, 3),
                fmt((first.runs ?? ref?.runs)?.Exp1?.trueMiss), fmt((first.runs ?? ref?.runs)?.Exp2?.trueMiss), fmt((first.runs ?? ref?.runs)?.Exp3?.trueValue),
            ]);
        }
        lines.push('', align(w));
    }
    if (r.quality) {
        const q = [['paper.inv (spread term)', 'contender', 'seconds', 'stopped', 'meet', 'f(best)', '|f-1900|', 'median |f-1900|', 'mean std', 'paper']];
        for (const [n, runs] of Object.entries(r.quality)) {
            for (const [name, x] of Object.entries(runs)) {
                const paper = name.startsWith('Exp3') ? `${PAPER.Exp3.reached} (${PAPER.Exp3.share} % of max)` : String(PAPER[name]?.miss ?? '-');
                q.push([name, n, fmt(x.seconds, 1), x.stoppedBecause, `${x.meeting}/${x.solutions}`, fmt(x.trueValue), fmt(x.trueMiss), fmt(x.medianTrueMiss), fmt(x.meanFeatureStd, 1), paper]);
            }
        }
        lines.push('', align(q), `(Exp3's box maximum f(100,100,100,100) = ${fmt(r.boxMaximum)})`);
    }
    if (r.scale) {
        const s = r.scale;
        if (s.fusedRun) lines.push('', `65,536 solutions, Exp1 with the spread term, inv wasm-fused: ${fmt(s.fusedRun.seconds, 1)} s for ${s.fusedRun.stepsRun} steps (${s.fusedRun.stoppedBecause}), ${s.fusedRun.meeting}/${s.fusedRun.solutions} meet, |f-1900| ${fmt(s.fusedRun.trueMiss)}, peak RSS ${fmt(s.fusedRun.peakRssMb, 0)} MB`);
        for (const [n, x] of Object.entries(s)) if (n !== 'fusedRun') lines.push(`65,536 solutions, ${n}: ${x.error ? `failed: ${x.error}` : `${fmt(x.msPerStep, 1)} ms/step${x.spreadTerm ? ' (spread term on)' : ''}, peak RSS ${fmt(x.peakRssMb, 0)} MB`}`);
    }
    for (const [name, x] of Object.entries(r.imported ?? {})) {
        if (x && typeof x === 'object' && 'loadMs' in x) lines.push(`${name === 'onnx' ? 'ONNX' : 'Keras'} model of ${fmt(x.megabytes)} MB: loaded (read, checked, built, 256 rows predicted) in ${fmt(x.loadMs, 0)} ms, summarised for the editor in ${fmt(x.summaryMs, 0)} ms (medians of ${x.runs} fresh processes)`);
    }
    if (r.check) lines.push('', `inv check on 2,000 inversions: ${r.check.medianSeconds !== null ? `median ${fmt(r.check.medianSeconds)} s of 3 runs` : JSON.stringify(r.check)}`);
    lines.push(`Load average at end ${r.machine.loadAverageAtEnd.map((x) => x.toFixed(1)).join(' ')}.`);
    return lines.join('\n');
}

await main();
