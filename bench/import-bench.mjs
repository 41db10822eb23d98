#!/usr/bin/env node
// How long a model from elsewhere takes to load: an ONNX MLP of about 1 MB (4 -> 256 -> 512
// -> 256 -> 1, 264,449 float32 weights, written by the tests' ONNX writer) and the Keras
// archive fixture. "Load" is what a run does before its first step: read the file, decode
// it, check it, build it into TF.js operations, and predict 256 rows once. "Summary" is what
// the editor does on every validation (no TF.js). Median of RUNS, each in a fresh process
// (so the one-time costs — the wasm backend's start, h5wasm's — are counted every time).
//
// Usage: node bench/import-bench.mjs [RUNS=5]   (npm run build first; npm run bench runs it)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const api = () => createRequire(import.meta.url)(join(here, '../out/bench.cjs'));

if (process.argv[2] === '--child') {
    const [, , , path, backend] = process.argv;
    const inv = api();
    await inv.initBackend(backend);
    const t0 = performance.now();
    const { fn } = await inv.loadImportedModel(path);
    const y = fn.apply(inv.tf.zeros([256, 4].map((v, i) => (i === 1 ? (path.endsWith('.keras') ? 5 : 4) : v))));
    await y.data();
    const loadMs = performance.now() - t0;
    const t1 = performance.now();
    const summary = await inv.readModelSummary(path);
    const summaryMs = performance.now() - t1;
    if (!summary.ok) throw new Error(summary.reason);
    process.stdout.write(JSON.stringify({ loadMs, summaryMs, mlp: fn.chain !== null }) + '\n');
} else {
    const runs = Number(process.argv[2] ?? 5);
    const dir = mkdtempSync(join(tmpdir(), 'inv-import-bench-'));
    const onnx = join(dir, 'mlp-1mb.onnx');
    writeFileSync(onnx, api().mlpBytes([4, 256, 512, 256, 1]));
    const keras = fileURLToPath(new URL('../test/engine/imported-models/keras-sequential.keras', import.meta.url));
    const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const report = {};
    for (const [name, path] of [['onnx', onnx], ['keras', keras]]) {
        const times = [];
        for (let i = 0; i < runs; i++) {
            const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', path, 'wasm'], { encoding: 'utf8' });
            if (r.status !== 0) throw new Error(r.stderr);
            times.push(JSON.parse(r.stdout.trim().split('\n').pop()));
        }
        report[name] = {
            file: path, megabytes: statSync(path).size / 2 ** 20, runs,
            loadMs: median(times.map((t) => t.loadMs)), summaryMs: median(times.map((t) => t.summaryMs)), mlp: times[0].mlp,
        };
        console.log(`${name}: ${report[name].megabytes.toFixed(2)} MB, load (read, check, build, predict 256 rows) median ${report[name].loadMs.toFixed(0)} ms, editor summary ${report[name].summaryMs.toFixed(0)} ms (${runs} runs)`);
    }
    console.log(JSON.stringify(report));
}
