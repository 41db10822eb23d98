/**
 * The paper's method: a generator MLP maps fixed latent rows z (solutions x latent, drawn
 * once from the seed) to one raw output per free feature; the features it makes are scored
 * by the frozen oracle, and only the generator learns.
 *
 * Its start. The paper's generator starts with every solution near one point, and a level
 * set made of separate pieces (the sine wave's closed curves, an arm's elbow-up and
 * elbow-down poses) is then found one piece at a time if at all: the solutions slide to the
 * nearest piece together and the spread term can only spread them along it (measured: on
 * the sine wave all 256 within 0.01 of one point). With a spread term (`diversity` > 0) the
 * raw output here is the network's plus a trainable linear map of z that starts the
 * solutions spread across their boxes, about uniformly, each free feature driven by its own
 * direction in latent space; so from the first step there are solutions near every piece of
 * the level set, and each is pulled onto the piece nearest it. (Starting them where the
 * oracle's data is instead, when it is known, gathered them onto one end of the arm's level
 * set, spread 0.06 rad against 0.6: the spread term widens a narrow start only slowly. The
 * data is brought in after the spread phase instead: level-set-projection.ts.) With
 * `diversity 0` it starts as the paper's does.
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

export function generatorProgram(
    method: Extract<MethodSpec, { kind: 'generator' }>,
    solutions: number,
    seed: number,
    parts: Omit<TapedParts, 'raw' | 'variables' | 'owned'>,
    /** Start spread across the boxes (with a spread term), or as the paper's generator does. */
    spreadStart = true,
): InversionProgram {
    const free = parts.transforms.free;
    const sizes = [method.latent, ...method.layers, free.length];
    const weights = initialWeights(sizes, new Random(seedFor(seed, 'generator')), OUTPUT_SCALE);
    const net = denseVariables(weights, method.activation, 'generator');
    const z: Tensor2D = tf.tensor2d(new Random(seedFor(seed, 'latent')).normals(solutions * method.latent), [solutions, method.latent]);
    if (!spreadStart) return new TapedProgram({ ...parts, raw: () => applyDense(net.layers, z), variables: net.variables, owned: [z] });
    const skip = startSkip(startSlopes(free), method.latent, seed);
    return new TapedProgram({
        ...parts,
        raw: () => tf.add(applyDense(net.layers, z), tf.matMul(z, skip)) as Tensor2D,
        variables: [...net.variables, skip],
        owned: [z],
    });
}

/**
 * Per free feature, the raw output's slope on its latent direction: across its box (a
 * sigmoid's raw value) or across its domain or scale (unbounded). Soft-bounded features
 * (`using`) start at the centre of their box, as the paper's constraint functions expect
 * (LANGUAGE.md), and do not spread at the start.
 */
function startSlopes(free: FreeColumn[]): number[] {
    return free.map((f) => {
        switch (f.feature.transform.kind) {
            case 'constraint':
                return 0;
            case 'box':
                return UNIFORM_SLOPE;
            case 'none':
                // centre + (width / 2) u: u of standard deviation 0.58 is that of a uniform on [-1, 1].
                return 0.58;
        }
    });
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
