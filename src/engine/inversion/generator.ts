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
 * generator here starts spread instead (spreadStartWeights): each free feature driven by its
 * own direction in latent space, across its box about uniformly; so from the first step
 * there are solutions near every piece of the level set, and each is pulled onto the piece
 * nearest it. It is the same network, only its first weights differ, so the fused kernel
 * runs it as it is. (Starting the solutions where the oracle's data is instead, when it is
 * known, gathered the arm's answers onto one end of its level set, spread 0.06 rad against
 * 0.6: the spread term widens a narrow start only slowly. The data is brought in after the
 * spread phase instead: level-set-projection.ts.) With `diversity 0` it starts as the
 * paper's does.
 */
import type { Tensor2D } from '@tensorflow/tfjs';

import { applyDense, denseVariables, initialWeights, type DenseWeights } from '../nn/dense-net.js';
import type { FeatureTransforms } from './feature-transform.js';
import type { InversionProgram, TapedParts } from './inversion-program.js';
import { TapedProgram } from './inversion-program.js';
import { Random, seedFor } from '../nn/random.js';
import type { MethodSpec } from '../contract/spec.js';
import { tf } from '../backend/tf.js';

/**
 * The generator's last layer starts this much smaller than Glorot, so that (without the
 * spread start) its solutions start near the centre of their boxes (u near 0), as the
 * paper's do.
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
    spreadStart = false,
): InversionProgram {
    const net = denseVariables(generatorWeights(method, seed, parts.transforms, spreadStart), method.activation, 'generator');
    const z: Tensor2D = tf.tensor2d(new Random(seedFor(seed, 'latent')).normals(solutions * method.latent), [solutions, method.latent]);
    return new TapedProgram({ ...parts, raw: () => applyDense(net.layers, z), variables: net.variables, owned: [z] });
}

/** The generator's first weights (both programs, TF.js and the fused kernel, start from these). */
export function generatorWeights(method: Extract<MethodSpec, { kind: 'generator' }>, seed: number, transforms: FeatureTransforms, spreadStart: boolean): DenseWeights[] {
    const weights = initialWeights([method.latent, ...method.layers, transforms.rawWidth], new Random(seedFor(seed, 'generator')), OUTPUT_SCALE);
    if (spreadStart && transforms.scalarOnly) spreadStartWeights(weights, startSlopes(transforms), seed);
    return weights;
}

/**
 * Per raw output (one per free feature: scalarOnly), its slope on its latent direction:
 * across its box (a sigmoid's raw value) or its domain or scale (unbounded). Soft-bounded
 * features (`using`) start at the centre of their box, as the paper's constraint functions
 * expect (LANGUAGE.md).
 */
function startSlopes(transforms: FeatureTransforms): number[] {
    return transforms.free.map((f) => {
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

/**
 * Makes the network's first weights carry raw output j = slopes[j] * (d_j . z), d_j a unit
 * direction in latent space (the j-th coordinate while there are enough), besides what the
 * rest of the network adds: two units of every hidden layer per output carry +d_j . z and
 * -d_j . z (their own inputs only, weight 1 from layer to layer), and the output adds
 * slopes[j] times their difference. With ReLU (the default) relu(a) - relu(-a) = a and
 * relu(relu(a)) = relu(a), so the map is exactly linear (swish: the same odd difference,
 * about linear; tanh, sigmoid, elu, selu: monotone, spread but less evenly). Outputs for
 * which the narrowest hidden layer has no two units left keep the paper's start.
 */
function spreadStartWeights(weights: DenseWeights[], slopes: number[], seed: number): void {
    const latent = weights[0].inputs;
    const room = Math.floor(Math.min(...weights.slice(0, -1).map((w) => w.outputs)) / 2);
    const random = new Random(seedFor(seed, 'start-directions'));
    const spread = slopes.map((s, j) => ({ j, s })).filter((c) => c.s !== 0).slice(0, room);
    spread.forEach(({ j, s }, pair) => {
        const d = new Float64Array(latent);
        if (j < latent) d[j] = 1;
        else {
            for (let i = 0; i < latent; i++) d[i] = random.normal();
            const norm = Math.hypot(...d);
            for (let i = 0; i < latent; i++) d[i] /= norm;
        }
        const [plus, minus] = [2 * pair, 2 * pair + 1];
        weights.forEach((w, l) => {
            const k = w.kernel;
            if (l === 0) {
                for (let i = 0; i < latent; i++) {
                    k[i * w.outputs + plus] = d[i];
                    k[i * w.outputs + minus] = -d[i];
                }
            } else if (l + 1 < weights.length) {
                for (let i = 0; i < w.inputs; i++) {
                    k[i * w.outputs + plus] = i === plus ? 1 : 0;
                    k[i * w.outputs + minus] = i === minus ? 1 : 0;
                }
            } else {
                k[plus * w.outputs + j] += s;
                k[minus * w.outputs + j] -= s;
            }
            if (l + 1 < weights.length) w.bias[plus] = w.bias[minus] = 0;
        });
    });
}
