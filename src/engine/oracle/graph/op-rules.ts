/**
 * The operators inv imports, as ONNX defines them (opsets 7 to 23): for each, which inputs
 * must be known when the model is read (a Reshape's shape, a Gather's indices), the shapes
 * of its outputs, and — for the shape arithmetic and weight folding exporters write — its
 * value when every input is a constant. op-kernels.ts has the same operators as TF.js
 * operations; the type `OperatorName` keeps the two tables in step.
 *
 * Every tensor computed from the model's input keeps the rows as its first dimension
 * ([batch, ...]); an operator that would mix rows with columns is not supported.
 *
 * No TensorFlow.js here: the language server reads models through this file.
 */
import {
    concatConst, constData, constValues, elementwise, gatherConst, reshaped, sliceConst, transposeConst,
} from './const-eval.js';
import {
    BATCH, UnsupportedModelError, elementCount, intConst, nodeLabel, type AttributeValue, type ConstTensor, type Dim, type OpNode,
} from './op-graph.js';

export interface RuleContext {
    node: OpNode;
    /** Shapes of the inputs; null for an optional input left out. */
    shapes: Array<Dim[] | null>;
    /** Values of the inputs that are constants. */
    values: Array<ConstTensor | null>;
    /** Whether each input is computed from the model's input (not a constant). */
    computed: boolean[];
    /** The batch size the model was exported with, when its input declares a fixed one. */
    exportedBatch: number | null;
}

export interface OpRule {
    /** Inputs whose values must be known when the model is read. */
    constInputs?(node: OpNode): number[];
    /** Outputs past this many must not be used (a BatchNormalization's running statistics). */
    usableOutputs?: number;
    /** Output shapes; an UnsupportedModelError says what does not fit. */
    shapes(c: RuleContext): Dim[][];
    /** Output values when every input is constant (absent: the engine computes them once with TF.js). */
    fold?(c: RuleContext): ConstTensor[];
    /** Shape computes its value from shapes alone, even for a computed input. */
    foldsComputed?: boolean;
}

// ---------------------------------------------------------------- attributes

export function attrNumber(node: OpNode, name: string, fallback: number): number {
    const v = node.attributes[name];
    return typeof v === 'number' ? v : fallback;
}

export function attrString(node: OpNode, name: string, fallback: string): string {
    const v = node.attributes[name];
    return typeof v === 'string' ? v : fallback;
}

export function attrNumbers(node: OpNode, name: string): number[] | undefined {
    const v: AttributeValue | undefined = node.attributes[name];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
    if (typeof v === 'number') return [v];
    return undefined;
}

// ---------------------------------------------------------------- shapes

function unsupported(node: OpNode, what: string): UnsupportedModelError {
    return new UnsupportedModelError(`${nodeLabel(node)} ${what}`);
}

export function formatShape(dims: Dim[]): string {
    return `[${dims.map((d) => (d === BATCH ? 'rows' : String(d))).join(', ')}]`;
}

function input(c: RuleContext, i: number): Dim[] {
    const s = c.shapes[i];
    if (!s) throw unsupported(c.node, `needs input ${i + 1}`);
    return s;
}

function value(c: RuleContext, i: number): ConstTensor {
    const v = c.values[i];
    if (!v) throw unsupported(c.node, `needs input ${i + 1} to be a constant`);
    return v;
}

function broadcastDims(node: OpNode, shapes: Dim[][]): Dim[] {
    let out: Dim[] = [];
    for (const s of shapes) {
        const rank = Math.max(out.length, s.length);
        const next: Dim[] = [];
        for (let i = 0; i < rank; i++) {
            const a = out[out.length - rank + i] ?? 1;
            const b = s[s.length - rank + i] ?? 1;
            if (a === b || b === 1) next.push(a);
            else if (a === 1) next.push(b);
            else throw unsupported(node, `cannot broadcast shapes ${shapes.map(formatShape).join(' and ')}`);
        }
        out = next;
    }
    return out;
}

function normaliseAxis(node: OpNode, axis: number, rank: number): number {
    const a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) throw unsupported(node, `has axis ${axis} outside a tensor of rank ${rank}`);
    return a;
}

