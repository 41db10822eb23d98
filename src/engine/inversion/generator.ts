/**
 * The paper's method: a generator MLP maps fixed latent rows z (solutions x latent, drawn
 * once from the seed) to one raw output per free feature; the features it makes are scored
 * by the frozen oracle, and only the generator learns.
 *
 * Its start. The paper's generator starts with every solution near one point, and a level
 * set made of separate pieces (the sine wave's closed curves, an arm's elbow-up and
 * elbow-down poses) is then found one piece at a time if at all: the solutions slide to the
 * nearest piece together and the spread term can only spread them along it. Here the raw
 * output is the network's plus a trainable linear map of z (`StartShape`) that starts the
 * solutions spread over where answers may lie: each free feature driven by its own direction
 * in latent space, across its box (about uniformly), or, when the oracle's training data is
 * known, about as its values are spread in the data (median and spread matched through the
 * sigmoid). So from the first step there are solutions near every piece of the level set,
 * each is pulled onto the piece nearest it, and none starts where the oracle knows nothing.
 */
import type { Tensor2D, Variable } from '@tensorflow/tfjs';

import { applyDense, denseVariables, initialWeights } from '../nn/dense-net.js';
import type { FreeColumn } from './feature-transform.js';
import type { InversionProgram, TapedParts } from './inversion-program.js';
import { TapedProgram } from './inversion-program.js';
import { Random, seedFor } from '../nn/random.js';
import type { MethodSpec } from '../contract/spec.js';
import { tf } from '../backend/tf.js';

/**
 * The generator network's last layer starts this much smaller than Glorot: at the start it
 * adds little to the start shape, and it learns from there.
 */
export const OUTPUT_SCALE = 0.1;

/**
 * logit(Phi(z)) is within 1 % of 1.7 z over |z| < 3: a raw value 1.7 z through a box's
 * sigmoid is about uniform across the box for a standard normal z.
 */
const UNIFORM_SLOPE = 1.7;
/** A box start keeps its median off the very edges, where the sigmoid's slope vanishes. */
const EDGE = 0.02;

/** Where the solutions of a free feature start: centred on `median`, spread like a normal of `spread` (user units). */
export type StartShape = Array<{ median: number; spread: number } | null>;

export function generatorProgram(
    method: Extract<MethodSpec, { kind: 'generator' }>,
    solutions: number,
    seed: number,
    parts: Omit<TapedParts, 'raw' | 'variables' | 'owned'>,
    /** Per free feature, where the data says its answers start (null: across the box). */
    shape: StartShape | null = null,
): InversionProgram {
    const free = parts.transforms.free;
    const sizes = [method.latent, ...method.layers, free.length];
    const weights = initialWeights(sizes, new Random(seedFor(seed, 'generator')), OUTPUT_SCALE);
    const { slopes, offsets } = startMap(free, shape);
    weights[weights.length - 1].bias.set(offsets);
    const net = denseVariables(weights, method.activation, 'generator');
    const z: Tensor2D = tf.tensor2d(new Random(seedFor(seed, 'latent')).normals(solutions * method.latent), [solutions, method.latent]);
    const skip = startSkip(slopes, method.latent, seed);
    return new TapedProgram({
        ...parts,
        raw: () => tf.add(applyDense(net.layers, z), tf.matMul(z, skip)) as Tensor2D,
        variables: [...net.variables, skip],
        owned: [z],
    });
}

/**
 * Per free feature, the raw output's slope on its latent direction and its offset, so that
 * the feature starts spread as `shape` says (or across its box). Soft-bounded features
 * (`using`) start at the centre of their box, as the paper's constraint functions expect
 * (LANGUAGE.md), and do not spread at the start.
 */
function startMap(free: FreeColumn[], shape: StartShape | null): { slopes: number[]; offsets: number[] } {
    const slopes: number[] = [];
    const offsets: number[] = [];
    free.forEach((f, j) => {
        const s = shape?.[j] ?? null;
        switch (f.feature.transform.kind) {
            case 'constraint':
                slopes.push(0);
                offsets.push(0);
                break;
            case 'box': {
                if (!s) {
                    slopes.push(UNIFORM_SLOPE);
                    offsets.push(0);
                    break;
                }
                const share = Math.min(1 - EDGE, Math.max(EDGE, (s.median - f.origin) / f.width));
                offsets.push(Math.log(share / (1 - share)));
                // Near its median the box maps a raw step du to width * share * (1 - share) du:
                // a z then spreads the feature by about `spread` (never wider than uniform).
                slopes.push(Math.min(UNIFORM_SLOPE, s.spread / (f.width * share * (1 - share))));
                break;
            }
            case 'none':
                // centre + (width / 2) u, with the centre at origin + width / 2.
                slopes.push(s ? s.spread / (f.width / 2) : 0.58);
                offsets.push(s ? (s.median - (f.origin + f.width / 2)) / (f.width / 2) : 0);
                break;
        }
    });
    return { slopes, offsets };
}

/** The trainable linear map z -> raw outputs: free feature j along its own latent direction, at slope slopes[j]. */
function startSkip(slopes: number[], latent: number, seed: number): Variable {
    const random = new Random(seedFor(seed, 'start-directions'));
    const k = slopes.length;
    const w = new Float32Array(latent * k);
    slopes.forEach((slope, j) => {
        if (slope === 0) return;
        // The j-th latent coordinate while there are enough, else a random unit direction.
        const d = new Float64Array(latent);
        if (j < latent) d[j] = 1;
        else {
            for (let i = 0; i < latent; i++) d[i] = random.normal();
            const norm = Math.hypot(...d);
            for (let i = 0; i < latent; i++) d[i] /= norm;
        }
        for (let i = 0; i < latent; i++) w[i * k + j] = slope * d[i];
    });
    return tf.tidy(() => tf.variable(tf.tensor2d(w, [latent, k]), true));
}
