/**
 * Recognising a multilayer perceptron in an imported graph: a chain of linear layers (Gemm,
 * MatMul with a constant weight, then an added bias) and the element-wise activations the
 * engine's dense layers know (nn/dense-net.ts). Such a model runs as plain dense layers —
 * fewer operations per step, and the form the engine's fused kernel takes.
 *
 * Per-column affine steps are folded into the neighbouring linear layer, in float64 before
 * rounding to float32: scaling inside the graph (Sub/Div on the input, Mul/Add on the
 * output, a scikit-learn Scaler), BatchNormalization at inference, an output's Identity.
 * A LogSoftmax head becomes a softmax (the oracle gives probabilities).
 *
 * No TensorFlow.js here (only its types): the hover describes a model with it.
 */
import type { LayerActivation } from '../../nn/dense-net.js';
import { BATCH, type ConstTensor, type OpGraph, type OpNode } from './op-graph.js';
import { attrNumber, attrNumbers } from './op-rules.js';

/** One dense layer: y = act(x W + b), W row-major [inputs, outputs]. */
export interface DenseChainLayer {
    inputs: number;
    outputs: number;
    kernel: Float64Array;
    bias: Float64Array;
    activation: LayerActivation;
}

/** y = x * scale + shift, per column. */
interface Affine {
    scale: Float64Array;
    shift: Float64Array;
}

interface Open {
    inputs: number;
    outputs: number;
    kernel: Float64Array;
    bias: Float64Array;
}

const PASS = new Set(['Identity', 'Dropout', 'Cast']);
/** Shape operators that may leave [rows, width] as it is (scikit-learn's final Reshape(-1, 1)). */
const RESHAPES = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze']);

function keepsColumns(graph: OpGraph, node: OpNode, width: number): boolean {
    const out = graph.shapes.get(node.outputs[0]);
    return out !== undefined && out.length === 2 && out[0] === BATCH && out[1] === width;
}

