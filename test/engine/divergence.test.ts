import type { Tensor2D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { describeHealth, healthProbe } from '../../src/engine/inversion/divergence.js';
import type { FreeColumn } from '../../src/engine/inversion/feature-transform.js';
import { tf } from '../../src/engine/backend/tf.js';
import { PAPER_CONSTRAINT } from './model-fixtures.js';

const free: FreeColumn[] = ['x1', 'x2'].map((name, column) => ({
    column,
    feature: { role: 'free', name, domain: null, transform: column === 1 ? { kind: 'constraint', box: { lo: 0, hi: 100 }, constraint: PAPER_CONSTRAINT } : { kind: 'none' } },
    origin: 0,
    width: 100,
    box: null,
    constraint: column === 1 ? { name: 'paper', apply: (x) => x } : null,
}));

async function cause(u: number[][], x: number[][], y: number[][]): Promise<string | null> {
    const probe = tf.tidy(() => healthProbe(tf.tensor2d(u) as Tensor2D, tf.tensor2d(x) as Tensor2D, tf.tensor2d(y) as Tensor2D));
    const values = await probe.data();
    probe.dispose();
    return describeHealth(values, 1200, free, ['y', 'z']);
}

beforeAll(async () => {
    await initBackend('wasm');
});

describe('divergence diagnosis', () => {
    it('says nothing when everything is finite', async () => {
        expect(await cause([[1, 2], [-1, 0]], [[3, 4], [1e30, 2]], [[5, 6], [7, 8]])).toBeNull();
    });

    it('names the first stage that is not finite: a feature\'s constraint, with NaN or Inf', async () => {
        expect(await cause([[1, 2]], [[3, Infinity]], [[Infinity, NaN]])).toBe('constraint `paper` produced Inf at step 1200 (feature x2)');
        expect(await cause([[1, 2]], [[NaN, 4]], [[5, 6]])).toBe('the transform of x1 produced NaN at step 1200 (feature x1)');
    });

    it('names the oracle output, or the generator', async () => {
        expect(await cause([[1, 2]], [[3, 4]], [[5, -Infinity]])).toBe('the oracle produced Inf for z at step 1200');
        expect(await cause([[NaN, 2]], [[NaN, 4]], [[NaN, 6]])).toMatch(/^the generator's output became NaN at step 1200/);
    });
});
