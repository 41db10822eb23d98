/**
 * A Keras 3 model (config.json of a .keras archive) as the engine's operator graph: each
 * layer becomes the ONNX operators it computes (Dense: MatMul, Add, its activation), its
 * weights the constants they read. Sequential and functional models of Dense, Activation,
 * Normalization, Dropout, BatchNormalization, LayerNormalization, Concatenate and the merge
 * layers (Add, Subtract, Multiply, Average, Maximum, Minimum), plus ReLU, LeakyReLU, ELU,
 * Softmax, Rescaling, Identity and Flatten (of rows).
 *
 * Weights are found as keras.saving stores them (saving_lib.py): the layers of
 * `model.layers`, in order, under `layers/<snake_case class name>[_<n>]/vars/<i>`, each
 * layer's variables numbered in the order it created them. Without weights (the editor's
 * summary) every constant has its shape only.
 *
 * No TensorFlow.js and no HDF5 here: the language server reads models through this file.
 */
import { UnsupportedModelError, UnreadableModelError, type AttributeValue, type ConstTensor, type OpNode, type RawGraph } from '../graph/op-graph.js';
import type { KerasArchive } from './keras-archive.js';

/** The variables of a saved layer: `prefix` is e.g. `layers/dense_1`. */
export interface KerasWeights {
    variables(prefix: string): ConstTensor[] | null;
}

type Json = Record<string, unknown>;

interface LayerEntry {
    className: string;
    name: string;
    config: Json;
    /** The layers whose outputs it reads, in order. */
    inbound: string[];
    /** Where keras.saving put its variables. */
    weightsPath: string;
}

/** The opset the generated nodes follow (softmax over the last axis, Gelu, LayerNormalization). */
const OPSET = 21;

