/**
 * A chain of dense layers (a multilayer perceptron) as plain tensors: the oracle's frozen
 * network, the oracle being trained and the generator all run through `applyDense`. Plain
 * tensors and fused matMuls cost far fewer operations per step than the Layers API, which
 * is used only to read and write model files.
 */
import type { Activation } from '../contract/spec.js';
import type { LayerWeights } from './fused/kernel-net.js';
import type { Random } from './random.js';
import { tf } from '../backend/tf.js';
import type { Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';

/** `linear` is the output layer's; `softmax` a classifier head's (read from model files). */
export type LayerActivation = Activation | 'linear' | 'softmax';

export interface DenseLayer {
    kernel: Tensor2D;
    bias: Tensor1D;
    activation: LayerActivation;
}

/** x [n, in] through every layer. */
export function applyDense(layers: DenseLayer[], x: Tensor2D): Tensor2D {
    let h = x;
    for (const l of layers) {
        // Fused matMul+bias(+relu) is one kernel; TF.js has its gradient only for linear and relu.
        if (l.activation === 'relu' || l.activation === 'linear') {
            h = tf.fused.matMul({ a: h, b: l.kernel, bias: l.bias, activation: l.activation }) as Tensor2D;
        } else {
            h = activate(tf.add(tf.matMul(h, l.kernel), l.bias) as Tensor2D, l.activation);
        }
    }
    return h;
}

export function activate<T extends Tensor>(t: T, activation: LayerActivation): T {
    switch (activation) {
        case 'linear':
            return t;
        case 'relu':
            return tf.relu(t);
        case 'tanh':
            return tf.tanh(t);
        case 'sigmoid':
            return tf.sigmoid(t);
        case 'elu':
            return tf.elu(t);
        case 'selu':
            return tf.selu(t);
        case 'swish':
            return tf.mul(t, tf.sigmoid(t));
        case 'softmax':
            return tf.softmax(t);
    }
}

export interface DenseWeights {
    kernel: Float32Array;
    bias: Float32Array;
    inputs: number;
    outputs: number;
}

/**
 * Seeded Glorot-uniform initial weights for sizes [in, h1, ..., out], biases zero (for the
 * oracle on the paper's data Glorot beat He-uniform several times over: see train.ts).
 * `outputScale` shrinks the last layer (the generator's solutions start near the centre).
 */
export function initialWeights(sizes: number[], random: Random, outputScale = 1): DenseWeights[] {
    const out: DenseWeights[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
        const inputs = sizes[l];
        const outputs = sizes[l + 1];
        const last = l + 2 === sizes.length;
        const limit = Math.sqrt(6 / (inputs + outputs)) * (last ? outputScale : 1);
        const kernel = new Float32Array(inputs * outputs);
        for (let i = 0; i < kernel.length; i++) kernel[i] = random.uniform(-limit, limit);
        out.push({ kernel, bias: new Float32Array(outputs), inputs, outputs });
    }
    return out;
}

/** Trainable dense layers and the variables behind them (the list gradients are taken for). */
export interface DenseVariables {
    layers: DenseLayer[];
    variables: Variable[];
}

/** Variables holding `weights`, as dense layers (hidden activation, linear output). */
export function denseVariables(weights: DenseWeights[], hidden: Activation, prefix: string): DenseVariables {
    const layers: DenseLayer[] = [];
    const variables: Variable[] = [];
    for (let l = 0; l < weights.length; l++) {
        const w = weights[l];
        const kernel = tf.tidy(() => tf.variable(tf.tensor2d(w.kernel, [w.inputs, w.outputs]), true, uniqueName(`${prefix}_k${l}`)));
        const bias = tf.tidy(() => tf.variable(tf.tensor1d(w.bias), true, uniqueName(`${prefix}_b${l}`)));
        layers.push({ kernel, bias, activation: l + 1 === weights.length ? 'linear' : hidden });
        variables.push(kernel, bias);
    }
    return { layers, variables };
}

let nameCounter = 0;
/** TF.js variable names are global to the engine: two programs must never share one. */
function uniqueName(base: string): string {
    return `inv_${base}_${nameCounter++}`;
}

/**
 * The layers' weights read back as plain arrays (what the fused kernel and model files take).
 * Read asynchronously: the webgpu backend cannot read a tensor synchronously in Node.
 */
export async function layerWeights(layers: DenseLayer[]): Promise<LayerWeights[]> {
    return Promise.all(layers.map(async (l) => ({
        inputs: l.kernel.shape[0],
        outputs: l.kernel.shape[1],
        kernel: (await l.kernel.data()) as Float32Array,
        bias: (await l.bias.data()) as Float32Array,
        activation: l.activation,
    })));
}

export function disposeDense(layers: DenseLayer[]): void {
    for (const l of layers) {
        l.kernel.dispose();
        l.bias.dispose();
    }
}
