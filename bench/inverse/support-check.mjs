#!/usr/bin/env node
// How well does a support score flag the places where the oracle is wrong? For each
// benchmark oracle: POINTS points drawn uniformly over the box of its data (where an
// inversion may look), the oracle's true error there (|oracle - true function|, the largest
// over the outputs, in units of the oracle's test RMSE), and candidate scores computed from
// the training data. Reported per score: the mean error in bands of the score, and the AUC
// of "score below t" for telling points whose error exceeds 3 test RMSE from the others
// (1: perfect; 0.5: no better than chance).
//
//   node bench/inverse/support-check.mjs      (after npm run build)
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROBLEMS, randomSource } from './problems.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const api = createRequire(import.meta.url)(join(root, 'out/bench.cjs'));
const POINTS = 4000;

await api.initBackend('wasm');
for (const name of ['sine', 'arm', 'ballistics']) {
    const problem = PROBLEMS[name];
    const { documents } = await api.loadInvDocuments([join(here, `${name}.inv`)]);
    const node = documents[0].parseResult.value.elements.find(api.isOracle);
    const spec = api.toOracleSpec(node, documents[0].uri.fsPath);
    const oracle = await api.loadOracle(spec);
    const meta = JSON.parse(readFileSync(spec.modelPath, 'utf8')).userDefinedMetadata.inv;
    const { support } = await api.DataSupport.forOracle(spec, oracle.metadata, documents[0].uri.fsPath);
    const random = randomSource(7);
    const d = problem.inputs.length;
    const x = new Float32Array(POINTS * d);
    for (let i = 0; i < POINTS; i++) meta.inputs.forEach((c, j) => (x[i * d + j] = c.min + (c.max - c.min) * random.uniform()));
    const yT = api.tf.tidy(() => oracle.predict(api.tf.tensor2d(x, [POINTS, d])));
    const y = await yT.data();
    yT.dispose();
    const rmse = problem.outputs.map((o) => meta.testRmse[o]);
    const error = Array.from({ length: POINTS }, (_, i) => {
        const t = problem.forward(Array.from(x.subarray(i * d, (i + 1) * d)));
        return Math.max(...t.map((v, o) => Math.abs(y[i * problem.outputs.length + o] - v) / rmse[o]));
    });
    const scores = {
        'support (8-NN isolation p-value)': Array.from(support.scores(x, POINTS)),
        '-distance to nearest row': Array.from(nearest(support, x, POINTS), (v) => -v),
        '-Mahalanobis distance': mahalanobis(support, x, POINTS).map((v) => -v),
    };
    console.log(`\n${name}: ${POINTS} points uniform over the data's box; error in test RMSEs (${rmse.map((r) => r.toExponential(1)).join(', ')})`);
    console.log(`  share of points with error > 3 RMSE: ${(error.filter((e) => e > 3).length / POINTS).toFixed(3)}`);
    for (const [label, s] of Object.entries(scores)) console.log(`  ${label.padEnd(34)} AUC ${auc(s, error.map((e) => e > 3)).toFixed(3)}`);
    const s = scores['support (8-NN isolation p-value)'];
    for (const [lo, hi] of [[0, 0.01], [0.01, 0.05], [0.05, 0.2], [0.2, 0.5], [0.5, 1.01]]) {
        const band = error.filter((_, i) => s[i] >= lo && s[i] < hi);
        if (band.length === 0) continue;
        const sorted = [...band].sort((a, b) => a - b);
        console.log(`  support in [${lo}, ${Math.min(hi, 1)}): ${String(band.length).padStart(5)} points, mean error ${(band.reduce((a, b) => a + b, 0) / band.length).toFixed(2)}, 90th percentile ${sorted[Math.floor(0.9 * sorted.length)].toFixed(2)} RMSE`);
    }
    oracle.dispose();
}

/** AUC of "low score" for the `bad` points: the chance that a bad point scores below a good one. */
function auc(score, bad) {
    const order = score.map((v, i) => i).sort((a, b) => score[a] - score[b]);
    let goodAbove = bad.filter((b) => !b).length;
    let sum = 0;
    let badCount = 0;
    for (const i of order) {
        if (bad[i]) {
            sum += goodAbove;
            badCount++;
        } else goodAbove--;
    }
    const good = bad.length - badCount;
    return badCount && good ? sum / (badCount * good) : NaN;
}

/** Distance to the nearest training row (standardised units). */
function nearest(support, x, n) {
    const d = support.dims;
    const rows = support.rowsStandardised;
    const count = rows.length / d;
    return Array.from({ length: n }, (_, i) => {
        const p = Array.from({ length: d }, (_, j) => (x[i * d + j] - support.mean[j]) / support.std[j]);
        let best = Infinity;
        for (let r = 0; r < count; r++) {
            let s = 0;
            for (let j = 0; j < d && s < best; j++) s += (p[j] - rows[r * d + j]) ** 2;
            best = Math.min(best, s);
        }
        return Math.sqrt(best);
    });
}

function mahalanobis(support, x, n) {
    // Diagonal: the data's standardisation (the benchmarks' inputs are independent).
    const d = support.dims;
    return Array.from({ length: n }, (_, i) => Math.hypot(...Array.from({ length: d }, (_, j) => (x[i * d + j] - support.mean[j]) / support.std[j])));
}
