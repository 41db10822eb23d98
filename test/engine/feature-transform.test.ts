import type { Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { FeatureTransforms } from '../../src/engine/inversion/feature-transform.js';
import type { FeatureSpec } from '../../src/engine/contract/spec.js';
import { tf } from '../../src/engine/backend/tf.js';
import { boxFeature, PAPER_CONSTRAINT } from './model-fixtures.js';

beforeAll(async () => {
    await initBackend('wasm');
});

async function read(t: Tensor): Promise<number[]> {
    const data = Array.from(await t.data());
    t.dispose();
    return data;
}

describe('feature transforms', () => {
    it('keeps a hard bound: lo + (hi - lo) * sigmoid(u), inside the box for any u', async () => {
        const t = await FeatureTransforms.create([boxFeature('a', -2, 6)]);
        const x = await read(tf.tidy(() => t.apply(tf.tensor2d([[0], [1e6], [-1e6], [2]]))));
        expect(x[0]).toBeCloseTo(2, 5);
        expect(x[1]).toBeLessThanOrEqual(6);
        expect(x[2]).toBeGreaterThanOrEqual(-2);
        expect(x[3]).toBeCloseTo(-2 + 8 / (1 + Math.exp(-2)), 4);
        t.dispose();
    });

    it('applies a constraint to a raw value that starts at the centre of the box', async () => {
        const f: FeatureSpec = { role: 'free', name: 'a', domain: null, transform: { kind: 'constraint', box: { lo: 0, hi: 100 }, constraint: PAPER_CONSTRAINT } };
        const t = await FeatureTransforms.create([f]);
        // u = 0 is the centre, 50, which the paper's constraint maps to 5: inside [0, 100].
        const [x0] = await read(tf.tidy(() => t.apply(tf.tensor2d([[0]]))));
        expect(x0).toBeCloseTo(5, 5);
        t.dispose();
    });

    it('leaves an unbounded feature unbounded: centre + scale * u from its domain, else 0 and 1', async () => {
        const features: FeatureSpec[] = [
            { role: 'free', name: 'a', domain: { lo: 10, hi: 30 }, transform: { kind: 'none' } },
            { role: 'free', name: 'b', domain: null, transform: { kind: 'none' } },
        ];
        const t = await FeatureTransforms.create(features);
        expect(await read(tf.tidy(() => t.apply(tf.tensor2d([[0, 0], [1e4, -1e4]]))))).toEqual([20, 0, 20 + 1e5, -1e4]);
        t.dispose();
    });

    it('splices fixed features in at their columns', async () => {
        const features: FeatureSpec[] = [boxFeature('a', 0, 1), { role: 'fixed', name: 'b', value: 7.5, domain: null }, boxFeature('c', 0, 1), { role: 'fixed', name: 'd', value: -3, domain: null }];
        const t = await FeatureTransforms.create(features);
        expect(t.free.map((f) => f.column)).toEqual([0, 2]);
        const all = await read(tf.tidy(() => t.splice(tf.tensor2d([[0.25, 0.5], [123.5, -9]]))));
        expect(all).toEqual([0.25, 7.5, 0.5, -3, 123.5, 7.5, -9, -3]);
        t.dispose();
    });

    it('normalises free features across their boxes', async () => {
        const t = await FeatureTransforms.create([boxFeature('a', 100, 300), boxFeature('b', 0, 10)]);
        expect(await read(tf.tidy(() => t.normalise(tf.tensor2d([[150, 10]]))))).toEqual([0.25, 1]);
        t.dispose();
    });
});
