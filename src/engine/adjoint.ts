/**
 * The neural-adjoint baseline (`method adjoint`): the solutions' raw values themselves are
 * optimised, no generator. They start at seeded random points inside the bounds (for a box,
 * uniform across it; for a constraint or an unbounded feature, the raw value uniform across
 * the box or domain before the constraint applies) and go through the same transforms,
 * loss and stop rules as the generator's.
 */
import type { InversionProgram, TapedParts } from './inversion-program.js';
import { TapedProgram } from './inversion-program.js';
import { Random, seedFor } from './random.js';
import { tf } from './tf.js';

/** A box start keeps off the box's very edges, where the sigmoid's slope vanishes. */
const EDGE = 0.02;

export function adjointProgram(solutions: number, seed: number, parts: Omit<TapedParts, 'raw' | 'variables' | 'owned'>): InversionProgram {
    const free = parts.transforms.free;
    const random = new Random(seedFor(seed, 'adjoint-starts'));
    const start = new Float32Array(solutions * free.length);
    for (let i = 0; i < solutions; i++) {
        free.forEach((f, j) => {
            if (f.feature.transform.kind === 'box') {
                const p = random.uniform(EDGE, 1 - EDGE);
                start[i * free.length + j] = Math.log(p / (1 - p));
            } else {
                start[i * free.length + j] = random.uniform(-1, 1);
            }
        });
    }
    const u = tf.tidy(() => tf.variable(tf.tensor2d(start, [solutions, free.length]), true));
    return new TapedProgram({ ...parts, raw: () => u, variables: [u], owned: [] });
}