function staticProduct(dims: Dim[]): number {
    return dims.reduce<number>((p, d) => (d === BATCH ? p : p * d), 1);
}

/** Axes of Squeeze/Unsqueeze/Reduce*: an attribute before `inputFrom`, the second input from it. */
function axesOf(c: RuleContext, inputFrom: number): number[] | undefined {
    if (c.node.opset >= inputFrom) {
        const v = c.values[1];
        return v ? constValues(v, nodeLabel(c.node)) : undefined;
    }
    return attrNumbers(c.node, 'axes');
}

// ---------------------------------------------------------------- rule makers

const same: OpRule['shapes'] = (c) => [input(c, 0)];

function unary(f?: (x: number, node: OpNode) => number): OpRule {
    return { shapes: same, fold: f && ((c) => [elementwise([value(c, 0)], (x) => f(x, c.node), nodeLabel(c.node))]) };
}

function variadic(f?: (a: number, b: number, node: OpNode) => number): OpRule {
    return {
        shapes: (c) => [broadcastDims(c.node, c.shapes.filter((s): s is Dim[] => s !== null))],
        fold: f && ((c) => {
            const vs = c.values.filter((v): v is ConstTensor => v !== null);
            let acc = vs[0];
            for (const v of vs.slice(1)) acc = elementwise([acc, v], (a, b) => f(a, b, c.node), nodeLabel(c.node));
            return [acc];
        }),
    };
}

function sigmoid(x: number): number {
    return 1 / (1 + Math.exp(-x));
}

/** The softmax axis, resolved: before opset 13 the input is read as 2-D around `axis` (default 1). */
export function softmaxAxis(node: OpNode, rank: number): number {
    return normaliseAxis(node, attrNumber(node, 'axis', node.opset < 13 ? 1 : -1), rank);
}

const softmaxRule: OpRule = {
    shapes: (c) => {
        const s = input(c, 0);
        const axis = softmaxAxis(c.node, s.length);
        if (axis === 0 && c.computed[0]) throw unsupported(c.node, 'normalises over the rows (axis 0)');
        return [s];
    },
};

// ---------------------------------------------------------------- linear algebra

function gemmShapes(c: RuleContext): Dim[][] {
    const a = input(c, 0);
    const b = input(c, 1);
    if (a.length !== 2 || b.length !== 2) throw unsupported(c.node, `needs 2-D inputs, not ${formatShape(a)} and ${formatShape(b)}`);
    const [m, k] = attrNumber(c.node, 'transA', 0) ? [a[1], a[0]] : [a[0], a[1]];
    const [kb, n] = attrNumber(c.node, 'transB', 0) ? [b[1], b[0]] : [b[0], b[1]];
    if (k !== kb) throw unsupported(c.node, `multiplies ${formatShape(a)} by ${formatShape(b)}: the inner sizes differ`);
    const out: Dim[] = [m, n];
    const cShape = c.shapes[2];
    if (cShape) broadcastDims(c.node, [out, cShape]);
    return [out];
}

function matMulShapes(c: RuleContext): Dim[][] {
    let a = input(c, 0);
    let b = input(c, 1);
    const aVector = a.length === 1;
    const bVector = b.length === 1;
    if (aVector) a = [1, a[0]];
    if (bVector) b = [b[0], 1];
    if (a[a.length - 1] !== b[b.length - 2]) throw unsupported(c.node, `multiplies ${formatShape(input(c, 0))} by ${formatShape(input(c, 1))}: the inner sizes differ`);
    const batch = broadcastDims(c.node, [a.slice(0, -2), b.slice(0, -2)]);
    const out: Dim[] = [...batch, a[a.length - 2], b[b.length - 1]];
    if (bVector) out.splice(out.length - 1, 1);
    if (aVector) out.splice(out.length - (bVector ? 1 : 2), 1);
    return [out];
}

// ---------------------------------------------------------------- shape operators

