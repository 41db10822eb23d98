/**
 * The entropy gradient that spreads the solutions (spread term and the walk along the level
 * set): right on a small case worked by hand, and in memory linear in the solutions — the
 * walk once built n x n matrices (17 GB at 65,536 solutions).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend/backend.js';
import type { Tensor } from '@tensorflow/tfjs';
import { tf } from '../../src/engine/backend/tf.js';
import { DISTANCE_BLOCK, entropyGradient, ON_DEVICE_NEIGHBOURS } from '../../src/engine/inversion/entropy-gradient.js';
import { Random } from '../../src/engine/nn/random.js';

beforeAll(async () => {
    await initBackend('wasm');
});

describe('entropy gradient', () => {
    it('pushes each point away from its nearest neighbour, and that neighbour back', async () => {
        // 0 and 1 are each other's nearest; 2 (at 3) has 1 as its nearest.
        const p = tf.tensor2d([[0], [1], [3]]);
        const g = await entropyGradient(p).array();
        // own_i = (p_i - p_nearest) / r^2: [-1, 1, 0.5]; minus what lands on each nearest index.
        expect(g.map((r) => r[0])).toEqual([-1 - 1, 1 - (-1) - 0.5, 0.5].map((v) => expect.closeTo(v, 5)));
        p.dispose();
    });

    for (const n of [ON_DEVICE_NEIGHBOURS, 20_000]) {
        it(`needs memory linear in the points (${n} points, on the device and by the k-d tree)`, async () => {
            const p = tf.tensor2d(new Random(3).normals(n * 3), [n, 3]);
            const before = tf.memory().numTensors;
            const info = await tf.profile(() => entropyGradient(p));
            // One block of the distance matrix and its few temporaries, plus a few rows of
            // numbers per point; n x n float32 matrices (the walk built three) would be
            // 4 n^2 bytes each: 1.6 GB at 20,000 points.
            expect(info.peakBytes).toBeLessThan(8 * 4 * DISTANCE_BLOCK + 256 * n);
            expect(tf.memory().numTensors).toBe(before + 1);
            tf.dispose([p, info.result as Tensor]);
            expect(tf.memory().numTensors).toBe(before - 1);
        });
    }
});