const PASS_LAYERS = new Set(['Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'SpatialDropout1D', 'Identity', 'Flatten']);
const MERGE_OPS: Record<string, string> = { Add: 'Sum', Subtract: 'Sub', Multiply: 'Mul', Average: 'Mean', Maximum: 'Max', Minimum: 'Min' };
const SUPPORTED = new Set([
    'Dense', 'Activation', 'Normalization', 'BatchNormalization', 'LayerNormalization', 'Concatenate',
    'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'Rescaling', ...PASS_LAYERS, ...Object.keys(MERGE_OPS),
]);

export function kerasGraph(archive: KerasArchive, weights: KerasWeights | null): RawGraph {
    const top = archive.config;
    if (!isObject(top) || !isObject(top.config)) throw new UnreadableModelError('its config.json does not describe a Keras model');
    const className = String(top.class_name);
    const config = top.config;
    let model: { input: { name: string; width: number }; layers: LayerEntry[]; outputs: string[] };
    if (className === 'Sequential') model = sequentialLayers(top, config);
    else if ((className === 'Functional' || className === 'Model') && Array.isArray(config.layers) && config.input_layers !== undefined) model = functionalLayers(config);
    else throw new UnsupportedModelError(`it is a ${className} model (a subclassed model, whose layers Keras does not record); inv reads Sequential and functional models`);

    const unknown = model.layers.filter((l) => !SUPPORTED.has(l.className));
    if (unknown.length > 0) {
        const list = unknown.map((l) => `"${l.name}" (${l.className})`).join(', ');
        throw new UnsupportedModelError(`${unknown.length === 1 ? 'layer' : 'layers'} ${list} ${unknown.length === 1 ? 'is' : 'are'} not supported; inv reads Dense, Activation, Normalization, Dropout, BatchNormalization, Concatenate and Add layers (the README lists all)`);
    }
    const translator = new LayerTranslator(weights);
    translator.widths.set(model.input.name, model.input.width);
    for (const layer of topological(model.layers, model.input.name)) translator.translate(layer);
    const version = archive.kerasVersion ? `Keras ${archive.kerasVersion}` : 'Keras';
    return {
        description: `${version} (${className}, ${model.layers.length} layers)`,
        input: { name: model.input.name, dims: ['batch', model.input.width], elementType: 'float' },
        nodes: translator.nodes,
        constants: translator.constants,
        outputs: model.outputs.map((name) => ({ name })),
        notes: [],
    };
}

// ---------------------------------------------------------------- model structure

function sequentialLayers(top: Json, config: Json): { input: { name: string; width: number }; layers: LayerEntry[]; outputs: string[] } {
    const raw = Array.isArray(config.layers) ? config.layers.filter(isObject) : [];
    const entries = raw.map((l) => ({ className: String(l.class_name), config: isObject(l.config) ? l.config : {}, build: l.build_config }));
    let width: number | undefined;
    let inputName = 'input';
    if (entries[0]?.className === 'InputLayer') {
        width = lastDim(entries[0].config.batch_shape ?? entries[0].config.batch_input_shape);
        inputName = String(entries[0].config.name ?? inputName);
        entries.shift();
    }
    width ??= lastDim(config.build_input_shape) ?? lastDim(isObject(top.build_config) ? top.build_config.input_shape : undefined)
        ?? lastDim(entries[0]?.config.batch_input_shape ?? entries[0]?.config.batch_shape)
        ?? lastDim(isObject(entries[0]?.build) ? (entries[0].build as Json).input_shape : undefined);
    if (width === undefined) throw new UnreadableModelError('its Sequential model records no input shape (was it built before saving?)');
    if (entries.length === 0) throw new UnreadableModelError('its Sequential model has no layers');
    const names = new WeightNames();
    let previous = inputName;
    const layers = entries.map((e) => {
        const name = String(e.config.name ?? `${e.className}_${previous}`);
        const entry: LayerEntry = { className: e.className, name, config: e.config, inbound: [previous], weightsPath: names.next(e.className) };
        previous = name;
        return entry;
    });
    return { input: { name: inputName, width }, layers, outputs: [previous] };
}

function functionalLayers(config: Json): { input: { name: string; width: number }; layers: LayerEntry[]; outputs: string[] } {
    const names = new WeightNames();
    const all = (config.layers as unknown[]).filter(isObject).map((l) => {
        const className = String(l.class_name);
        const c = isObject(l.config) ? l.config : {};
        const name = String(l.name ?? c.name);
        return { className, name, config: c, inbound: inboundOf(l, name), weightsPath: names.next(className) };
    });
    const inputs = endpoints(config.input_layers);
    if (inputs.length !== 1) throw new UnsupportedModelError(`it has ${inputs.length} inputs (${inputs.join(', ')}); inv needs one input [rows, features]`);
    const inputLayer = all.find((l) => l.name === inputs[0]);
    if (!inputLayer || inputLayer.className !== 'InputLayer') throw new UnreadableModelError(`its input layer "${inputs[0]}" is missing`);
    const width = lastDim(inputLayer.config.batch_shape ?? inputLayer.config.batch_input_shape);
    if (width === undefined) throw new UnreadableModelError(`its input layer "${inputs[0]}" records no shape`);
    const layers = all.filter((l) => l.className !== 'InputLayer');
    const others = all.filter((l) => l.className === 'InputLayer' && l.name !== inputs[0]);
    if (others.length > 0) throw new UnsupportedModelError(`it has more than one input layer (${[inputs[0], ...others.map((l) => l.name)].join(', ')}); inv needs one input [rows, features]`);
    return { input: { name: inputs[0], width }, layers, outputs: endpoints(config.output_layers) };
}

/** The layers a functional layer reads: Keras 3 `{args, kwargs}` nodes, or Keras 2's nested lists. */
function inboundOf(layer: Json, name: string): string[] {
    const nodes = Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes : [];
    if (nodes.length > 1) throw new UnsupportedModelError(`layer "${name}" is called more than once (a shared layer); inv reads layers used once`);
    if (nodes.length === 0) return [];
    const found: string[] = [];
    const visit = (v: unknown): void => {
        if (Array.isArray(v)) {
            // Keras 2: ["dense", 0, 0, {}]
            if (typeof v[0] === 'string' && typeof v[1] === 'number' && typeof v[2] === 'number') {
                history(v, name, found);
                return;
            }
            v.forEach(visit);
        } else if (isObject(v)) {
            if (v.class_name === '__keras_tensor__' && isObject(v.config) && Array.isArray(v.config.keras_history)) history(v.config.keras_history, name, found);
            else if (Array.isArray(v.args)) visit(v.args);
        }
    };
    visit(nodes[0]);
    return found;
}

function history(h: unknown[], name: string, found: string[]): void {
    if (h[1] !== 0 || h[2] !== 0) throw new UnsupportedModelError(`layer "${name}" reads a layer called more than once, or one with several outputs ("${String(h[0])}")`);
    found.push(String(h[0]));
}

/** `input_layers` / `output_layers`: one [name, 0, 0] triple or a list of them. */
function endpoints(v: unknown): string[] {
    if (!Array.isArray(v)) return [];
    if (typeof v[0] === 'string') return [v[0]];
    return v.filter((e): e is unknown[] => Array.isArray(e) && typeof e[0] === 'string').map((e) => e[0] as string);
}

function topological(layers: LayerEntry[], input: string): LayerEntry[] {
    const byName = new Map(layers.map((l) => [l.name, l]));
    const done = new Set<string>([input]);
    const order: LayerEntry[] = [];
    const visit = (l: LayerEntry, depth: number) => {
        if (done.has(l.name)) return;
        if (depth > layers.length) throw new UnreadableModelError(`its layers form a cycle through "${l.name}"`);
        for (const i of l.inbound) {
            const from = byName.get(i);
            if (!from && !done.has(i)) throw new UnreadableModelError(`layer "${l.name}" reads "${i}", which is not one of its layers`);
            if (from) visit(from, depth + 1);
        }
        done.add(l.name);
        order.push(l);
    };
    for (const l of layers) visit(l, 0);
    return order;
}

/** keras.saving's names for the layers of `model.layers`: the class in snake case, numbered on repeats. */
class WeightNames {
    private readonly used = new Map<string, number>();
    next(className: string): string {
        const base = snakeCase(className);
        const n = this.used.get(base);
        this.used.set(base, n === undefined ? 0 : n + 1);
        return `layers/${n === undefined ? base : `${base}_${n + 1}`}`;
    }
}

/** keras.src.utils.naming.to_snake_case. */
export function snakeCase(name: string): string {
    return name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

// ---------------------------------------------------------------- layers as operators

class LayerTranslator {
    readonly nodes: OpNode[] = [];
    readonly constants = new Map<string, ConstTensor>();
    readonly widths = new Map<string, number>();

    constructor(private readonly weights: KerasWeights | null) {}

    translate(layer: LayerEntry): void {
        const c = layer.config;
        const x = layer.inbound[0];
        const width = this.width(layer, x);
        const out = layer.name;
        const node = (op: string, inputs: string[], output: string, attributes: Record<string, AttributeValue> = {}) =>
            this.nodes.push({ op, name: layer.name, inputs, outputs: [output], attributes, opset: OPSET });
        let outWidth = width;
        switch (layer.className) {
            case 'Dense': {
                const units = positiveInt(c.units, layer, 'units');
                const useBias = c.use_bias !== false;
                this.checkDtype(layer);
                const vars = this.variables(layer, [[width, units], ...(useBias ? [[units]] : [])]);
                const kernel = this.constant(`${out}/kernel`, vars[0]);
                let y = `${out}/matmul`;
                node('MatMul', [x, kernel], y);
                if (useBias) {
                    const biased = `${out}/bias_add`;
                    node('Add', [y, this.constant(`${out}/bias`, vars[1])], biased);
                    y = biased;
                }
                this.activation(layer, c.activation, y, out);
                outWidth = units;
                break;
            }
            case 'Activation':
                this.activation(layer, c.activation, x, out);
                break;
            case 'ReLU': {
                const max = c.max_value === null || c.max_value === undefined ? null : Number(c.max_value);
                const slope = Number(c.negative_slope ?? 0);
                const threshold = Number(c.threshold ?? 0);
                if (threshold !== 0 || (max !== null && slope !== 0)) throw unsupportedLayer(layer, 'with a threshold, or a slope and a maximum together');
                if (max !== null) node('Clip', [x, this.scalar(`${out}/min`, 0), this.scalar(`${out}/max`, max)], out);
                else if (slope !== 0) node('LeakyRelu', [x], out, { alpha: slope });
                else node('Relu', [x], out);
                break;
            }
            case 'LeakyReLU':
                node('LeakyRelu', [x], out, { alpha: Number(c.negative_slope ?? c.alpha ?? 0.3) });
                break;
            case 'ELU':
                node('Elu', [x], out, { alpha: Number(c.alpha ?? 1) });
                break;
            case 'Softmax':
                this.lastAxis(layer, c.axis);
                node('Softmax', [x], out, { axis: -1 });
                break;
            case 'Rescaling': {
                const scaled = `${out}/scaled`;
                node('Mul', [x, this.constant(`${out}/scale`, floatList(c.scale ?? 1, width, layer, 'scale'))], scaled);
                node('Add', [scaled, this.constant(`${out}/offset`, floatList(c.offset ?? 0, width, layer, 'offset'))], out);
                break;
            }
            case 'Normalization':
                this.normalization(layer, x, out, width, node);
                break;
            case 'BatchNormalization': {
                this.lastAxis(layer, c.axis);
                if (c.renorm === true) throw unsupportedLayer(layer, 'with renorm=True');
                const scale = c.scale !== false;
                const center = c.center !== false;
                const vars = this.variables(layer, [...(scale ? [[width]] : []), ...(center ? [[width]] : []), [width], [width]]);
                let k = 0;
                const gamma = scale ? vars[k++] : filled(width, 1, this.weights !== null);
                const beta = center ? vars[k++] : filled(width, 0, this.weights !== null);
                const inputs = [x, this.constant(`${out}/gamma`, gamma), this.constant(`${out}/beta`, beta), this.constant(`${out}/moving_mean`, vars[k++]), this.constant(`${out}/moving_variance`, vars[k++])];
                node('BatchNormalization', inputs, out, { epsilon: Number(c.epsilon ?? 1e-3) });
                break;
            }
            case 'LayerNormalization': {
                this.lastAxis(layer, c.axis);
                if (c.rms_scaling === true) throw unsupportedLayer(layer, 'with rms_scaling=True');
                const scale = c.scale !== false;
                const center = c.center !== false;
                const vars = this.variables(layer, [...(scale ? [[width]] : []), ...(center ? [[width]] : [])]);
                const inputs = [x, this.constant(`${out}/gamma`, scale ? vars[0] : filled(width, 1, this.weights !== null))];
                if (center) inputs.push(this.constant(`${out}/beta`, vars[scale ? 1 : 0]));
                node('LayerNormalization', inputs, out, { axis: -1, epsilon: Number(c.epsilon ?? 1e-3) });
                break;
            }
            case 'Concatenate': {
                this.lastAxis(layer, c.axis);
                outWidth = layer.inbound.reduce((s, i) => s + this.width(layer, i), 0);
                node('Concat', layer.inbound, out, { axis: 1 });
                break;
            }
            default:
                if (PASS_LAYERS.has(layer.className)) {
                    node('Identity', [x], out);
                } else {
                    // A merge layer: every input has the same width.
                    for (const i of layer.inbound) {
                        if (this.width(layer, i) !== width) throw unsupportedLayer(layer, `merging inputs of different widths (${layer.inbound.map((j) => this.width(layer, j)).join(', ')})`);
                    }
                    node(MERGE_OPS[layer.className], layer.inbound, out);
                }
        }
        this.widths.set(out, outWidth);
    }

    private normalization(layer: LayerEntry, x: string, out: string, width: number, node: (op: string, inputs: string[], output: string) => void): void {
        const c = layer.config;
        const axis = Array.isArray(c.axis) ? c.axis : [c.axis];
        if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== 1)) throw unsupportedLayer(layer, `with axis ${JSON.stringify(c.axis)} (inv reads axis -1)`);
        let mean: ConstTensor;
        let variance: ConstTensor;
        if (c.mean !== null && c.mean !== undefined && c.variance !== null && c.variance !== undefined) {
            mean = floatList(c.mean, width, layer, 'mean');
            variance = floatList(c.variance, width, layer, 'variance');
        } else {
            const vars = this.variables(layer, [[width], [width], []]);
            [mean, variance] = [vars[0], vars[1]];
        }
        // Keras: (x - mean) / max(sqrt(variance), epsilon), epsilon = 1e-7; inverted: x * that + mean.
        const denominator: ConstTensor = variance.data
            ? { dims: [width], kind: 'float', data: Float32Array.from({ length: width }, (_, i) => Math.max(Math.sqrt(variance.data![variance.data!.length === 1 ? 0 : i]), 1e-7)) }
            : { dims: [width], kind: 'float', data: null };
        const meanName = this.constant(`${out}/mean`, mean.dims.length === 0 || mean.dims[0] !== width ? broadcastTo(mean, width) : mean);
        const denomName = this.constant(`${out}/std`, denominator);
        if (c.invert === true) {
            node('Mul', [x, denomName], `${out}/scaled`);
            node('Add', [`${out}/scaled`, meanName], out);
        } else {
            node('Sub', [x, meanName], `${out}/centred`);
            node('Div', [`${out}/centred`, denomName], out);
        }
    }

    /** A Keras activation (a name, or a serialised function) as operators from `x` to `out`. */
    private activation(layer: LayerEntry, spec: unknown, x: string, out: string): void {
        const name = activationName(spec);
        const add = (op: string, inputs: string[], output: string, attributes: Record<string, AttributeValue> = {}) =>
            this.nodes.push({ op, name: layer.name, inputs, outputs: [output], attributes, opset: OPSET });
        switch (name) {
            case 'linear': case null: add('Identity', [x], out); return;
            case 'relu': add('Relu', [x], out); return;
            case 'relu6': add('Clip', [x, this.scalar(`${out}/min`, 0), this.scalar(`${out}/max`, 6)], out); return;
            case 'leaky_relu': add('LeakyRelu', [x], out, { alpha: 0.2 }); return;
            case 'elu': add('Elu', [x], out, { alpha: 1 }); return;
            case 'selu': add('Selu', [x], out); return;
            case 'celu': add('Celu', [x], out, { alpha: 1 }); return;
            case 'sigmoid': add('Sigmoid', [x], out); return;
            case 'hard_sigmoid': add('HardSigmoid', [x], out, { alpha: 1 / 6, beta: 0.5 }); return;
            case 'tanh': add('Tanh', [x], out); return;
            case 'softplus': add('Softplus', [x], out); return;
            case 'softsign': add('Softsign', [x], out); return;
            case 'silu': case 'swish':
                add('Sigmoid', [x], `${out}/sigmoid`);
                add('Mul', [x, `${out}/sigmoid`], out);
                return;
            case 'gelu': add('Gelu', [x], out, { approximate: 'none' }); return;
            case 'mish': add('Mish', [x], out); return;
            case 'hard_silu': case 'hard_swish': add('HardSwish', [x], out); return;
            case 'exponential': add('Exp', [x], out); return;
            case 'softmax': add('Softmax', [x], out, { axis: -1 }); return;
            case 'log_softmax': add('LogSoftmax', [x], out, { axis: -1 }); return;
            default: throw unsupportedLayer(layer, `with activation ${JSON.stringify(spec)}`);
        }
    }

    private width(layer: LayerEntry, tensor: string | undefined): number {
        const w = tensor === undefined ? undefined : this.widths.get(tensor);
        if (w === undefined) throw new UnreadableModelError(`layer "${layer.name}" has no input`);
        return w;
    }

    private lastAxis(layer: LayerEntry, axis: unknown): void {
        const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis ?? -1;
        if (a !== -1 && a !== 1) throw unsupportedLayer(layer, `with axis ${JSON.stringify(axis)} (inv reads the last axis)`);
    }

    private checkDtype(layer: LayerEntry): void {
        const d = layer.config.dtype;
        const policy = isObject(d) && isObject(d.config) ? String(d.config.name ?? '') : typeof d === 'string' ? d : '';
        if (/int8|int4|float8|gptq|awq/.test(policy) || (isObject(d) && /Quantiz/.test(String(d.class_name)))) {
            throw unsupportedLayer(layer, `quantized (${policy || String((d as Json).class_name)})`);
        }
    }

    /** The layer's saved variables, checked against the shapes its config implies. */
    private variables(layer: LayerEntry, shapes: number[][]): ConstTensor[] {
        if (!this.weights) return shapes.map((dims) => ({ dims, kind: 'float', data: null }));
        const found = this.weights.variables(layer.weightsPath);
        if (!found) throw new UnreadableModelError(`its weights file has no variables for layer "${layer.name}" (${layer.weightsPath}/vars)`);
        if (found.length !== shapes.length) throw new UnreadableModelError(`its weights file has ${found.length} variables for layer "${layer.name}" where ${shapes.length} are expected`);
        found.forEach((v, i) => {
            const expected = shapes[i];
            if (v.dims.length !== expected.length || v.dims.some((d, j) => d !== expected[j])) {
                throw new UnreadableModelError(`variable ${i} of layer "${layer.name}" has shape [${v.dims.join(', ')}] where its config implies [${expected.join(', ')}]`);
            }
        });
        return found;
    }

    private constant(name: string, value: ConstTensor): string {
        this.constants.set(name, value);
        return name;
    }

    private scalar(name: string, value: number): string {
        return this.constant(name, { dims: [], kind: 'float', data: Float32Array.of(value) });
    }
}

function activationName(spec: unknown): string | null {
    if (spec === null || spec === undefined) return null;
    if (typeof spec === 'string') return spec;
    if (isObject(spec)) {
        if (typeof spec.config === 'string') return spec.config;
        if (isObject(spec.config) && typeof spec.config.name === 'string' && spec.class_name === 'function') return spec.config.name;
    }
    return '?';
}

function unsupportedLayer(layer: LayerEntry, what: string): UnsupportedModelError {
    return new UnsupportedModelError(`layer "${layer.name}" (${layer.className}) ${what} is not supported`);
}

function positiveInt(v: unknown, layer: LayerEntry, key: string): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new UnreadableModelError(`layer "${layer.name}" has ${key} ${JSON.stringify(v)}`);
    return v;
}

