/**
 * A dense network (a chain of dense layers) laid out in a kernel instance's memory as
 * assembly/dense-kernel.ts reads it: per layer the kernel [in x out] with `out` padded to a
 * multiple of 4, the bias, the activations of a block of columns, and for a trainable net
 * the gradients and Adam's moments.
 */
import type { LayerActivation } from '../dense-net.js';
import { ACTIVATION_CODES, Layer, LAYER_BYTES, NET_HEADER } from './kernel-layout.js';
import { roundUp, type KernelMemory } from './kernel.js';

/** One dense layer's weights as plain arrays (kernel [inputs x outputs] row-major, as TF.js keeps it). */
export interface LayerWeights {
    inputs: number;
    outputs: number;
    kernel: Float32Array;
    bias: Float32Array;
    activation: LayerActivation;
}

/** The activations the kernel has. */
export function kernelActivation(a: string): a is LayerActivation {
    return a in ACTIVATION_CODES;
}

export class KernelNet {
    readonly pointer: number;
    private readonly layers: Array<{ inputs: number; outputs: number; pad: number; at: number; activation: LayerActivation }> = [];

    /** `block`: the columns of one block of activations (a multiple of 8). */
    constructor(
        private readonly memory: KernelMemory,
        weights: LayerWeights[],
        block: number,
        trainable: boolean,
    ) {
        this.pointer = memory.words((NET_HEADER + LAYER_BYTES * weights.length) / 4);
        memory.setI32(this.pointer, 0, weights.length);
        weights.forEach((w, l) => {
            const at = this.pointer + NET_HEADER + l * LAYER_BYTES;
            const pad = roundUp(w.outputs, 4);
            const set = (field: number, value: number) => memory.setI32(at, field, value);
            set(Layer.in, w.inputs);
            set(Layer.out, w.outputs);
            set(Layer.pad, pad);
            set(Layer.act, ACTIVATION_CODES[w.activation]);
            for (const f of [Layer.w, Layer.dw, Layer.mw, Layer.vw]) if (f === Layer.w || trainable) set(f, memory.words(w.inputs * pad));
            for (const f of [Layer.b, Layer.db, Layer.mb, Layer.vb]) if (f === Layer.b || trainable) set(f, memory.words(pad));
            for (const f of [Layer.z, Layer.a, Layer.dz]) set(f, memory.words(pad * block));
            this.layers.push({ inputs: w.inputs, outputs: w.outputs, pad, at, activation: w.activation });
        });
        this.setWeights(weights);
    }

    get inputs(): number {
        return this.layers[0].inputs;
    }

    get outputs(): number {
        return this.layers[this.layers.length - 1].outputs;
    }

    setWeights(weights: LayerWeights[]): void {
        weights.forEach((w, l) => {
            const { pad, at } = this.layers[l];
            const kernel = this.memory.f32(this.memory.getI32(at, Layer.w), w.inputs * pad);
            for (let i = 0; i < w.inputs; i++) kernel.set(w.kernel.subarray(i * w.outputs, (i + 1) * w.outputs), i * pad);
            this.memory.write(this.memory.getI32(at, Layer.b), w.bias);
        });
    }

    /** The weights as they stand (copies, unpadded). */
    weights(): LayerWeights[] {
        return this.layers.map(({ inputs, outputs, pad, at, activation }) => ({
            inputs,
            outputs,
            activation,
            kernel: unpad(this.memory.f32(this.memory.getI32(at, Layer.w), inputs * pad), inputs, outputs, pad),
            bias: this.memory.f32(this.memory.getI32(at, Layer.b), outputs).slice(),
        }));
    }

    /** The gradients of the last step (copies, unpadded), for the exactness tests. */
    gradients(): Array<{ kernel: Float32Array; bias: Float32Array }> {
        return this.layers.map(({ inputs, outputs, pad, at }) => ({
            kernel: unpad(this.memory.f32(this.memory.getI32(at, Layer.dw), inputs * pad), inputs, outputs, pad),
            bias: this.memory.f32(this.memory.getI32(at, Layer.db), outputs).slice(),
        }));
    }
}

function unpad(padded: Float32Array, rows: number, columns: number, pad: number): Float32Array {
    const out = new Float32Array(rows * columns);
    for (let i = 0; i < rows; i++) out.set(padded.subarray(i * pad, i * pad + columns), i * columns);
    return out;
}
