/**
 * The operators of op-rules.ts as TF.js operations, so that an imported model is part of the
 * engine's own differentiable computation: gradients reach the inputs on every backend.
 * Only operations with a gradient on every backend are used (a Gather or a strided Slice is
 * written as slices and a concatenation: TF.js has no StridedSlice gradient and the wasm
 * backend no UnsortedSegmentSum, which a Gather's gradient needs).
 *
 * Each operator is a factory: it reads the node's attributes and constants once, when the
 * model is built, and returns the function that runs it.
 */
import type { Tensor } from '@tensorflow/tfjs';

import { tf } from '../../backend/tf.js';
import { BATCH, elementCount, type ConstTensor, type Dim, type OpNode } from './op-graph.js';
import {
    attrNumber, attrNumbers, attrString, clipBounds, gatherIndices, reduceAxes, sliceRanges, softmaxAxis,
    type OperatorName, type RuleContext,
} from './op-rules.js';

export interface KernelBuild extends RuleContext {
    /** Output shapes, as the analysis found them. */
    outShapes: Dim[][];
    /** A constant tensor kept for the model's lifetime (disposed with it). */
    keep(values: ArrayLike<number>, dims: number[]): Tensor;
}

/** Runs a node: its inputs (constants too, as tensors; null for one left out) → its outputs. */
export type Kernel = (inputs: Array<Tensor | null>) => Tensor[];

type KernelFactory = (b: KernelBuild) => Kernel;

/** A shape for tf.reshape: the rows become -1. */
function runtimeShape(dims: Dim[]): number[] {
    return dims.map((d) => (d === BATCH ? -1 : d));
}

function first(inputs: Array<Tensor | null>): Tensor {
    return inputs[0]!;
}

function present(inputs: Array<Tensor | null>): Tensor[] {
    return inputs.filter((t): t is Tensor => t !== null);
}

/** Flatten, Reshape, Squeeze, Unsqueeze: the shape the analysis found, the rows as -1. */
const reshapeToAnalysed: KernelFactory = (b) => {
    const out = runtimeShape(b.outShapes[0]);
    return (inputs) => [tf.reshape(first(inputs), out)];
};

const unary = (f: (x: Tensor) => Tensor): KernelFactory => () => (inputs) => [f(first(inputs))];

const identity: KernelFactory = () => (inputs) => [first(inputs)];

function chain(f: (a: Tensor, b: Tensor) => Tensor): KernelFactory {
    return () => (inputs) => {
        const xs = present(inputs);
        return [xs.slice(1).reduce((acc, x) => f(acc, x), xs[0])];
    };
}

/** alpha * (exp(min(x, 0) / a) - 1) for the negative part; relu for the positive. */
function expLinear(x: Tensor, alpha: number, inner = 1): Tensor {
    const negative = tf.mul(alpha, tf.sub(tf.exp(tf.mul(tf.minimum(x, 0), inner)), 1));
    return tf.add(tf.relu(x), negative);
}

function softmaxKernel(log: boolean): KernelFactory {
    return (b) => {
        const apply = (x: Tensor) => (log ? tf.logSoftmax(x) : tf.softmax(x));
        return (inputs) => {
            const x = first(inputs);
            const axis = softmaxAxis(b.node, x.rank);
            if (b.node.opset < 13) {
                // Before opset 13 the input is read as 2-D: [rows before axis, everything from axis].
                const width = elementCount(x.shape.slice(axis));
                return [tf.reshape(apply(tf.reshape(x, [-1, width])), x.shape)];
            }
            if (axis === x.rank - 1) return [apply(x)];
            const perm = x.shape.map((_, i) => i);
            [perm[axis], perm[x.rank - 1]] = [perm[x.rank - 1], perm[axis]];
            return [tf.transpose(apply(tf.transpose(x, perm)), perm)];
        };
    };
}

/** Elements `indices` along `axis`, as slices and one concatenation (differentiable everywhere). */
function pick(x: Tensor, axis: number, indices: number[]): Tensor {
    const parts = runsOf(indices).map(([start, count]) => {
        const begin = x.shape.map(() => 0);
        const size = x.shape.map(() => -1);
        begin[axis] = start;
        size[axis] = count;
        return tf.slice(x, begin, size);
    });
    return parts.length === 1 ? parts[0] : tf.concat(parts, axis);
}

/** [start, count] runs of consecutive indices: [3, 4, 5, 1] → [[3, 3], [1, 1]]. */
function runsOf(indices: number[]): Array<[number, number]> {
    const runs: Array<[number, number]> = [];
    for (const i of indices) {
        const last = runs[runs.length - 1];
        if (last && last[0] + last[1] === i) last[1]++;
        else runs.push([i, 1]);
    }
    return runs;
}

function floatValues(c: ConstTensor | null): Float32Array | Float64Array {
    if (!c?.data) throw new Error('a constant input has no values');
    return c.data;
}