function lastDim(shape: unknown): number | undefined {
    if (!Array.isArray(shape) || shape.length !== 2) return undefined;
    const last = shape[1];
    return typeof last === 'number' && Number.isInteger(last) && last > 0 ? last : undefined;
}

/** A number or a list of them, per column. */
function floatList(v: unknown, width: number, layer: LayerEntry, key: string): ConstTensor {
    const values = (Array.isArray(v) ? v.flat(4) : [v]) as unknown[];
    if (!values.every((x) => typeof x === 'number') || (values.length !== 1 && values.length !== width)) {
        throw new UnreadableModelError(`layer "${layer.name}" has ${key} ${JSON.stringify(v)} for ${width} columns`);
    }
    return { dims: [values.length], kind: 'float', data: Float32Array.from(values as number[]) };
}

function broadcastTo(t: ConstTensor, width: number): ConstTensor {
    if (!t.data) return { dims: [width], kind: 'float', data: null };
    return { dims: [width], kind: 'float', data: Float32Array.from({ length: width }, (_, i) => t.data![t.data!.length === 1 ? 0 : i]) };
}

function filled(width: number, value: number, withData: boolean): ConstTensor {
    return { dims: [width], kind: 'float', data: withData ? new Float32Array(width).fill(value) : null };
}

function isObject(v: unknown): v is Json {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
