import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { engineTestBackend } from './engine-test-backend.js';
import { loadOracle } from '../../src/engine/oracle/oracle.js';
import { Random } from '../../src/engine/nn/random.js';
import type { OracleSpec, OracleTrainingSpec } from '../../src/engine/contract/spec.js';
import { tf } from '../../src/engine/backend/tf.js';
import { learningRateAt, trainOracle, type TrainProgress } from '../../src/engine/oracle/train.js';
import { poly4, tempFolder, writePaperCsv } from './model-fixtures.js';

let dir: string;

/** Three classes over the square [0, 10]^2: A left of u = 4, B right of it and below v = 5, C above. */
function writeClassCsv(path: string, rows: number, seed: number): void {
    const random = new Random(seed);
    const lines = ['u,v,kind'];
    for (let i = 0; i < rows; i++) {
        const [u, v] = [10 * random.next(), 10 * random.next()];
        lines.push(`${u.toFixed(3)},${v.toFixed(3)},${u < 4 ? 'A' : v < 5 ? 'B' : 'C'}`);
    }
    writeFileSync(path, lines.join('\n') + '\n');
}

function spec(name: string, training: Partial<OracleTrainingSpec> = {}): OracleSpec {
    return {
        name: 'Poly4',
        modelPath: join(dir, 'models', name, 'model.json'),
        modelPathAsWritten: `models/${name}/model.json`,
        inputs: ['x1', 'x2', 'x3', 'x4'].map((n) => ({ name: n, domain: null })),
        outputs: ['y'],
        training: {
            dataPath: join(dir, 'data', 'train.csv'),
            testPath: join(dir, 'data', 'test.csv'),
            layers: [16, 16],
            activation: 'relu',
            epochs: 4,
            batch: 64,
            learningRate: 0.001,
            validation: 0.1,
            seed: 0,
            skipMissing: false,
            classify: null,
            ...training,
        },
    };
}

beforeAll(async () => {
    // fused-suites.test.ts runs this suite again on the fused kernel.
    await initBackend(engineTestBackend());
    dir = tempFolder();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'data'));
    writePaperCsv(join(dir, 'data', 'train.csv'), 800, 1);
    writePaperCsv(join(dir, 'data', 'test.csv'), 200, 2);
});

