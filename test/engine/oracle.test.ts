import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { EngineError } from '../../src/engine/contract/errors.js';
import { fileModelSaver } from '../../src/engine/oracle/model-files.js';
import type { InvModelMetadata } from '../../src/engine/contract/model-metadata.js';
import { loadOracle, oracleDomains } from '../../src/engine/oracle/oracle.js';
import { tf } from '../../src/engine/backend/tf.js';
import { oracleSpec, tempFolder, writeLinearModel } from './model-fixtures.js';

const metadata: InvModelMetadata = {
    inputs: [
        { name: 'a', min: 0, max: 10, mean: 5, std: 2 },
        { name: 'b', min: -1, max: 1, mean: 0, std: 0.5 },
    ],
    outputs: [{ name: 'y', min: 0, max: 100, mean: 50, std: 10 }],
    classes: null,
    testRmse: { y: 0.5 },
    data: 'data.csv',
    trainedAt: '2024-01-01T00:00:00.000Z',
};

async function read(t: Tensor): Promise<number[]> {
    const d = Array.from(await t.data());
    t.dispose();
    return d;
}

beforeAll(async () => {
    await initBackend('wasm');
});

describe('oracle', () => {
    it('standardises inputs and outputs once, from the recorded metadata', async () => {
        const path = join(tempFolder(), 'model.json');
        // In standardised units: y_s = 1 * a_s + 2 * b_s + 0.5
        await writeLinearModel(path, [[1], [2]], [0.5], metadata);
        const oracle = await loadOracle(oracleSpec(path, ['a', 'b'], ['y']));
        const x = [
            [7, 0.5],
            [5, 0],
        ];
        // a_s = (7 - 5) / 2 = 1, b_s = 1: y_s = 3.5, y = 50 + 10 * 3.5 = 85.
        expect(await read(tf.tidy(() => oracle.standardised(tf.tensor2d(x))))).toEqual([3.5, 0.5].map((v) => expect.closeTo(v, 5)));
        expect(await read(oracle.predict(tf.tensor2d(x)))).toEqual([85, 55].map((v) => expect.closeTo(v, 4)));
        // Mean 50, std 10: 60 is one standardised unit above the mean, a length of 10 is one unit.
        expect([oracle.standardiseOutput(0, 50), oracle.standardiseOutput(0, 60)]).toEqual([0, 1]);
        expect(oracle.standardiseLength(0, 10)).toBe(1);
        expect(oracleDomains(oracleSpec(path, ['a', 'b'], ['y']), oracle.metadata)).toEqual([
            { lo: 0, hi: 10 },
            { lo: -1, hi: 1 },
        ]);
        oracle.dispose();
    });

    it('uses a model without metadata as it is', async () => {
        const path = join(tempFolder(), 'model.json');
        await writeLinearModel(path, [[1], [2]], [0.5]);
        const oracle = await loadOracle(oracleSpec(path, ['a', 'b'], ['y']));
        expect(oracle.metadata).toBeNull();
        expect(await read(oracle.predict(tf.tensor2d([[7, 0.5]])))).toEqual([expect.closeTo(8.5, 5)]);
        oracle.dispose();
    });

    it('runs a model that is not a plain dense chain through the Layers API, with the same answer', async () => {
        const path = join(tempFolder(), 'model.json');
        const model = tf.sequential();
        model.add(tf.layers.dense({ units: 3, inputShape: [2], activation: 'tanh' }));
        model.add(tf.layers.reshape({ targetShape: [3] }));
        model.add(tf.layers.dense({ units: 1 }));
        model.setWeights([tf.tensor2d([[1, -1, 0.5], [0.25, 2, -1]]), tf.tensor1d([0, 0.1, -0.2]), tf.tensor2d([[1], [2], [3]]), tf.tensor1d([0.5])]);
        await model.save(fileModelSaver(path, { inv: metadata }));
        model.dispose();
        const oracle = await loadOracle(oracleSpec(path, ['a', 'b'], ['y']));
        const [a, b] = [(7 - 5) / 2, 0.5 / 0.5];
        const h = [Math.tanh(a + 0.25 * b), Math.tanh(-a + 2 * b + 0.1), Math.tanh(0.5 * a - b - 0.2)];
        const ys = h[0] + 2 * h[1] + 3 * h[2] + 0.5;
        expect(await read(oracle.predict(tf.tensor2d([[7, 0.5]])))).toEqual([expect.closeTo(50 + 10 * ys, 4)]);
        oracle.dispose();
    });

    it('says which file cannot be read, and why', async () => {
        const dir = tempFolder();
        const missing = join(dir, 'nope.json');
        await expect(loadOracle(oracleSpec(missing, ['a'], ['y']))).rejects.toThrow(new EngineError(`${missing}: model file not found (train the oracle with \`inv train\`, or fix the \`model\` path)`));
        const garbage = join(dir, 'garbage.json');
        writeFileSync(garbage, '{ not json');
        await expect(loadOracle(oracleSpec(garbage, ['a'], ['y']))).rejects.toThrow(/garbage\.json: model\.json is not valid JSON at line 1/);
        const noWeights = join(dir, 'model.json');
        await writeLinearModel(noWeights, [[1]], [0]);
        rmSync(join(dir, 'weights.bin'));
        await expect(loadOracle(oracleSpec(noWeights, ['a'], ['y']))).rejects.toThrow(/model\.json: its weights file weights\.bin is missing \(next to model\.json\)/);
    });

    it('refuses a model whose widths differ from the declaration', async () => {
        const path = join(tempFolder(), 'model.json');
        await writeLinearModel(path, [[1], [2]], [0.5]);
        await expect(loadOracle(oracleSpec(path, ['a', 'b', 'c'], ['y']))).rejects.toThrow(/takes 2 inputs but oracle Oracle declares 3 \(a, b, c\)/);
        await expect(loadOracle(oracleSpec(path, ['a', 'b'], ['y', 'z']))).rejects.toThrow(/gives 1 outputs but oracle Oracle declares 2/);
    });

    it('leaves no tensors behind', async () => {
        const path = join(tempFolder(), 'model.json');
        await writeLinearModel(path, [[1], [2]], [0.5], metadata);
        const before = tf.memory().numTensors;
        const oracle = await loadOracle(oracleSpec(path, ['a', 'b'], ['y']));
        tf.tidy(() => {
            oracle.predict(tf.tensor2d([[1, 2]]));
        });
        oracle.dispose();
        expect(tf.memory().numTensors).toBe(before);
    });
});