/** A Reshape's target with -1, 0 and the batch resolved against the input's shape. */
export function reshapeTarget(c: RuleContext): Dim[] {
    const inShape = input(c, 0);
    const target = constValues(value(c, 1), nodeLabel(c.node));
    const allowZero = attrNumber(c.node, 'allowzero', 0) === 1;
    const out: Dim[] = target.map((v, i) => {
        if (Number.isNaN(v)) return BATCH;
        if (v === 0 && !allowZero) {
            if (i >= inShape.length) throw unsupported(c.node, `copies dimension ${i} of a tensor of rank ${inShape.length}`);
            return inShape[i];
        }
        return v;
    });
    const rows = inShape.includes(BATCH);
    // A model exported with a fixed batch size may reshape to that size: it means the rows.
    if (rows && c.exportedBatch !== null && out[0] === c.exportedBatch && !out.includes(BATCH)) out[0] = BATCH;
    const staticIn = staticProduct(inShape);
    const infer = out.indexOf(-1);
    if (out.indexOf(-1, infer + 1) >= 0) throw unsupported(c.node, 'has more than one -1 in its shape');
    if (rows && !out.includes(BATCH)) {
        if (infer !== 0) throw unsupported(c.node, `reshapes ${formatShape(inShape)} to [${target.join(', ')}], which does not keep one row per input row`);
        out[0] = BATCH;
        const rest = staticProduct(out.slice(1));
        if (rest !== staticIn) throw unsupported(c.node, `reshapes ${formatShape(inShape)} to [${target.join(', ')}], which does not keep one row per input row`);
    } else if (infer >= 0) {
        const known = staticProduct(out.filter((_, i) => i !== infer));
        if (known === 0 || staticIn % known !== 0) throw unsupported(c.node, `cannot reshape ${formatShape(inShape)} to [${target.join(', ')}]`);
        out[infer] = staticIn / known;
    }
    if (staticProduct(out) !== staticIn || out.filter((d) => d === BATCH).length !== (rows ? 1 : 0)) {
        throw unsupported(c.node, `cannot reshape ${formatShape(inShape)} to [${target.join(', ')}]`);
    }
    return out;
}

function flattenShape(c: RuleContext): Dim[] {
    const s = input(c, 0);
    const rank = s.length;
    const raw = attrNumber(c.node, 'axis', 1);
    const axis = raw < 0 ? raw + rank : raw;
    if (axis < 0 || axis > rank) throw unsupported(c.node, `has axis ${raw} outside a tensor of rank ${rank}`);
    const head = s.slice(0, axis);
    const tail = s.slice(axis);
    const first: Dim = head.includes(BATCH) ? (staticProduct(head) === 1 ? BATCH : -1) : staticProduct(head);
    if (tail.includes(BATCH) || first === -1) throw unsupported(c.node, `flattens ${formatShape(s)} at axis ${raw}, which does not keep one row per input row`);
    return [first, staticProduct(tail)];
}

function squeezeShape(c: RuleContext): Dim[] {
    const s = input(c, 0);
    const axes = axesOf(c, 13);
    if (axes === undefined) return s.filter((d) => d !== 1);
    const drop = new Set(axes.map((a) => normaliseAxis(c.node, a, s.length)));
    for (const a of drop) if (s[a] !== 1) throw unsupported(c.node, `squeezes axis ${a} of ${formatShape(s)}, which is not of size 1`);
    return s.filter((_, i) => !drop.has(i));
}

function unsqueezeShape(c: RuleContext): Dim[] {
    const s = input(c, 0);
    const axes = axesOf(c, 13);
    if (axes === undefined) throw unsupported(c.node, 'has no axes');
    const rank = s.length + axes.length;
    const at = new Set(axes.map((a) => normaliseAxis(c.node, a, rank)));
    const out: Dim[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : s[j++]);
    return out;
}

function concatShape(c: RuleContext): Dim[] {
    const shapes = c.shapes.filter((s): s is Dim[] => s !== null);
    const rank = shapes[0].length;
    const axis = normaliseAxis(c.node, attrNumber(c.node, 'axis', 0), rank);
    let total = 0;
    for (const s of shapes) {
        if (s.length !== rank || s.some((d, i) => i !== axis && d !== shapes[0][i])) {
            throw unsupported(c.node, `joins tensors of shapes ${shapes.map(formatShape).join(', ')}, which differ outside axis ${axis}`);
        }
        if (s[axis] === BATCH) throw unsupported(c.node, 'joins along the rows (axis 0)');
        total += s[axis] as number;
    }
    const out = [...shapes[0]];
    out[axis] = total;
    return out;
}

