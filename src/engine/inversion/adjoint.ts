/**
 * The neural-adjoint baseline (`method adjoint`): the solutions' raw values themselves are
 * optimised, no generator. They start at seeded random points inside the bounds (for a box,
 * uniform across it; for a constraint or an unbounded feature, the raw value uniform across
 * the box or domain before the constraint applies) and go through the same transforms,
 * loss and stop rules as the generator's. (The starts are the transforms' own: a
 * categorical feature starts with no label favoured, a relation's features spread inside
 * their polytope.)
 */
import type { FeatureTransforms } from './feature-transform.js';
import type { InversionProgram, TapedParts } from './inversion-program.js';
import { TapedProgram } from './inversion-program.js';
import { Random, seedFor } from '../nn/random.js';
import { ADJOINT_STEP_SCALE } from './adjoint-scale.js';
import { tf } from '../backend/tf.js';
import type { Tensor2D } from '@tensorflow/tfjs';

// The refine phase moves raw values at the same scale (inversion-program.ts): one constant for both.
export { ADJOINT_STEP_SCALE } from './adjoint-scale.js';

export function adjointProgram(solutions: number, seed: number, parts: Omit<TapedParts, 'raw' | 'variables' | 'owned'>, dataRows: Float64Array | null = null): InversionProgram {
    const width = parts.transforms.rawWidth;
    const start = adjointStarts(solutions, seed, parts.transforms, dataRows);
    const v = tf.tidy(() => tf.variable(tf.div(tf.tensor2d(start, [solutions, width]), ADJOINT_STEP_SCALE), true));
    // raw() is always called inside a tidy or a tape, which disposes the product.
    return new TapedProgram({ ...parts, raw: () => tf.mul(v, ADJOINT_STEP_SCALE) as Tensor2D, variables: [v], owned: [] });
}

/**
 * The seeded starting raw values [solutions x raw width], row-major (shared with the fused
 * kernel's adjoint); from `dataRows` (oracle inputs in user units [solutions x inputs], the
 * training rows drawn) when given and every part is a number of its own.
 */
export function adjointStarts(solutions: number, seed: number, transforms: FeatureTransforms, dataRows: Float64Array | null = null): Float32Array {
    const random = new Random(seedFor(seed, 'adjoint-starts'));
    const width = transforms.rawWidth;
    const start = new Float32Array(solutions * width);
    const fromData = dataRows !== null && transforms.scalarOnly;
    for (let i = 0; i < solutions; i++) {
        if (!fromData) {
            start.set(transforms.randomRaw(random), i * width);
            continue;
        }
        // One raw value per free column (scalarOnly): the box's interior, or the linear part's pre-image.
        const x = transforms.free.map((f) => (f.box ? Math.min(f.box.hi - EDGE * f.width, Math.max(f.box.lo + EDGE * f.width, dataRows[i * transforms.inputs + f.column])) : dataRows[i * transforms.inputs + f.column]));
        start.set(transforms.rawRow(x, i), i * width);
    }
    return start;
}

/** A start from the data keeps off the box's very edges, where the sigmoid's slope vanishes. */
const EDGE = 0.02;
