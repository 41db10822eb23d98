import { join } from 'node:path';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { targetLoss } from '../../src/engine/inversion/loss.js';
import type { InvModelMetadata } from '../../src/engine/contract/model-metadata.js';
import { loadOracle, type Oracle } from '../../src/engine/oracle/oracle.js';
import type { TargetSpec } from '../../src/engine/contract/spec.js';
import { solutionMiss, targetMiss } from '../../src/engine/contract/target-miss.js';
import { tf } from '../../src/engine/backend/tf.js';
import { oracleSpec, tempFolder, writeLinearModel } from './model-fixtures.js';

// Two outputs with different sizes: y (mean 100, std 10) and z (mean 0, std 1000).
const metadata: InvModelMetadata = {
    inputs: [{ name: 'a', min: 0, max: 1, mean: 0, std: 1 }],
    outputs: [
        { name: 'y', min: 0, max: 200, mean: 100, std: 10 },
        { name: 'z', min: -1e4, max: 1e4, mean: 0, std: 1000 },
    ],
    classes: null,
    testRmse: { y: 0.1, z: 1 },
    data: 'data.csv',
    trainedAt: '2024-01-01T00:00:00.000Z',
};
let oracle: Oracle;

beforeAll(async () => {
    await initBackend('wasm');
    const path = join(tempFolder(), 'model.json');
    await writeLinearModel(path, [[1, 1]], [0, 0], metadata);
    oracle = await loadOracle(oracleSpec(path, ['a'], ['y', 'z']));
});
afterAll(() => oracle.dispose());

/** Per-solution loss for user-unit outputs [[y, z], ...]. */
async function perSolution(targets: TargetSpec[], rows: number[][]): Promise<number[]> {
    const loss = targetLoss(targets, oracle);
    const t = tf.tidy(() => {
        const user = tf.tensor2d(rows);
        const std = tf.div(tf.sub(user, [100, 0]), [10, 1000]) as Tensor2D;
        return loss.perSolution(std);
    });
    return read(t);
}

async function read(t: Tensor): Promise<number[]> {
    const d = Array.from(await t.data());
    t.dispose();
    return d;
}