/** A Gather's axis and its indices made non-negative. */
export function gatherIndices(c: RuleContext): { axis: number; indices: number[]; indexDims: number[] } {
    const data = input(c, 0);
    const axis = normaliseAxis(c.node, attrNumber(c.node, 'axis', 0), data.length);
    const size = data[axis];
    if (size === BATCH) throw unsupported(c.node, 'picks rows (axis 0) of a computed tensor');
    const idx = value(c, 1);
    const indices = constValues(idx, nodeLabel(c.node)).map((i) => {
        const j = i < 0 ? i + size : i;
        if (!Number.isInteger(j) || j < 0 || j >= size) throw unsupported(c.node, `has index ${i} outside a dimension of ${size}`);
        return j;
    });
    return { axis, indices, indexDims: idx.dims };
}

export interface SliceRange {
    start: number;
    step: number;
    count: number;
}

const INT_MAX = 2 ** 31 - 1;

/** Per axis of the input, the elements a Slice keeps (the rows' axis: all of them). */
export function sliceRanges(c: RuleContext): SliceRange[] {
    const s = input(c, 0);
    const where = nodeLabel(c.node);
    let starts: number[]; let ends: number[]; let axes: number[] | undefined; let steps: number[] | undefined;
    if (c.node.opset < 10) {
        starts = attrNumbers(c.node, 'starts') ?? [];
        ends = attrNumbers(c.node, 'ends') ?? [];
        axes = attrNumbers(c.node, 'axes');
    } else {
        starts = constValues(value(c, 1), where);
        ends = constValues(value(c, 2), where);
        axes = c.values[3] ? constValues(c.values[3], where) : undefined;
        steps = c.values[4] ? constValues(c.values[4], where) : undefined;
    }
    axes ??= starts.map((_, i) => i);
    const ranges: SliceRange[] = s.map((d) => ({ start: 0, step: 1, count: d === BATCH ? -1 : d }));
    axes.forEach((raw, i) => {
        const axis = normaliseAxis(c.node, raw, s.length);
        const step = steps?.[i] ?? 1;
        if (step === 0) throw unsupported(c.node, 'has a step of 0');
        const dim = s[axis];
        if (dim === BATCH) {
            if (starts[i] === 0 && step === 1 && ends[i] >= INT_MAX) return;
            throw unsupported(c.node, 'slices the rows (axis 0) of a computed tensor');
        }
        const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
        let start = starts[i] < 0 ? starts[i] + dim : starts[i];
        let end = ends[i] < 0 ? ends[i] + dim : ends[i];
        if (step > 0) { start = clamp(start, 0, dim); end = clamp(end, 0, dim); }
        else { start = clamp(start, 0, dim - 1); end = clamp(end, -1, dim - 1); }
        const count = step > 0 ? Math.max(0, Math.ceil((end - start) / step)) : Math.max(0, Math.ceil((start - end) / -step));
        ranges[axis] = { start, step, count };
    });
    return ranges;
}