export const OPERATOR_KERNELS: Record<OperatorName, KernelFactory> = {
    Identity: identity,
    Neg: unary((x) => tf.neg(x)),
    Abs: unary((x) => tf.abs(x)),
    Sqrt: unary((x) => tf.sqrt(x)),
    Reciprocal: unary((x) => tf.reciprocal(x)),
    Exp: unary((x) => tf.exp(x)),
    Log: unary((x) => tf.log(x)),
    Relu: unary((x) => tf.relu(x)),
    Sigmoid: unary((x) => tf.sigmoid(x)),
    Tanh: unary((x) => tf.tanh(x)),
    LeakyRelu: (b) => {
        const alpha = attrNumber(b.node, 'alpha', 0.01);
        return (inputs) => [tf.leakyRelu(first(inputs), alpha)];
    },
    Elu: (b) => {
        const alpha = attrNumber(b.node, 'alpha', 1);
        return (inputs) => [alpha === 1 ? tf.elu(first(inputs)) : expLinear(first(inputs), alpha)];
    },
    Selu: (b) => {
        const alpha = attrNumber(b.node, 'alpha', 1.67326319217681884765625);
        const gamma = attrNumber(b.node, 'gamma', 1.05070102214813232421875);
        // TF.js's selu has PyTorch's constants, which equal ONNX's defaults in float32.
        const standard = Math.abs(alpha - 1.6732632423543772) < 1e-6 && Math.abs(gamma - 1.0507009873554805) < 1e-6;
        return (inputs) => [standard ? tf.selu(first(inputs)) : tf.mul(gamma, expLinear(first(inputs), alpha))];
    },
    Celu: (b) => {
        const alpha = attrNumber(b.node, 'alpha', 1);
        return (inputs) => [expLinear(first(inputs), alpha, 1 / alpha)];
    },
    HardSigmoid: (b) => {
        const alpha = attrNumber(b.node, 'alpha', 0.2);
        const beta = attrNumber(b.node, 'beta', 0.5);
        return (inputs) => [tf.clipByValue(tf.add(tf.mul(first(inputs), alpha), beta), 0, 1)];
    },
    HardSwish: unary((x) => tf.mul(x, tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1))),
    Softplus: unary((x) => tf.softplus(x)),
    Softsign: unary((x) => tf.div(x, tf.add(tf.abs(x), 1))),
    Mish: unary((x) => tf.mul(x, tf.tanh(tf.softplus(x)))),
    Erf: unary((x) => tf.erf(x)),
    Gelu: (b) => {
        const tanh = attrString(b.node, 'approximate', 'none') === 'tanh';
        return (inputs) => {
            const x = first(inputs);
            const inner = tanh
                ? tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))
                : tf.erf(tf.div(x, Math.SQRT2));
            return [tf.mul(tf.mul(x, 0.5), tf.add(inner, 1))];
        };
    },
    Clip: (b) => {
        const { lo, hi } = clipBounds(b);
        return (inputs) => {
            const x = first(inputs);
            if (Number.isFinite(lo) && Number.isFinite(hi)) return [tf.clipByValue(x, lo, hi)];
            if (Number.isFinite(lo)) return [tf.maximum(x, lo)];
            if (Number.isFinite(hi)) return [tf.minimum(x, hi)];
            return [x];
        };
    },
    Softmax: softmaxKernel(false),
    LogSoftmax: softmaxKernel(true),
    Dropout: identity,
    Cast: identity,
    'ai.onnx.ml.Scaler': (b) => {
        const offset = attrNumbers(b.node, 'offset') ?? [0];
        const scale = attrNumbers(b.node, 'scale') ?? [1];
        const o = b.keep(offset, [offset.length]);
        const s = b.keep(scale, [scale.length]);
        return (inputs) => [tf.mul(tf.sub(first(inputs), o), s)];
    },
    Add: chain((a, c) => tf.add(a, c)),
    Sub: chain((a, c) => tf.sub(a, c)),
    Mul: chain((a, c) => tf.mul(a, c)),
    Div: chain((a, c) => tf.div(a, c)),
    Pow: chain((a, c) => tf.pow(a, c)),
    Max: chain((a, c) => tf.maximum(a, c)),
    Min: chain((a, c) => tf.minimum(a, c)),
    Sum: chain((a, c) => tf.add(a, c)),
    Mean: () => (inputs) => {
        const xs = present(inputs);
        return [tf.div(xs.slice(1).reduce((acc, x) => tf.add(acc, x), xs[0]), xs.length)];
    },
    PRelu: () => (inputs) => {
        const [x, slope] = [inputs[0]!, inputs[1]!];
        return [tf.add(tf.relu(x), tf.mul(slope, tf.minimum(x, 0)))];
    },
    Gemm: (b) => {
        const alpha = attrNumber(b.node, 'alpha', 1);
        const beta = attrNumber(b.node, 'beta', 1);
        const transA = attrNumber(b.node, 'transA', 0) === 1;
        const transB = attrNumber(b.node, 'transB', 0) === 1;
        return (inputs) => {
            let y = tf.matMul(inputs[0]!, inputs[1]!, transA, transB);
            if (alpha !== 1) y = tf.mul(y, alpha);
            const c = inputs[2];
            if (c && beta !== 0) y = tf.add(y, beta === 1 ? c : tf.mul(c, beta));
            return [y];
        };
    },
    MatMul: (b) => {
        const out = runtimeShape(b.outShapes[0]);
        return (inputs) => {
            let [a, w] = [inputs[0]!, inputs[1]!];
            if (a.rank === 2 && w.rank === 2) return [tf.matMul(a, w)];
            if (w.rank === 1) w = tf.reshape(w, [-1, 1]);
            if (a.rank === 1) a = tf.reshape(a, [1, -1]);
            if (w.rank === 2 && a.rank > 2) {
                return [tf.reshape(tf.matMul(tf.reshape(a, [-1, a.shape[a.rank - 1]]), w), out)];
            }
            return [tf.reshape(tf.matMul(a, w), out)];
        };
    },
    BatchNormalization: (b) => {
        const epsilon = attrNumber(b.node, 'epsilon', 1e-5);
        const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => floatValues(b.values[i]));
        const channels = scale.length;
        const a = new Float64Array(channels);
        const c = new Float64Array(channels);
        for (let i = 0; i < channels; i++) {
            a[i] = Math.fround(scale[i] / Math.sqrt(variance[i] + epsilon));
            c[i] = bias[i] - mean[i] * a[i];
        }
        // Channels are axis 1: [C] for a 2-D input, [C, 1, ...] beyond.
        const rank = b.shapes[0]!.length;
        const dims = [channels, ...new Array<number>(Math.max(0, rank - 2)).fill(1)];
        const ta = b.keep(a, dims);
        const tc = b.keep(c, dims);
        return (inputs) => [tf.add(tf.mul(first(inputs), ta), tc)];
    },
    LayerNormalization: (b) => {
        const epsilon = attrNumber(b.node, 'epsilon', 1e-5);
        const rank = b.shapes[0]!.length;
        const from = attrNumber(b.node, 'axis', -1) < 0 ? attrNumber(b.node, 'axis', -1) + rank : attrNumber(b.node, 'axis', -1);
        const axes = Array.from({ length: rank - from }, (_, i) => from + i);
        return (inputs) => {
            const x = first(inputs);
            const { mean, variance } = tf.moments(x, axes, true);
            let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
            if (inputs[1]) y = tf.mul(y, inputs[1]);
            if (inputs[2]) y = tf.add(y, inputs[2]);
            return [y];
        };
    },
    ReduceMean: (b) => {
        const { axes, keep } = reduceAxes(b);
        return (inputs) => [axes.length === 0 ? first(inputs) : tf.mean(first(inputs), axes, keep)];
    },
    ReduceSum: (b) => {
        const { axes, keep } = reduceAxes(b);
        return (inputs) => [axes.length === 0 ? first(inputs) : tf.sum(first(inputs), axes, keep)];
    },
    // Folded when the model is read; a kernel only in name.
    Constant: () => () => {
        throw new Error('a Constant node is folded when the model is read');
    },
    Shape: () => () => {
        throw new Error('a Shape node is folded when the model is read');
    },
    ConstantOfShape: () => () => {
        throw new Error('a ConstantOfShape node is folded when the model is read');
    },
    Flatten: reshapeToAnalysed,
    Reshape: reshapeToAnalysed,
    Squeeze: reshapeToAnalysed,
    Unsqueeze: reshapeToAnalysed,
    Concat: (b) => {
        const axis = attrNumber(b.node, 'axis', 0);
        return (inputs) => {
            const xs = present(inputs);
            return [tf.concat(xs, axis < 0 ? axis + xs[0].rank : axis)];
        };
    },
    Gather: (b) => {
        const { axis, indices } = gatherIndices(b);
        const out = runtimeShape(b.outShapes[0]);
        return (inputs) => [tf.reshape(pick(first(inputs), axis, indices), out)];
    },
    Slice: (b) => {
        const ranges = sliceRanges(b);
        return (inputs) => {
            let x = first(inputs);
            const begin = ranges.map((r) => (r.step === 1 ? r.start : 0));
            const size = ranges.map((r) => (r.step === 1 ? r.count : -1));
            if (begin.some((v) => v !== 0) || size.some((v, i) => v !== -1 && v !== x.shape[i])) x = tf.slice(x, begin, size);
            ranges.forEach((r, axis) => {
                if (r.step === 1) return;
                x = pick(x, axis, Array.from({ length: r.count }, (_, i) => r.start + i * r.step));
            });
            return [x];
        };
    },
    Transpose: (b) => {
        const rank = b.shapes[0]!.length;
        const perm = attrNumbers(b.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
        return (inputs) => [tf.transpose(first(inputs), perm)];
    },
};

export function kernelFor(node: OpNode, build: KernelBuild): Kernel {
    return OPERATOR_KERNELS[node.op as OperatorName](build);
}
