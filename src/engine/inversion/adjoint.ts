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
import { tf } from '../backend/tf.js';
import type { Tensor2D } from '@tensorflow/tfjs';

/**
 * The raw values are ADJOINT_STEP_SCALE * v with v the optimised variable. Adam moves each
 * variable by about `learningRate` a step, so without it a raw value would move 0.001 a step
 * at the default rate: 3000 steps could not cross a box (measured: 44 of 64 solutions met a
 * range target that a generator meets with all 64, whose outputs move about ten times
 * faster at the same rate because many weights move together). The scale makes
 * `learningRate` mean about the same for both methods.
 */
export const ADJOINT_STEP_SCALE = 10;

export function adjointProgram(solutions: number, seed: number, parts: Omit<TapedParts, 'raw' | 'variables' | 'owned'>): InversionProgram {
    const width = parts.transforms.rawWidth;
    const start = adjointStarts(solutions, seed, parts.transforms);
    const v = tf.tidy(() => tf.variable(tf.div(tf.tensor2d(start, [solutions, width]), ADJOINT_STEP_SCALE), true));
    // raw() is always called inside a tidy or a tape, which disposes the product.
    return new TapedProgram({ ...parts, raw: () => tf.mul(v, ADJOINT_STEP_SCALE) as Tensor2D, variables: [v], owned: [] });
}

/** The seeded starting raw values [solutions x raw width], row-major (shared with the fused kernel's adjoint). */
export function adjointStarts(solutions: number, seed: number, transforms: FeatureTransforms): Float32Array {
    const random = new Random(seedFor(seed, 'adjoint-starts'));
    const width = transforms.rawWidth;
    const start = new Float32Array(solutions * width);
    for (let i = 0; i < solutions; i++) start.set(transforms.randomRaw(random), i * width);
    return start;
}