function transposePerm(c: RuleContext): number[] {
    const rank = input(c, 0).length;
    const perm = attrNumbers(c.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    if (perm.length !== rank || new Set(perm).size !== rank || perm.some((p) => p < 0 || p >= rank)) throw unsupported(c.node, `has perm [${perm.join(', ')}], not a permutation of ${rank} axes`);
    return perm;
}

/** A Constant node's value. */
function constantValue(node: OpNode): ConstTensor {
    const a = node.attributes;
    const v = a.value;
    if (v !== undefined && typeof v === 'object' && !Array.isArray(v)) return v;
    if (typeof a.value_float === 'number') return { dims: [], kind: 'float', data: Float32Array.of(a.value_float) };
    if (Array.isArray(a.value_floats)) return { dims: [a.value_floats.length], kind: 'float', data: Float32Array.from(a.value_floats as number[]) };
    if (typeof a.value_int === 'number') return intConst([], [a.value_int]);
    if (Array.isArray(a.value_ints)) return intConst([a.value_ints.length], a.value_ints as number[]);
    if (a.value_string !== undefined || a.value_strings !== undefined) return { dims: [], kind: 'string', data: null };
    throw unsupported(node, 'has no value inv can read (sparse constants are not read)');
}

/** Cast targets: TensorProto.DataType values. */
const FLOAT_CASTS = new Set([1, 10, 11, 16]);
const BOOL_CAST = 9;

/** Reduce*: the axes (all but the rows), and whether they are kept. */
export function reduceAxes(c: RuleContext): { axes: number[]; keep: boolean } {
    const s = input(c, 0);
    // ReduceSum takes its axes as an input from opset 13, the others from opset 18.
    const raw = axesOf(c, c.node.op === 'ReduceSum' ? 13 : 18);
    const noopWhenEmpty = attrNumber(c.node, 'noop_with_empty_axes', 0) === 1;
    const axes = raw === undefined || raw.length === 0
        ? (noopWhenEmpty ? [] : s.map((_, i) => i))
        : [...new Set(raw.map((a) => normaliseAxis(c.node, a, s.length)))].sort((a, b) => a - b);
    if (c.computed[0] && axes.includes(0)) throw unsupported(c.node, 'reduces over the rows (axis 0)');
    return { axes, keep: attrNumber(c.node, 'keepdims', 1) === 1 };
}

function reduceShape(c: RuleContext): Dim[] {
    const s = input(c, 0);
    const { axes, keep } = reduceAxes(c);
    return keep ? s.map((d, i) => (axes.includes(i) ? 1 : d)) : s.filter((_, i) => !axes.includes(i));
}

// ---------------------------------------------------------------- the table

export const OPERATOR_RULES = {
    // elementwise, one input
    Identity: { shapes: same, fold: (c) => [value(c, 0)] },
    Neg: unary((x) => -x),
    Abs: unary(Math.abs),
    Sqrt: unary(Math.sqrt),
    Reciprocal: unary((x) => 1 / x),
    Exp: unary(Math.exp),
    Log: unary(Math.log),
    Relu: unary((x) => Math.max(0, x)),
    Sigmoid: unary(sigmoid),
    Tanh: unary(Math.tanh),
    LeakyRelu: unary(),
    Elu: unary(),
    Selu: unary(),
    Celu: unary(),
    HardSigmoid: unary(),
    HardSwish: unary(),
    Softplus: unary(),
    Softsign: unary((x) => x / (1 + Math.abs(x))),
    Mish: unary(),
    Erf: unary(),
    Gelu: {
        shapes: (c) => {
            const approximate = attrString(c.node, 'approximate', 'none');
            if (approximate !== 'none' && approximate !== 'tanh') throw unsupported(c.node, `has approximate="${approximate}" (none or tanh)`);
            return [input(c, 0)];
        },
    },
    Clip: {
        constInputs: (n) => (n.opset >= 11 ? [1, 2] : []),
        shapes: same,
        fold: (c) => {
            const { lo, hi } = clipBounds(c);
            return [elementwise([value(c, 0)], (x) => Math.min(Math.max(x, lo), hi), nodeLabel(c.node))];
        },
    },
    Softmax: softmaxRule,
    LogSoftmax: softmaxRule,
    Dropout: {
        constInputs: (n) => [1, 2].filter((i) => (n.inputs[i] ?? '') !== ''),
        usableOutputs: 1,
        shapes: (c) => {
            const training = c.values[2];
            if (training && constValues(training, nodeLabel(c.node)).some((v) => v !== 0)) throw unsupported(c.node, 'runs in training mode');
            if (attrNumber(c.node, 'is_test', 1) === 0 && c.node.opset < 7) throw unsupported(c.node, 'runs in training mode');
            return [input(c, 0), input(c, 0)];
        },
        fold: (c) => [value(c, 0)],
    },
    Cast: {
        shapes: (c) => {
            const to = attrNumber(c.node, 'to', 1);
            if (c.computed[0] && !FLOAT_CASTS.has(to)) throw unsupported(c.node, 'casts computed values to a type that is not float');
            return [input(c, 0)];
        },
        fold: (c) => {
            const to = attrNumber(c.node, 'to', 1);
            const v = value(c, 0);
            if (FLOAT_CASTS.has(to)) return [elementwise([v], (x) => x, nodeLabel(c.node), 'float')];
            if (to === BOOL_CAST) return [elementwise([v], (x) => (x !== 0 ? 1 : 0), nodeLabel(c.node), 'bool')];
            return [elementwise([v], (x) => (Number.isNaN(x) ? x : Math.trunc(x)), nodeLabel(c.node), 'int')];
        },
    },
    'ai.onnx.ml.Scaler': {
        shapes: (c) => {
            const s = input(c, 0);
            const width = s[s.length - 1];
            for (const key of ['offset', 'scale']) {
                const v = attrNumbers(c.node, key);
                if (v && v.length !== 1 && v.length !== width) throw unsupported(c.node, `has ${v.length} ${key} values for ${String(width)} columns`);
            }
            return [s];
        },
    },
    // elementwise, broadcast
    Add: variadic((a, b) => a + b),
    Sub: variadic((a, b) => a - b),
    Mul: variadic((a, b) => a * b),
    Div: {
        ...variadic(),
        // Integer division truncates (shape arithmetic); float division is float division.
        fold: (c) => [elementwise([value(c, 0), value(c, 1)], (a, b) => (c.values.every((v) => v!.kind !== 'float') ? Math.trunc(a / b) : a / b), nodeLabel(c.node))],
    },
    Pow: variadic((a, b) => a ** b),
    Max: variadic((a, b) => Math.max(a, b)),
    Min: variadic((a, b) => Math.min(a, b)),
    Sum: variadic((a, b) => a + b),
    Mean: variadic(),
    PRelu: variadic(),
    // linear algebra and normalisation
    Gemm: { shapes: gemmShapes },
    MatMul: { shapes: matMulShapes },
    BatchNormalization: {
        constInputs: () => [1, 2, 3, 4],
        usableOutputs: 1,
        shapes: (c) => {
            const s = input(c, 0);
            if (s.length < 2 || s[1] === BATCH) throw unsupported(c.node, `normalises a tensor of shape ${formatShape(s)}`);
            if (attrNumber(c.node, 'training_mode', 0) !== 0) throw unsupported(c.node, 'runs in training mode');
            if (c.node.opset < 9 && attrNumber(c.node, 'spatial', 1) !== 1) throw unsupported(c.node, 'has spatial=0');
            for (let i = 1; i <= 4; i++) {
                const n = elementCount(value(c, i).dims);
                if (n !== s[1]) throw unsupported(c.node, `has ${n} values in input ${i + 1} for ${s[1]} channels`);
            }
            return [s];
        },
    },
    LayerNormalization: {
        constInputs: (n) => [1, 2].filter((i) => (n.inputs[i] ?? '') !== ''),
        usableOutputs: 1,
        shapes: (c) => {
            const s = input(c, 0);
            const axis = normaliseAxis(c.node, attrNumber(c.node, 'axis', -1), s.length);
            if (axis === 0) throw unsupported(c.node, 'normalises over the rows (axis 0)');
            return [s];
        },
    },
    ReduceMean: { constInputs: (n) => (n.opset >= 18 && (n.inputs[1] ?? '') !== '' ? [1] : []), shapes: (c) => [reduceShape(c)] },
    ReduceSum: { constInputs: (n) => (n.opset >= 13 && (n.inputs[1] ?? '') !== '' ? [1] : []), shapes: (c) => [reduceShape(c)] },
    // shapes and constants
    Constant: { shapes: (c) => [constantValue(c.node).dims], fold: (c) => [constantValue(c.node)] },
    // zeros_like(x) in PyTorch: a shape that holds the rows gives one row, broadcast over them.
    ConstantOfShape: {
        constInputs: () => [0],
        shapes: (c) => [constOfShapeDims(c)],
        fold: (c) => {
            const v = c.node.attributes.value;
            const fill = v !== undefined && typeof v === 'object' && !Array.isArray(v) && v.data && v.data.length > 0 ? v.data[0] : 0;
            const kind = v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v.kind : 'float';
            const dims = constOfShapeDims(c);
            const data = kind === 'float' ? new Float32Array(elementCount(dims)).fill(fill) : new Float64Array(elementCount(dims)).fill(fill);
            return [{ dims, kind, data }];
        },
    },
    Shape: {
        foldsComputed: true,
        shapes: (c) => [[shapeOfShape(c).length]],
        fold: (c) => {
            const dims = shapeOfShape(c);
            return [intConst([dims.length], dims.map((d) => (d === BATCH ? NaN : d)))];
        },
    },
    Flatten: {
        shapes: (c) => [flattenShape(c)],
        fold: (c) => [reshaped(value(c, 0), flattenShape(c) as number[])],
    },
    Reshape: {
        constInputs: () => [1],
        shapes: (c) => [reshapeTarget(c)],
        fold: (c) => [reshaped(value(c, 0), reshapeTarget(c) as number[])],
    },
    Squeeze: {
        constInputs: (n) => (n.opset >= 13 && (n.inputs[1] ?? '') !== '' ? [1] : []),
        shapes: (c) => [squeezeShape(c)],
        fold: (c) => [reshaped(value(c, 0), squeezeShape(c) as number[])],
    },
    Unsqueeze: {
        constInputs: (n) => (n.opset >= 13 ? [1] : []),
        shapes: (c) => [unsqueezeShape(c)],
        fold: (c) => [reshaped(value(c, 0), unsqueezeShape(c) as number[])],
    },
    Concat: {
        shapes: (c) => [concatShape(c)],
        fold: (c) => [concatConst(c.values.filter((v): v is ConstTensor => v !== null), normaliseAxis(c.node, attrNumber(c.node, 'axis', 0), input(c, 0).length), nodeLabel(c.node))],
    },
    Gather: {
        constInputs: () => [1],
        shapes: (c) => {
            const data = input(c, 0);
            const { axis, indexDims } = gatherIndices(c);
            return [[...data.slice(0, axis), ...indexDims, ...data.slice(axis + 1)]];
        },
        fold: (c) => {
            const { axis, indices, indexDims } = gatherIndices(c);
            return [gatherConst(value(c, 0), axis, indices, indexDims, nodeLabel(c.node))];
        },
    },
    Slice: {
        constInputs: (n) => (n.opset >= 10 ? [1, 2, 3, 4].filter((i) => (n.inputs[i] ?? '') !== '') : []),
        shapes: (c) => [sliceRanges(c).map((r, i) => (r.count < 0 ? input(c, 0)[i] : r.count))],
        fold: (c) => [sliceConst(value(c, 0), sliceRanges(c), nodeLabel(c.node))],
    },
    Transpose: {
        shapes: (c) => {
            const s = input(c, 0);
            return [transposePerm(c).map((p) => s[p])];
        },
        fold: (c) => [transposeConst(value(c, 0), transposePerm(c), nodeLabel(c.node))],
    },
} satisfies Record<string, OpRule>;

export type OperatorName = keyof typeof OPERATOR_RULES;

export function isSupportedOperator(op: string): op is OperatorName {
    return Object.prototype.hasOwnProperty.call(OPERATOR_RULES, op);
}

export function ruleOf(op: OperatorName): OpRule {
    return OPERATOR_RULES[op];
}

/** The bounds of a Clip: attributes before opset 11, optional constant inputs from it. */
export function clipBounds(c: RuleContext): { lo: number; hi: number } {
    if (c.node.opset < 11) return { lo: attrNumber(c.node, 'min', -Infinity), hi: attrNumber(c.node, 'max', Infinity) };
    const read = (i: number, fallback: number) => {
        const v = c.values[i];
        if (!v) return fallback;
        const values = constData(v, nodeLabel(c.node));
        return values.length > 0 ? values[0] : fallback;
    };
    return { lo: read(1, -Infinity), hi: read(2, Infinity) };
}

function constOfShapeDims(c: RuleContext): number[] {
    return constValues(value(c, 0), nodeLabel(c.node)).map((d) => (Number.isNaN(d) ? 1 : d));
}

function shapeOfShape(c: RuleContext): Dim[] {
    const s = input(c, 0);
    const rank = s.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
    return s.slice(clamp(attrNumber(c.node, 'start', 0)), clamp(attrNumber(c.node, 'end', rank)));
}
