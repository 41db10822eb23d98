/**
 * The paper's method: a generator MLP maps fixed latent rows z (solutions x latent, drawn
 * once from the seed) to one raw output per free feature; the features it makes are scored
 * by the frozen oracle, and only the generator learns.
 */
import type { Tensor2D } from '@tensorflow/tfjs';

import { applyDense, denseVariables, initialWeights } from '../nn/dense-net.js';
import type { InversionProgram, TapedParts } from './inversion-program.js';
import { TapedProgram } from './inversion-program.js';
import { Random, seedFor } from '../nn/random.js';
import type { MethodSpec } from '../contract/spec.js';
import { tf } from '../backend/tf.js';

/**
 * The generator's last layer starts this much smaller than Glorot, so its solutions start
 * near the centre of their boxes (u near 0), as the paper's do; they spread from there.
 */
export const OUTPUT_SCALE = 0.1;

export function generatorProgram(
    method: Extract<MethodSpec, { kind: 'generator' }>,
    solutions: number,
    seed: number,
    parts: Omit<TapedParts, 'raw' | 'variables' | 'owned'>,
): InversionProgram {
    const sizes = [method.latent, ...method.layers, parts.transforms.rawWidth];
    const net = denseVariables(initialWeights(sizes, new Random(seedFor(seed, 'generator')), OUTPUT_SCALE), method.activation, 'generator');
    const z: Tensor2D = tf.tensor2d(new Random(seedFor(seed, 'latent')).normals(solutions * method.latent), [solutions, method.latent]);
    return new TapedProgram({ ...parts, raw: () => applyDense(net.layers, z), variables: net.variables, owned: [z] });
}