export function recogniseDenseChain(graph: OpGraph): DenseChainLayer[] | null {
    if (graph.outputs.length !== 1 || graph.outputs[0].rank !== 2) return null;
    const consumers = new Map<string, OpNode[]>();
    for (const node of graph.nodes) {
        for (const i of new Set(node.inputs)) {
            if (!i || graph.constants.has(i)) continue;
            consumers.set(i, [...(consumers.get(i) ?? []), node]);
        }
    }
    const layers: DenseChainLayer[] = [];
    // Mutated by the helpers below: the linear layer not yet activated, and a per-column
    // affine step waiting for the next linear layer.
    const st: { open: Open | null; pre: Affine | null } = { open: null, pre: null };
    let width = graph.inputWidth;
    let current = graph.inputName;
    let visited = 0;
    let ended = false;
    const target = graph.outputs[0].name;

    const closeOpen = (activation: LayerActivation) => {
        layers.push({ ...st.open!, activation });
        st.open = null;
    };
    /** Applies y = x * s + t to the current columns. */
    const affine = (s: Float64Array, t: Float64Array): void => {
        if (st.open) {
            const o: Open = st.open;
            for (let r = 0; r < o.inputs; r++) for (let c = 0; c < o.outputs; c++) o.kernel[r * o.outputs + c] *= s[c];
            for (let c = 0; c < o.outputs; c++) o.bias[c] = o.bias[c] * s[c] + t[c];
        } else if (st.pre) {
            for (let c = 0; c < width; c++) { st.pre.scale[c] *= s[c]; st.pre.shift[c] = st.pre.shift[c] * s[c] + t[c]; }
        } else {
            st.pre = { scale: Float64Array.from(s), shift: Float64Array.from(t) };
        }
    };
    const linear = (kernel: Float64Array, inputs: number, outputs: number, bias: Float64Array): void => {
        if (st.open) closeOpen('linear');
        const p: Affine | null = st.pre;
        if (p) {
            // (x s + t) W + b = x (diag(s) W) + (t W + b)
            const b = Float64Array.from(bias);
            for (let r = 0; r < inputs; r++) {
                for (let c = 0; c < outputs; c++) {
                    b[c] += p.shift[r] * kernel[r * outputs + c];
                    kernel[r * outputs + c] *= p.scale[r];
                }
            }
            bias = b;
            st.pre = null;
        }
        st.open = { inputs, outputs, kernel, bias };
        width = outputs;
    };

    while (current !== target) {
        const next = consumers.get(current) ?? [];
        let node: OpNode;
        let activation: LayerActivation | null = null;
        if (next.length === 2 && isSwish(next, current)) {
            if (ended) return null;
            const mul = next.find((n) => n.op === 'Mul')!;
            node = mul;
            activation = 'swish';
            visited += 2;
        } else if (next.length === 1) {
            node = next[0];
            visited++;
            if (ended && !PASS.has(node.op)) return null;
            const other = node.inputs.filter((i) => i && i !== current);
            const constant = other.length === 1 ? graph.constants.get(other[0]) ?? null : null;
            if (PASS.has(node.op) || (RESHAPES.has(node.op) && keepsColumns(graph, node, width))) {
                // nothing to do: the same [rows, width] values
            } else if (node.op === 'Gemm' || node.op === 'MatMul') {
                const weights = linearWeights(node, current, graph, width);
                if (!weights) return null;
                linear(weights.kernel, width, weights.outputs, weights.bias);
            } else if (['Add', 'Sub', 'Mul', 'Div'].includes(node.op)) {
                if (!constant || other.length !== 1) return null;
                const v = columnValues(constant, width);
                if (!v) return null;
                const left = node.inputs[0] === current;
                const ones = new Float64Array(width).fill(1);
                const zeros = new Float64Array(width);
                if (node.op === 'Add') affine(ones, v);
                else if (node.op === 'Sub') affine(left ? ones : ones.map(() => -1), left ? v.map((x) => -x) : v);
                else if (node.op === 'Mul') affine(v, zeros);
                else if (left) affine(v.map((x) => 1 / x), zeros);
                else return null;
            } else if (node.op === 'Neg') {
                affine(new Float64Array(width).fill(-1), new Float64Array(width));
            } else if (node.op === 'BatchNormalization') {
                const bn = batchNormAffine(node, graph, width);
                if (!bn) return null;
                affine(bn.scale, bn.shift);
            } else if (node.op === 'ai.onnx.ml.Scaler') {
                const offset = attrNumbers(node, 'offset') ?? [0];
                const scale = attrNumbers(node, 'scale') ?? [1];
                const s = Float64Array.from({ length: width }, (_, c) => scale[scale.length === 1 ? 0 : c]);
                const t = Float64Array.from({ length: width }, (_, c) => -offset[offset.length === 1 ? 0 : c] * s[c]);
                affine(s, t);
            } else {
                activation = activationOf(node, graph, (t) => passesToOutput(t, target, consumers));
                if (!activation) return null;
            }
        } else {
            return null;
        }
        if (activation) {
            if (!st.open || st.pre) return null;
            closeOpen(activation);
            if (activation === 'softmax') ended = true;
        }
        current = node.outputs[0];
    }
    if (visited !== graph.nodes.length) return null;
    if (st.open) closeOpen('linear');
    const p: Affine | null = st.pre;
    if (p) {
        const last = layers[layers.length - 1];
        if (last && last.activation === 'linear') {
            for (let r = 0; r < last.inputs; r++) for (let c = 0; c < last.outputs; c++) last.kernel[r * last.outputs + c] *= p.scale[c];
            for (let c = 0; c < last.outputs; c++) last.bias[c] = last.bias[c] * p.scale[c] + p.shift[c];
        } else {
            const kernel = new Float64Array(width * width);
            for (let c = 0; c < width; c++) kernel[c * width + c] = p.scale[c];
            layers.push({ inputs: width, outputs: width, kernel, bias: Float64Array.from(p.shift), activation: 'linear' });
        }
    }
    if (layers.length === 0 || width !== graph.outputWidth) return null;
    return layers;
}

function isSwish(next: OpNode[], x: string): boolean {
    const sigmoid = next.find((n) => n.op === 'Sigmoid' && n.inputs[0] === x);
    const mul = next.find((n) => n.op === 'Mul');
    return !!sigmoid && !!mul && mul.inputs.includes(x) && mul.inputs.includes(sigmoid.outputs[0]);
}

/** Whether `tensor` reaches the output through pass-through nodes only (a softmax head's Identity). */
function passesToOutput(tensor: string, output: string, consumers: Map<string, OpNode[]>): boolean {
    for (let t = tensor, hops = 0; hops < 16; hops++) {
        if (t === output) return true;
        const next = consumers.get(t) ?? [];
        if (next.length !== 1 || !PASS.has(next[0].op)) return false;
        t = next[0].outputs[0];
    }
    return false;
}