describe('target loss (standardised outputs)', () => {
    it('is the squared error for =, in units of the output\'s std', async () => {
        expect(await perSolution([{ output: 'y', kind: 'equal', value: 120, tolerance: 0.1 }], [[100, 0], [120, 0], [125, 0]])).toEqual([4, 0, 0.25].map((v) => expect.closeTo(v, 5)));
    });

    it('is a squared hinge for in, >= and <=: zero inside', async () => {
        const range: TargetSpec = { output: 'z', kind: 'range', low: -1000, high: 2000, tolerance: 2 };
        expect(await perSolution([range], [[0, 0], [0, -3000], [0, 4000]])).toEqual([0, 4, 4].map((v) => expect.closeTo(v, 5)));
        const atLeast: TargetSpec = { output: 'y', kind: 'atLeast', value: 110, tolerance: 0.1 };
        expect(await perSolution([atLeast], [[130, 0], [90, 0]])).toEqual([0, 4].map((v) => expect.closeTo(v, 5)));
        const atMost: TargetSpec = { output: 'y', kind: 'atMost', value: 110, tolerance: 0.1 };
        expect(await perSolution([atMost], [[90, 0], [130, 0]])).toEqual([0, 4].map((v) => expect.closeTo(v, 5)));
    });

    it('is -y for maximize and y for minimize (standardised)', async () => {
        expect(await perSolution([{ output: 'y', kind: 'maximize' }], [[120, 0]])).toEqual([expect.closeTo(-2, 5)]);
        expect(await perSolution([{ output: 'z', kind: 'minimize' }], [[0, 3000]])).toEqual([expect.closeTo(3, 5)]);
    });

    it('sums the targets of several outputs, so outputs of different sizes weigh alike', async () => {
        const targets: TargetSpec[] = [
            { output: 'y', kind: 'equal', value: 100, tolerance: 0.1 },
            { output: 'z', kind: 'equal', value: 0, tolerance: 1 },
        ];
        // A miss of one std on each output costs the same.
        expect(await perSolution(targets, [[110, 0], [100, 1000], [110, 1000]])).toEqual([1, 1, 2].map((v) => expect.closeTo(v, 5)));
    });

    it('measures a one-sided goal\'s miss on its one side only, as a share of its tolerance', async () => {
        const ratio = async (targets: TargetSpec[], rows: number[][]) => {
            const loss = targetLoss(targets, oracle);
            return read(tf.tidy(() => loss.missRatio(tf.div(tf.sub(tf.tensor2d(rows), [100, 0]), [10, 1000]) as Tensor2D)));
        };
        // y <= 110 with a tolerance of 1: 90 is well inside (no miss), 111 is one tolerance past.
        expect(await ratio([{ output: 'y', kind: 'atMost', value: 110, tolerance: 1 }], [[90, 0], [111, 0]])).toEqual([0, 1].map((v) => expect.closeTo(v, 4)));
        expect(await ratio([{ output: 'y', kind: 'atLeast', value: 110, tolerance: 1 }], [[130, 0], [108, 0]])).toEqual([0, 2].map((v) => expect.closeTo(v, 4)));
    });

    it('follows an objective beside goals only where the goals hold, and settles onto the goals alone', async () => {
        const targets: TargetSpec[] = [{ output: 'y', kind: 'atMost', value: 110, tolerance: 1 }, { output: 'z', kind: 'minimize' }];
        const loss = targetLoss(targets, oracle);
        // d(loss)/d(z_std) per solution: the objective's pull where y holds (with room: under 110.5),
        // none past half the tolerance.
        const pull = async (l: typeof loss, rows: number[][]) => read(tf.tidy(() => {
            const y = tf.div(tf.sub(tf.tensor2d(rows), [100, 0]), [10, 1000]) as Tensor2D;
            return tf.slice(tf.grad((x: Tensor) => tf.sum(l.perSolution(x as Tensor2D)))(y), [0, 1], [-1, 1]);
        }));
        expect(await pull(loss, [[100, 0], [110, 0], [110.25, 0], [111, 0]])).toEqual([1, 1, 0.5, 0].map((v) => expect.closeTo(v, 4)));
        // Settling: the goal alone (no pull on z), and the same loss where there is nothing to drop.
        expect(await pull(loss.settling(), [[100, 0], [111, 0]])).toEqual([0, 0]);
        const objectiveOnly = targetLoss([{ output: 'z', kind: 'minimize' }], oracle);
        expect(objectiveOnly.settling()).toBe(objectiveOnly);
        const goalsOnly = targetLoss([targets[0]!], oracle);
        expect(goalsOnly.settling()).toBe(goalsOnly);
    });

    it('measures misses in user units like the results do', () => {
        expect(targetMiss({ output: 'y', kind: 'equal', value: 1900, tolerance: 1.9 }, 1897)).toBe(3);
        expect(targetMiss({ output: 'y', kind: 'range', low: 1, high: 2, tolerance: 0.1 }, 1.5)).toBe(0);
        expect(targetMiss({ output: 'y', kind: 'range', low: 1, high: 2, tolerance: 0.1 }, 2.5)).toBe(0.5);
        expect(targetMiss({ output: 'y', kind: 'atLeast', value: 5, tolerance: 0.1 }, 4)).toBe(1);
        expect(targetMiss({ output: 'y', kind: 'atMost', value: 5, tolerance: 0.1 }, 4)).toBe(0);
        const targets: TargetSpec[] = [
            { output: 'y', kind: 'equal', value: 10, tolerance: 1 },
            { output: 'z', kind: 'atLeast', value: 0, tolerance: 0.5 },
            { output: 'z', kind: 'maximize' },
        ];
        const index = (name: string) => ['y', 'z'].indexOf(name);
        expect(solutionMiss(targets, index, [10.5, -0.25, 12, 3], 0, 2)).toEqual({ error: 0.5, meets: true });
        expect(solutionMiss(targets, index, [10.5, -0.25, 12, 3], 1, 2)).toEqual({ error: 2, meets: false });
        expect(solutionMiss(targets, index, [NaN, 0], 0, 2)).toEqual({ error: Infinity, meets: false });
    });
});