describe('trainOracle', () => {
    it('writes the model with its metadata, and reports the test RMSE that the model really has', async () => {
        const events: TrainProgress[] = [];
        const before = tf.memory().numTensors;
        const report = await trainOracle(spec('a'), { onProgress: (p) => events.push(p) });
        expect(tf.memory().numTensors).toBe(before);
        expect(events.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
        expect(events.every((e) => Number.isFinite(e.loss) && e.validationRmse !== null)).toBe(true);
        expect(report).toMatchObject({ cancelled: false, measuredOn: 'test', trainRows: 720, testRows: 200, epochs: 4, backend: engineTestBackend() });

        const json = JSON.parse(readFileSync(spec('a').modelPath, 'utf8'));
        const meta = json.userDefinedMetadata.inv;
        expect(meta.inputs.map((c: { name: string }) => c.name)).toEqual(['x1', 'x2', 'x3', 'x4']);
        expect(meta.outputs[0].name).toBe('y');
        for (const c of meta.inputs) {
            expect(c.min).toBeGreaterThanOrEqual(0);
            expect(c.max).toBeLessThanOrEqual(500);
            expect(c.std).toBeGreaterThan(100);
        }
        expect(meta.data).toBe('data/train.csv');
        expect(meta.classes).toBeNull();
        expect(new Date(meta.trainedAt).getTime()).toBeGreaterThan(0);
        expect(meta.testRmse.y).toBeCloseTo(report.testRmse.y, 3);

        // Loaded back through the oracle wrapper, the model has that RMSE on the test CSV.
        const oracle = await loadOracle({ ...spec('a'), training: null });
        const rows = readFileSync(join(dir, 'data', 'test.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
        const pred = tf.tidy(() => oracle.predict(tf.tensor2d(rows.map((r) => r.slice(0, 4)))));
        const y = await pred.data();
        pred.dispose();
        oracle.dispose();
        const rmse = Math.sqrt(rows.reduce((s, r, i) => s + (y[i] - poly4(r.slice(0, 4))) ** 2, 0) / rows.length);
        expect(rmse).toBeCloseTo(report.testRmse.y, 0);
    });

    it('is deterministic for a seed', async () => {
        await trainOracle(spec('b'));
        await trainOracle(spec('c'));
        await trainOracle(spec('d', { seed: 1 }));
        const weights = (n: string) => readFileSync(join(dir, 'models', n, 'weights.bin'));
        expect(weights('b').equals(weights('c'))).toBe(true);
        expect(weights('b').equals(weights('d'))).toBe(false);
    });

    it('measures on the held-out share when there is no test CSV', async () => {
        const report = await trainOracle(spec('e', { testPath: null, validation: 0.25, epochs: 1 }));
        expect(report).toMatchObject({ measuredOn: 'validation', trainRows: 600, testRows: 200 });
    });

    it('stops when cancelled, and writes nothing', async () => {
        const abort = new AbortController();
        const before = tf.memory().numTensors;
        const report = await trainOracle(spec('f', { epochs: 50 }), { signal: abort.signal, onProgress: (p) => p.epoch === 2 && abort.abort() });
        expect(report.cancelled).toBe(true);
        expect(existsSync(spec('f').modelPath)).toBe(false);
        expect(tf.memory().numTensors).toBe(before);
    });

    it('trains a classifier: softmax probabilities, classes, accuracy and per-class probability RMSE in the metadata', async () => {
        writeClassCsv(join(dir, 'data', 'classes-train.csv'), 600, 3);
        writeClassCsv(join(dir, 'data', 'classes-test.csv'), 200, 4);
        const classifier: OracleSpec = {
            ...spec('g', { dataPath: join(dir, 'data', 'classes-train.csv'), testPath: join(dir, 'data', 'classes-test.csv'), classify: 'kind', epochs: 40, batch: 32, layers: [16] }),
            inputs: [{ name: 'u', domain: null }, { name: 'v', domain: null }],
            outputs: ['C', 'A', 'B'],
        };
        const before = tf.memory().numTensors;
        const report = await trainOracle(classifier);
        expect(tf.memory().numTensors).toBe(before);
        expect(report.accuracy).toBeGreaterThan(0.9);
        expect(report.logLoss).toBeGreaterThan(0);
        expect(report.logLoss).toBeLessThan(0.4);
        expect(Object.keys(report.testRmse)).toEqual(['C', 'A', 'B']);

        const meta = JSON.parse(readFileSync(classifier.modelPath, 'utf8')).userDefinedMetadata.inv;
        expect(meta.classes).toEqual(['C', 'A', 'B']);
        expect(meta.accuracy).toBe(report.accuracy);
        expect(meta.logLoss).toBe(report.logLoss);
        expect(meta.outputs.map((c: { name: string; min: number; max: number }) => [c.name, c.min, c.max])).toEqual([['C', 0, 1], ['A', 0, 1], ['B', 0, 1]]);
        const shares = meta.outputs.map((c: { mean: number }) => c.mean);
        expect(shares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 10);

        // Loaded through the oracle: probabilities (not standardised) summing to 1, with the recorded accuracy and RMSE.
        const oracle = await loadOracle({ ...classifier, training: null });
        expect([0, 1, 2].map((c) => [oracle.standardiseOutput(c, 0.3), oracle.standardiseLength(c, 0.3)])).toEqual([[0.3, 0.3], [0.3, 0.3], [0.3, 0.3]]);
        const rows = readFileSync(join(dir, 'data', 'classes-test.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
        const p = tf.tidy(() => oracle.predict(tf.tensor2d(rows.map((r) => [Number(r[0]), Number(r[1])]))));
        const probs = await p.data();
        p.dispose();
        oracle.dispose();
        let correct = 0;
        const squared = [0, 0, 0];
        rows.forEach((r, i) => {
            const row = [0, 1, 2].map((c) => probs[i * 3 + c]);
            expect(row[0] + row[1] + row[2]).toBeCloseTo(1, 5);
            const actual = ['C', 'A', 'B'].indexOf(r[2]);
            if (row.indexOf(Math.max(...row)) === actual) correct++;
            row.forEach((q, c) => (squared[c] += (q - (c === actual ? 1 : 0)) ** 2));
        });
        expect(correct / rows.length).toBeCloseTo(report.accuracy!, 10);
        expect(Math.sqrt(squared[1] / rows.length)).toBeCloseTo(report.testRmse.A, 4);
    });

    it('names a label that is not one of the classes', async () => {
        const classifier: OracleSpec = {
            ...spec('h', { dataPath: join(dir, 'data', 'classes-train.csv'), testPath: null, classify: 'kind' }),
            inputs: [{ name: 'u', domain: null }, { name: 'v', domain: null }],
            outputs: ['A', 'B'],
        };
        await expect(trainOracle(classifier)).rejects.toThrow(/column `kind` has the label 'C' .*not one of the oracle's outputs \(A, B\)/);
    });

    it('a regressor records no accuracy', async () => {
        const report = await trainOracle(spec('i', { epochs: 1 }));
        expect([report.accuracy, report.logLoss]).toEqual([null, null]);
        expect(JSON.parse(readFileSync(spec('i').modelPath, 'utf8')).userDefinedMetadata.inv.accuracy).toBeUndefined();
    });

    it('starts at learningRate, peaks at ten times it (at most 0.01), and anneals to a hundredth', () => {
        expect(learningRateAt(0.001, 0)).toBe(0.001);
        expect(learningRateAt(0.001, 0.15)).toBeCloseTo(0.01, 12);
        expect(learningRateAt(0.001, 1)).toBeCloseTo(0.00001, 12);
        expect(learningRateAt(0.005, 0.15)).toBeCloseTo(0.01, 12);
        expect(learningRateAt(0.05, 0.15)).toBeCloseTo(0.05, 12);
    });
});
