/**
 * Dense oracles with random weights for the fused kernel's tests: any activation, any
 * sizes, a softmax head, written as TF.js Layers models with inv metadata, and the TF.js
 * reference gradients of one inversion step from the same weights.
 */
import type { Scalar, Tensor2D } from '@tensorflow/tfjs';

import { fileModelSaver } from '../../src/engine/oracle/model-files.js';
import type { InvModelMetadata } from '../../src/engine/contract/model-metadata.js';
import { Random } from '../../src/engine/nn/random.js';
import type { LayerActivation } from '../../src/engine/nn/dense-net.js';
import { applyDense, denseVariables } from '../../src/engine/nn/dense-net.js';
import type { LayerWeights } from '../../src/engine/nn/fused/kernel-net.js';
import type { FeatureTransforms } from '../../src/engine/inversion/feature-transform.js';
import type { Oracle } from '../../src/engine/oracle/oracle.js';
import type { TargetLoss } from '../../src/engine/inversion/loss.js';
import type { Activation } from '../../src/engine/contract/spec.js';
import { tf } from '../../src/engine/backend/tf.js';

export function randomLayers(sizes: number[], hidden: LayerActivation, head: LayerActivation, seed: number, scale = 1): LayerWeights[] {
    const random = new Random(seed);
    return sizes.slice(1).map((outputs, l) => {
        const inputs = sizes[l];
        const limit = Math.sqrt(6 / (inputs + outputs)) * scale;
        const kernel = Float32Array.from({ length: inputs * outputs }, () => random.uniform(-limit, limit));
        const bias = Float32Array.from({ length: outputs }, () => random.uniform(-0.1, 0.1));
        return { inputs, outputs, kernel, bias, activation: l + 2 === sizes.length ? head : hidden };
    });
}

/** A Dense chain as a Layers model with inv metadata (inputs standardised with `inputs` stats). */
export async function writeMlpModel(path: string, layers: LayerWeights[], names: { inputs: string[]; outputs: string[] }, classes: string[] | null = null): Promise<void> {
    const model = tf.sequential();
    layers.forEach((l, i) => model.add(tf.layers.dense({ units: l.outputs, activation: l.activation, ...(i === 0 ? { inputShape: [l.inputs] } : {}) })));
    const tensors = layers.flatMap((l) => [tf.tensor2d(l.kernel, [l.inputs, l.outputs]), tf.tensor1d(l.bias)]);
    model.setWeights(tensors);
    const metadata: InvModelMetadata = {
        inputs: names.inputs.map((name, i) => ({ name, min: 0, max: 10, mean: 5 + i, std: 2 + 0.5 * i })),
        outputs: classes ? names.outputs.map((name) => ({ name, min: 0, max: 1, mean: 0, std: 1 })) : names.outputs.map((name, i) => ({ name, min: -5, max: 5, mean: 0.5 + i, std: 1.5 })),
        classes,
        testRmse: Object.fromEntries(names.outputs.map((n) => [n, 0.1])),
        data: 'data.csv',
        trainedAt: '2025-01-01T00:00:00.000Z',
    };
    await model.save(fileModelSaver(path, { inv: metadata }));
    tf.dispose(tensors);
    model.dispose();
}

/**
 * TF.js's loss and gradients of one generator step from `weights` (TapedProgram's loss:
 * mean accuracy loss + sum(c * x)), per layer kernel and bias.
 */
export function tfGeneratorGradients(
    weights: LayerWeights[],
    hidden: Activation,
    z: Float32Array,
    latent: number,
    parts: { transforms: FeatureTransforms; oracle: Oracle; loss: TargetLoss },
    c: Float32Array | null,
): { loss: number; grads: Float32Array[] } {
    const n = z.length / latent;
    const net = denseVariables(
        weights.map((w) => ({ kernel: w.kernel, bias: w.bias, inputs: w.inputs, outputs: w.outputs })),
        hidden,
        'reference',
    );
    const zt = tf.tensor2d(z, [n, latent]);
    const ct = c ? tf.tensor2d(c, [n, parts.transforms.free.length]) : null;
    const { value, grads } = tf.variableGrads(() => {
        const x = parts.transforms.apply(applyDense(net.layers, zt));
        const a = tf.mean(parts.loss.perSolution(parts.oracle.standardised(parts.transforms.splice(x)))) as Scalar;
        return ct ? (tf.add(a, tf.sum(tf.mul(ct, x))) as Scalar) : a;
    }, net.variables);
    const out = net.variables.map((v) => grads[v.name].dataSync() as Float32Array);
    const loss = ct ? NaN : value.dataSync()[0];
    tf.dispose([zt, value, ...Object.values(grads), ...net.variables, ...(ct ? [ct] : [])]);
    return { loss, grads: out };
}

/** TF.js's gradient w.r.t. raw values u [n x free] of the mean accuracy loss. */
export function tfRawGradient(u: Float32Array, parts: { transforms: FeatureTransforms; oracle: Oracle; loss: TargetLoss }): { loss: number; grad: Float32Array } {
    const free = parts.transforms.free.length;
    const ut = tf.tensor2d(u, [u.length / free, free]);
    const f = (t: Tensor2D) => tf.mean(parts.loss.perSolution(parts.oracle.standardised(parts.transforms.splice(parts.transforms.apply(t))))) as Scalar;
    const { value, grad } = tf.valueAndGrad(f)(ut);
    const out = { loss: value.dataSync()[0], grad: grad.dataSync() as Float32Array };
    tf.dispose([ut, value, grad]);
    return out;
}

/** max |a - b| / max |b|: the error relative to the size of the reference. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let diff = 0;
    let size = 0;
    for (let i = 0; i < b.length; i++) {
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
        size = Math.max(size, Math.abs(b[i]));
    }
    return size === 0 ? diff : diff / size;
}
