#!/usr/bin/env node
// One inv contender for bench/run.mjs, kept running so that its measurements can be
// interleaved with the others': `node bench/contender.mjs BACKEND` (wasm-fused, wasm, cpu)
// reads one JSON command per line on stdin and answers one JSON line on stdout (the same
// protocol as `bench/reference.py --serve`):
//   {"cmd": "setup", "solutions": 256, "oracle": [4, 64, 64, 1], "generator": [8, 64, 64, 4], "diversity": 0}
//   {"cmd": "steps", "n": 200}                          -> {"msPerStep": ...}
//   {"cmd": "epochs", "n": 3, "oracle": [4, 64, 64, 1]} -> {"msPerEpoch": [...]}
//   {"cmd": "run", "name": "Exp1", "overrides": {...}}  -> a paper.inv run's figures on the true function
//   {"cmd": "memory"}                                   -> {"peakRssMb": ..., "tfTensors": ...}
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { compareRun } from '../examples/true-function.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const api = createRequire(import.meta.url)(join(root, 'out/bench.cjs'));
const backend = process.argv[2];
const used = await api.initBackend(backend);
const scratch = mkdtempSync(join(tmpdir(), 'inv-bench-'));
const { documents } = await api.loadInvDocuments([join(root, 'examples/paper/paper.inv')]);
const document = documents[0];
const paperOracle = api.toOracleSpec(document.parseResult.value.elements.find(api.isOracle), document.uri.fsPath);

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
setInterval(sample, 20).unref();

let stepper = null;
let spreading = false;
let models = 0;

async function setup(cmd) {
    stepper?.dispose();
    const exp1 = api.toRunSpec(document, 'Exp1');
    const paperSizes = cmd.oracle.join('-') === '4-64-64-1';
    // The paper's sizes: its trained oracle; others: random weights with its standardisation.
    const modelPath = paperSizes ? exp1.oracle.modelPath : join(scratch, `model-${models++}/model.json`);
    if (!paperSizes) await api.writeRandomDenseModel(modelPath, cmd.oracle, 0, exp1.oracle.inputs.map((i) => i.name), exp1.oracle.outputs);
    const [latent, ...layers] = cmd.generator.slice(0, -1);
    const spec = {
        ...exp1,
        oracle: { ...exp1.oracle, modelPath },
        solutions: cmd.solutions,
        diversity: cmd.diversity ?? 0,
        method: { kind: 'generator', latent, layers, activation: 'relu' },
    };
    stepper = await api.openStepper(spec);
    spreading = spec.diversity > 0;
    await stepper.steps(5, spreading);
    return { ok: true, backend: stepper.backend };
}

async function steps(cmd) {
    const t0 = performance.now();
    await stepper.steps(cmd.n, spreading);
    return { msPerStep: (performance.now() - t0) / cmd.n };
}

async function epochs(cmd) {
    const [, ...layers] = cmd.oracle.slice(0, -1);
    const oracle = {
        ...paperOracle,
        modelPath: join(scratch, `epochs-${models++}/model.json`),
        training: { ...paperOracle.training, epochs: cmd.n + 1, layers, validation: 0, testPath: null },
    };
    let last = null;
    const ms = [];
    await api.trainOracle(oracle, {
        onProgress: (p) => {
            if (last !== null) ms.push(1000 * (p.elapsedSeconds - last));
            last = p.elapsedSeconds;
        },
    });
    return { msPerEpoch: ms };
}

/** A run of paper.inv as written (or with overrides) on the committed oracle: time and quality on the true function. */
async function run(cmd) {
    const spec = { ...api.toRunSpec(document, cmd.name), ...(cmd.overrides ?? {}) };
    const result = await api.runInversion(spec);
    const c = compareRun(result);
    const free = result.summary.importance.map((i) => i.feature);
    const std = (f) => {
        const v = result.solutions.map((s) => s.inputs[f]);
        const m = v.reduce((a, b) => a + b, 0) / v.length;
        return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    };
    return {
        backend: result.backend,
        seconds: result.seconds,
        stepsRun: result.stepsRun,
        stoppedBecause: result.stoppedBecause,
        meeting: result.summary.meeting,
        solutions: result.solutions.length,
        trueValue: c.trueValue,
        trueMiss: c.trueMiss,
        medianTrueMiss: c.medianTrueMiss,
        meanFeatureStd: free.length ? free.reduce((a, f) => a + std(f), 0) / free.length : null,
        peakRssMb: (sample(), peakRss / 2 ** 20),
    };
}

const handlers = {
    setup,
    steps,
    epochs,
    run,
    memory: async () => (sample(), { peakRssMb: peakRss / 2 ** 20, tfTensors: api.tf.memory().numTensors }),
};

const reply = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
reply({ ready: true, contender: `inv ${used}` });
for await (const line of createInterface({ input: process.stdin })) {
    const cmd = JSON.parse(line);
    if (cmd.cmd === 'quit') break;
    try {
        reply(await handlers[cmd.cmd](cmd));
    } catch (e) {
        reply({ error: e instanceof Error ? e.message : String(e) });
    }
}
stepper?.dispose();
process.exit(0);
