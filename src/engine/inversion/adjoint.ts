/**
 * The neural-adjoint baseline (`method adjoint`): the solutions' raw values themselves are
 * optimised, no generator. They start at seeded random points inside the bounds (for a box,
 * uniform across it; for a constraint or an unbounded feature, the raw value uniform across
 * the box or domain before the constraint applies) or, when the search keeps to the
 * oracle's training data, at randomly drawn training rows (clipped into the bounds), and go
 * through the same transforms, loss and stop rules as the generator's.
 */
import type { InversionProgram, TapedParts } from './inversion-program.js';
import { TapedProgram } from './inversion-program.js';
import { Random, seedFor } from '../nn/random.js';
import { ADJOINT_STEP_SCALE } from './adjoint-scale.js';
import { tf } from '../backend/tf.js';
import type { Tensor2D } from '@tensorflow/tfjs';

/** A box start keeps off the box's very edges, where the sigmoid's slope vanishes. */
const EDGE = 0.02;


export function adjointProgram(
    solutions: number,
    seed: number,
    parts: Omit<TapedParts, 'raw' | 'variables' | 'owned'>,
    /** Starting points drawn from the oracle's training data: inputs in user units [solutions x inputs]; null: uniform over the bounds. */
    dataStarts: Float64Array | null = null,
): InversionProgram {
    const free = parts.transforms.free;
    const inputs = parts.transforms.inputs;
    const random = new Random(seedFor(seed, 'adjoint-starts'));
    const start = new Float32Array(solutions * free.length);
    for (let i = 0; i < solutions; i++) {
        free.forEach((f, j) => {
            const fromData = dataStarts ? dataStarts[i * inputs + f.column] : null;
            if (f.feature.transform.kind === 'box') {
                const p = fromData === null ? random.uniform(EDGE, 1 - EDGE) : Math.min(1 - EDGE, Math.max(EDGE, (fromData - f.origin) / f.width));
                start[i * free.length + j] = Math.log(p / (1 - p));
            } else if (f.feature.transform.kind === 'none' && fromData !== null) {
                start[i * free.length + j] = (fromData - (f.origin + f.width / 2)) / (f.width / 2);
            } else {
                start[i * free.length + j] = random.uniform(-1, 1);
            }
        });
    }
    const v = tf.tidy(() => tf.variable(tf.div(tf.tensor2d(start, [solutions, free.length]), ADJOINT_STEP_SCALE), true));
    // raw() is always called inside a tidy or a tape, which disposes the product.
    return new TapedProgram({ ...parts, raw: () => tf.mul(v, ADJOINT_STEP_SCALE) as Tensor2D, variables: [v], owned: [] });
}
