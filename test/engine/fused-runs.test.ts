/**
 * The fused kernel in runs: the same quality as TF.js on the paper's oracle (judged on the
 * true function), flat memory over 1,000 steps, TF.js's spread term in linear memory past
 * ON_DEVICE_NEIGHBOURS solutions agreeing with the kernel's, and a run the kernel cannot
 * do falling back to TF.js with a note.
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { FeatureTransforms } from '../../src/engine/inversion/feature-transform.js';
import { fusedGeneratorProgram, type FusedParts } from '../../src/engine/inversion/fused-program.js';
import { runInversion } from '../../src/engine/inversion/invert.js';
import { loadOracle } from '../../src/engine/oracle/oracle.js';
import { fileModelSaver } from '../../src/engine/oracle/model-files.js';
import { ON_DEVICE_NEIGHBOURS, SpreadForce } from '../../src/engine/inversion/spread-force.js';
import type { FeatureSpec, OracleSpec, TargetSpec } from '../../src/engine/contract/spec.js';
import { tf } from '../../src/engine/backend/tf.js';
import { boxFeature, inversion, oracleSpec, poly4, tempFolder } from './model-fixtures.js';
import { relativeError } from './fused-fixtures.js';

const X = ['x1', 'x2', 'x3', 'x4'];
const PAPER_MODEL = fileURLToPath(new URL('../../examples/paper/models/poly4/model.json', import.meta.url));
const paper: OracleSpec = oracleSpec(PAPER_MODEL, X, ['y'], { lo: 0, hi: 500 });
const y1900: TargetSpec = { output: 'y', kind: 'equal', value: 1900, tolerance: 1.9 };
const free4 = (): FeatureSpec[] => X.map((name) => boxFeature(name, 0, 500));

beforeAll(async () => {
    await initBackend('wasm-fused');
});

describe('runs on the fused kernel', () => {
    it('reach the quality TF.js reaches on the paper`s Exp1, judged on the true function', async () => {
        const spec = inversion(paper, free4(), [y1900], { solutions: 64, steps: 600, learningRate: 0.001, seed: 7, diversity: 0.15 });
        const fused = await runInversion(spec);
        await initBackend('wasm');
        const taped = await runInversion(spec);
        await initBackend('wasm-fused');
        expect(fused.backend).toBe('wasm-fused');
        expect(taped.backend).toBe('wasm');
        for (const r of [fused, taped]) {
            const misses = r.solutions.map((s) => Math.abs(poly4(X.map((x) => Number(s.inputs[x]))) - 1900)).sort((a, b) => a - b);
            // The oracle's own error on the paper's data is about 0.5.
            expect(misses[misses.length >> 1]).toBeLessThan(3);
        }
        expect(Math.abs(fused.summary.meeting - taped.summary.meeting)).toBeLessThanOrEqual(6);
    });

    it('keep the kernel`s memory and the JavaScript heap flat over 1,000 steps, with the spread term', async () => {
        setFlagsFromString('--expose-gc');
        const gc = runInNewContext('gc') as () => void;
        const oracle = await loadOracle(paper);
        const transforms = await FeatureTransforms.create(free4());
        const parts: FusedParts = { transforms, oracle, oracleLayers: (await oracle.denseLayers())!, targets: { kind: 'targets', targets: [y1900] }, diversity: 0.15, spreadTargets: [y1900] };
        const program = fusedGeneratorProgram({ kind: 'generator', latent: 8, layers: [64, 64], activation: 'relu' }, 256, 0, parts);
        const run = async (steps: number) => {
            for (let i = 0; i < steps; i++) program.step(0.001, true);
            await program.state();
            gc();
            return { wasm: program.memoryBytes, heap: process.memoryUsage().heapUsed };
        };
        const warm = await run(100);
        const after = await run(1000);
        expect(after.wasm).toBe(warm.wasm);
        expect(after.heap - warm.heap).toBeLessThan(1 << 20);
        program.dispose();
        transforms.dispose();
        oracle.dispose();
    });

    it('and TF.js`s spread term past ON_DEVICE_NEIGHBOURS solutions (k-d tree, linear memory) give the same coefficients', async () => {
        await initBackend('cpu');
        const oracle = await loadOracle(paper);
        const transforms = await FeatureTransforms.create(free4());
        const n = ON_DEVICE_NEIGHBOURS + 100;
        const parts: FusedParts = { transforms, oracle, oracleLayers: (await oracle.denseLayers())!, targets: { kind: 'targets', targets: [y1900] }, diversity: 0.15, spreadTargets: [y1900] };
        const program = fusedGeneratorProgram({ kind: 'generator', latent: 8, layers: [16], activation: 'tanh' }, n, 3, parts);
        const fused = program.spreadCoefficients()!;
        const features = (await program.state()).features;
        const spread = new SpreadForce(0.15, n, transforms, oracle, [y1900]);
        const x = tf.tensor2d(Float32Array.from(features), [n, 4]);
        const c = spread.coefficients(x);
        expect(relativeError(fused, c.dataSync())).toBeLessThan(1e-4);
        tf.dispose([x, c]);
        spread.dispose();
        program.dispose();
        transforms.dispose();
        oracle.dispose();
        await initBackend('wasm-fused');
    });

    it('fall back to TF.js, saying why, for an oracle that is not a chain of dense layers', async () => {
        const path = join(tempFolder(), 'model.json');
        const model = tf.sequential();
        model.add(tf.layers.dense({ units: 8, inputShape: [2], activation: 'relu' }));
        model.add(tf.layers.batchNormalization());
        model.add(tf.layers.dense({ units: 1 }));
        await model.save(fileModelSaver(path, {}));
        model.dispose();
        const spec = inversion(oracleSpec(path, ['a', 'b'], ['y']), [boxFeature('a', 0, 1), boxFeature('b', 0, 1)], [{ output: 'y', kind: 'maximize' }], { steps: 20 });
        const r = await runInversion(spec);
        expect(r.backend).toBe('wasm');
        expect(r.summary.note).toContain('Ran on TF.js wasm, not the fused kernel: oracle Oracle is not a chain of dense layers.');
    });
});
