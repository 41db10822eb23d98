/**
 * An ONNX model as the engine's operator graph (op-graph.ts): its one input, its nodes with
 * their attributes, its initializers as constants, and the outputs that hold numbers.
 *
 * Exporters add outputs that are not numbers to compute with: scikit-learn classifiers
 * (skl2onnx) give a `label` tensor and, by default, a ZipMap (a list of {class: probability}
 * maps). A label output is left out (its nodes are never built); a ZipMap output is read as
 * the probability tensor the ZipMap was given, in its class order.
 *
 * No TensorFlow.js here: the language server reads models through this file.
 */
import { decodeOnnxModel, dataTypeName, tensorValue, text, toNumber, AttributeType, DataType, type OnnxModelProto, type OnnxNodeProto, type OnnxValueInfoProto } from './onnx-file.js';
import { UnsupportedModelError, type AttributeValue, type ConstTensor, type OpNode, type RawGraph, type RawGraphOutput } from '../graph/op-graph.js';

/** The opsets of the default domain inv reads (it is tested on 11 to 21). */
export const ONNX_OPSETS = { min: 7, max: 23 } as const;

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16]);

export function readOnnxGraph(bytes: Uint8Array): RawGraph {
    const model = decodeOnnxModel(bytes);
    return onnxGraph(model);
}

function onnxGraph(model: OnnxModelProto): RawGraph {
    const graph = model.graph!;
    const opsets = new Map<string, number>();
    for (const o of model.opset_import) opsets.set(o.domain === 'ai.onnx' ? '' : o.domain, toNumber(o.version));
    const opset = opsets.get('');
    if (opset === undefined) throw new UnsupportedModelError('it imports no opset of the default ONNX domain');
    if (opset < ONNX_OPSETS.min || opset > ONNX_OPSETS.max) {
        throw new UnsupportedModelError(`it uses opset ${opset}; inv reads opsets ${ONNX_OPSETS.min} to ${ONNX_OPSETS.max} (export with e.g. opset_version=17)`);
    }
    const producer = [model.producer_name, model.producer_version].filter((s) => s).join(' ');
    const description = `ONNX (${producer ? `${producer}, ` : ''}opset ${opset})`;

    const constants = new Map<string, ConstTensor>();
    for (const init of graph.initializer) constants.set(init.name, tensorValue(init, `its initializer "${init.name}"`));
    if (graph.sparse_initializer.length > 0) throw new UnsupportedModelError('it has sparse initializers, which inv does not read');

    const inputs = graph.input.filter((i) => !constants.has(i.name));
    if (inputs.length !== 1) {
        throw new UnsupportedModelError(`it has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}"`).join(', ') || 'none'}); inv needs one input [rows, features]`);
    }
    const input = inputs[0];
    const inputType = input.type?.tensor_type;
    if (!inputType) throw new UnsupportedModelError(`its input "${input.name}" is not a tensor; inv needs one float input [rows, features]`);
    if (!FLOAT_TYPES.has(inputType.elem_type)) {
        throw new UnsupportedModelError(`its input "${input.name}" is a tensor of ${dataTypeName(inputType.elem_type)}; inv needs a float input [rows, features]`);
    }
    const dims = (inputType.shape?.dim ?? []).map((d) => (d.dim_param ? d.dim_param : d.dim_value === undefined || d.dim_value === null ? '?' : toNumber(d.dim_value)));

    const nodes = graph.node.map((n, i) => opNode(n, i, opsets));
    const producers = new Map<string, OpNode>();
    for (const n of nodes) for (const o of n.outputs) producers.set(o, n);

    const notes: string[] = [];
    const outputs: RawGraphOutput[] = [];
    for (const out of graph.output) {
        const kept = numericOutput(out, producers, notes);
        if (kept) outputs.push(kept);
    }
    if (outputs.length === 0) {
        throw new UnsupportedModelError(`none of its outputs (${graph.output.map((o) => `"${o.name}"`).join(', ')}) is a float tensor [rows, outputs]`);
    }
    return {
        description,
        input: { name: input.name, dims, elementType: dataTypeName(inputType.elem_type) },
        nodes,
        constants,
        outputs,
        notes,
    };
}

/** A graph output to compute, or null (with a note) for one that holds no numbers. */
function numericOutput(out: OnnxValueInfoProto, producers: Map<string, OpNode>, notes: string[]): RawGraphOutput | null {
    const type = out.type;
    const tensor = type?.tensor_type;
    if (tensor) {
        if (FLOAT_TYPES.has(tensor.elem_type) || tensor.elem_type === 0) return { name: out.name };
        notes.push(`output "${out.name}" (${dataTypeName(tensor.elem_type)}, e.g. class labels) is not used`);
        return null;
    }
    const producer = producers.get(out.name);
    if (producer?.op === 'ai.onnx.ml.ZipMap' && producer.inputs[0]) {
        notes.push(`output "${out.name}" (a ZipMap of class probabilities) is read as the probability tensor "${producer.inputs[0]}"`);
        return { name: producer.inputs[0], probabilities: true };
    }
    if (!type) return { name: out.name };
    notes.push(`output "${out.name}" is not a tensor and is not used`);
    return null;
}

function opNode(n: OnnxNodeProto, index: number, opsets: Map<string, number>): OpNode {
    const domain = n.domain === 'ai.onnx' ? '' : n.domain;
    const name = n.name || `#${index} ${n.op_type}`;
    const attributes: Record<string, AttributeValue> = {};
    for (const a of n.attribute) {
        const value = attributeValue(a.type, a, `attribute ${a.name} of node "${name}"`);
        if (value !== undefined) attributes[a.name] = value;
    }
    return {
        op: domain ? `${domain}.${n.op_type}` : n.op_type,
        name,
        inputs: [...n.input],
        outputs: [...n.output],
        attributes,
        opset: opsets.get(domain) ?? 0,
    };
}

function attributeValue(type: number, a: OnnxNodeProto['attribute'][number], where: string): AttributeValue | undefined {
    switch (type) {
        case AttributeType.FLOAT: return a.f;
        case AttributeType.INT: return toNumber(a.i);
        case AttributeType.STRING: return text(a.s);
        case AttributeType.TENSOR: return a.t ? tensorValue(a.t, where) : undefined;
        case AttributeType.FLOATS: return [...a.floats];
        case AttributeType.INTS: return a.ints.map(toNumber);
        case AttributeType.STRINGS: return a.strings.map(text);
        // Subgraphs (If, Loop, Scan) and the rest: their operators are reported as unsupported.
        default: return undefined;
    }
}
