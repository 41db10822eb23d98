/**
 * Writing small ONNX models from tests (protobufjs and ONNX's own schema, as the engine
 * reads them): the models a test needs to be wrong in one precise way (an operator inv does
 * not import, two inputs, an integer input), and the large model the benchmark loads.
 */
import protobuf from 'protobufjs/light.js';

import schema from '../../../src/engine/oracle/onnx/onnx-schema.json' with { type: 'json' };

export type Attribute = { f: number } | { i: number } | { s: string } | { floats: number[] } | { ints: number[] } | { t: TensorSpec };

export interface NodeSpec {
    op: string;
    inputs: string[];
    outputs: string[];
    name?: string;
    domain?: string;
    attributes?: Record<string, Attribute>;
}

export interface TensorSpec {
    name?: string;
    dims: number[];
    /** 'float' (default), 'int64'. */
    type?: 'float' | 'int64';
    values: ArrayLike<number>;
}

export interface ValueSpec {
    name: string;
    /** Dimensions; a string is a symbolic one ('rows'). */
    dims: Array<number | string>;
    /** TensorProto.DataType (1 float, 7 int64, 8 string). */
    elemType?: number;
}

export interface ModelSpec {
    opset?: number;
    inputs: ValueSpec[];
    outputs: ValueSpec[];
    nodes: NodeSpec[];
    initializers?: TensorSpec[];
    producer?: string;
    extraOpsets?: Array<{ domain: string; version: number }>;
}

const root = protobuf.Root.fromJSON(schema);
const ModelProto = root.lookupType('onnx.ModelProto');

function tensor(t: TensorSpec): object {
    const int = t.type === 'int64';
    const bytes = int ? new Uint8Array(new BigInt64Array(Array.from(t.values, (v) => BigInt(v))).buffer) : new Uint8Array(new Float32Array(t.values).buffer);
    return { name: t.name ?? '', dims: t.dims, data_type: int ? 7 : 1, raw_data: bytes };
}

function attribute(name: string, a: Attribute): object {
    if ('f' in a) return { name, type: 1, f: a.f };
    if ('i' in a) return { name, type: 2, i: a.i };
    if ('s' in a) return { name, type: 3, s: new TextEncoder().encode(a.s) };
    if ('t' in a) return { name, type: 4, t: tensor(a.t) };
    if ('floats' in a) return { name, type: 6, floats: a.floats };
    return { name, type: 7, ints: a.ints };
}

function valueInfo(v: ValueSpec): object {
    return {
        name: v.name,
        type: { tensor_type: { elem_type: v.elemType ?? 1, shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
    };
}

export function onnxBytes(spec: ModelSpec): Uint8Array {
    const message = ModelProto.fromObject({
        ir_version: 8,
        producer_name: spec.producer ?? 'inv tests',
        opset_import: [{ domain: '', version: spec.opset ?? 17 }, ...(spec.extraOpsets ?? [])],
        graph: {
            name: 'test',
            node: spec.nodes.map((n, i) => ({
                op_type: n.op,
                name: n.name ?? `${n.op}_${i}`,
                domain: n.domain ?? '',
                input: n.inputs,
                output: n.outputs,
                attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
            })),
            initializer: (spec.initializers ?? []).map(tensor),
            input: spec.inputs.map(valueInfo),
            output: spec.outputs.map(valueInfo),
        },
    });
    return ModelProto.encode(message).finish();
}

/** A dense MLP [inputs, ...hidden, outputs] with relu, as Gemm nodes (transB), seeded weights. */
export function mlpBytes(widths: number[], seed = 1): Uint8Array {
    let s = seed >>> 0;
    const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5);
    const nodes: NodeSpec[] = [];
    const initializers: TensorSpec[] = [];
    let current = 'x';
    for (let l = 0; l + 1 < widths.length; l++) {
        const [n, m] = [widths[l], widths[l + 1]];
        initializers.push({ name: `w${l}`, dims: [m, n], values: Float32Array.from({ length: n * m }, () => random() * Math.sqrt(6 / (n + m))) });
        initializers.push({ name: `b${l}`, dims: [m], values: Float32Array.from({ length: m }, () => random() * 0.1) });
        const out = l + 2 === widths.length ? 'y' : `h${l}`;
        const linear = l + 2 === widths.length ? out : `z${l}`;
        nodes.push({ op: 'Gemm', inputs: [current, `w${l}`, `b${l}`], outputs: [linear], attributes: { transB: { i: 1 } } });
        if (linear !== out) nodes.push({ op: 'Relu', inputs: [linear], outputs: [out] });
        current = out;
    }
    return onnxBytes({
        inputs: [{ name: 'x', dims: ['rows', widths[0]] }],
        outputs: [{ name: 'y', dims: ['rows', widths[widths.length - 1]] }],
        nodes,
        initializers,
    });
}