function activationOf(node: OpNode, graph: OpGraph, reachesOutput: (tensor: string) => boolean): LayerActivation | null {
    switch (node.op) {
        case 'Relu': return 'relu';
        case 'Tanh': return 'tanh';
        case 'Sigmoid': return 'sigmoid';
        case 'Elu': return attrNumber(node, 'alpha', 1) === 1 ? 'elu' : null;
        case 'Selu': {
            const alpha = attrNumber(node, 'alpha', 1.67326319217681884765625);
            const gamma = attrNumber(node, 'gamma', 1.05070102214813232421875);
            return Math.abs(alpha - 1.6732632423543772) < 1e-6 && Math.abs(gamma - 1.0507009873554805) < 1e-6 ? 'selu' : null;
        }
        case 'Softmax':
        case 'LogSoftmax': {
            // Over the columns, and the model's output: a LogSoftmax output is given as probabilities.
            const axis = attrNumber(node, 'axis', node.opset < 13 ? 1 : -1);
            if (axis !== 1 && axis !== -1) return null;
            const out = graph.outputs[0];
            if (!reachesOutput(node.outputs[0])) return null;
            return node.op === 'Softmax' || out.logProbabilities ? 'softmax' : null;
        }
        default: return null;
    }
}

/** The weights of a Gemm or MatMul that multiplies the current columns by a constant. */
function linearWeights(node: OpNode, current: string, graph: OpGraph, width: number): { kernel: Float64Array; outputs: number; bias: Float64Array } | null {
    if (node.inputs[0] !== current) return null;
    const w = graph.constants.get(node.inputs[1]);
    if (!w?.data || w.dims.length !== 2) return null;
    let [rows, cols] = w.dims;
    let kernel = Float64Array.from(w.data);
    let bias = new Float64Array(node.op === 'Gemm' ? (attrNumber(node, 'transB', 0) ? rows : cols) : cols);
    if (node.op === 'Gemm') {
        if (attrNumber(node, 'transA', 0)) return null;
        if (attrNumber(node, 'transB', 0)) {
            const t = new Float64Array(rows * cols);
            for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = kernel[r * cols + c];
            kernel = t;
            [rows, cols] = [cols, rows];
        }
        const alpha = attrNumber(node, 'alpha', 1);
        if (alpha !== 1) kernel = kernel.map((v) => v * alpha);
        const cName = node.inputs[2];
        if (cName) {
            const c = graph.constants.get(cName);
            const v = c ? columnValues(c, cols) : null;
            if (!v) return null;
            const beta = attrNumber(node, 'beta', 1);
            bias = v.map((x) => x * beta);
        }
    } else if (node.inputs[1] === current) {
        return null;
    }
    if (rows !== width) return null;
    if (graph.shapes.get(node.outputs[0])?.[0] !== BATCH) return null;
    return { kernel, outputs: cols, bias };
}

/** A constant that acts per column on [rows, width]: a scalar, [width], [1, width]. */
function columnValues(c: ConstTensor, width: number): Float64Array | null {
    if (!c.data || c.kind === 'string' || c.kind === 'other') return null;
    const n = c.data.length;
    const shapeOk = c.dims.length === 0 || (c.dims.length === 1 && (n === 1 || n === width)) || (c.dims.length === 2 && c.dims[0] === 1 && (n === 1 || n === width));
    if (!shapeOk) return null;
    return Float64Array.from({ length: width }, (_, i) => c.data![n === 1 ? 0 : i]);
}

function batchNormAffine(node: OpNode, graph: OpGraph, width: number): Affine | null {
    const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => graph.constants.get(node.inputs[i])?.data ?? null);
    if (!scale || !bias || !mean || !variance || scale.length !== width) return null;
    const epsilon = attrNumber(node, 'epsilon', 1e-5);
    const s = new Float64Array(width);
    const t = new Float64Array(width);
    for (let c = 0; c < width; c++) {
        s[c] = scale[c] / Math.sqrt(variance[c] + epsilon);
        t[c] = bias[c] - mean[c] * s[c];
    }
    return { scale: s, shift: t };
}
