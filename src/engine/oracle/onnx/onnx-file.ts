/**
 * Reading an .onnx file: the protobuf message, decoded with protobufjs and ONNX's own schema
 * (onnx-schema.json, generated from the official onnx.proto by schema/make-onnx-schema.mjs),
 * and its tensors as plain typed arrays. Only the parts of the schema the importer reads are
 * typed here; protobufjs skips what it does not know, so files from newer ONNX versions read.
 *
 * No TensorFlow.js here: the language server reads models through this file.
 */
import protobuf from 'protobufjs/light.js';

import schema from './onnx-schema.json' with { type: 'json' };
import { UnreadableModelError, UnsupportedModelError, type ConstKind, type ConstTensor } from '../graph/op-graph.js';

/** An int64 as protobufjs gives it: a number, or a Long when `long` is installed. */
type Int64 = number | { toNumber(): number };

export interface OnnxTensorProto {
    dims: Int64[];
    data_type: number;
    float_data: number[];
    int32_data: number[];
    int64_data: Int64[];
    double_data: number[];
    uint64_data: Int64[];
    string_data: Uint8Array[];
    raw_data: Uint8Array;
    name: string;
    data_location: number;
}

export interface OnnxAttributeProto {
    name: string;
    type: number;
    f: number;
    i: Int64;
    s: Uint8Array;
    t: OnnxTensorProto | null;
    floats: number[];
    ints: Int64[];
    strings: Uint8Array[];
    g: unknown;
}

export interface OnnxNodeProto {
    input: string[];
    output: string[];
    name: string;
    op_type: string;
    domain: string;
    attribute: OnnxAttributeProto[];
}

export interface OnnxDimension {
    dim_value?: Int64;
    dim_param?: string;
}

export interface OnnxTypeProto {
    tensor_type?: { elem_type: number; shape?: { dim: OnnxDimension[] } | null } | null;
    sequence_type?: unknown;
    map_type?: unknown;
}

export interface OnnxValueInfoProto {
    name: string;
    type: OnnxTypeProto | null;
}

export interface OnnxGraphProto {
    node: OnnxNodeProto[];
    name: string;
    initializer: OnnxTensorProto[];
    sparse_initializer: unknown[];
    input: OnnxValueInfoProto[];
    output: OnnxValueInfoProto[];
}

export interface OnnxModelProto {
    ir_version: Int64;
    opset_import: Array<{ domain: string; version: Int64 }>;
    producer_name: string;
    producer_version: string;
    graph: OnnxGraphProto | null;
    functions: unknown[];
}

export const enum AttributeType {
    FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7, STRINGS = 8,
}

/** TensorProto.DataType values the importer reads. */
export const DataType = {
    FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
    FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16,
} as const;

const DATA_TYPE_NAMES: Record<number, string> = {
    1: 'float', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
    10: 'float16', 11: 'double', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
};

export function dataTypeName(type: number): string {
    return DATA_TYPE_NAMES[type] ?? `type ${type}`;
}

let modelType: protobuf.Type | null = null;

/** Decodes the bytes of an .onnx file; a file that is not one is an UnreadableModelError. */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModelProto {
    modelType ??= protobuf.Root.fromJSON(schema).lookupType('onnx.ModelProto');
    let model: OnnxModelProto;
    try {
        model = modelType.decode(bytes) as unknown as OnnxModelProto;
    } catch (e) {
        throw new UnreadableModelError(`it is not a valid ONNX file (truncated or corrupt: ${(e as Error).message})`);
    }
    if (!model.graph || toNumber(model.ir_version) <= 0) {
        throw new UnreadableModelError(model.graph ? 'it is not an ONNX model (it has no IR version)' : 'it is not an ONNX model (it has no graph)');
    }
    return model;
}

export function toNumber(v: Int64 | undefined | null): number {
    if (v === undefined || v === null) return 0;
    return typeof v === 'number' ? v : v.toNumber();
}

const utf8 = new TextDecoder();
export function text(bytes: Uint8Array): string {
    return utf8.decode(bytes);
}

/**
 * A TensorProto's value. Floating types become exact float32 (a double or float16 weight is
 * rounded: the engine computes in float32); integer and bool types become numbers.
 * `where` names the tensor in messages.
 */
export function tensorValue(t: OnnxTensorProto, where: string): ConstTensor {
    const dims = t.dims.map(toNumber);
    const count = dims.reduce((a, b) => a * b, 1);
    if (t.data_location === 1) {
        throw new UnsupportedModelError(`${where} keeps its values in an external data file; export the model with its weights inside the .onnx file (e.g. onnx.save_model(model, path, save_as_external_data=False))`);
    }
    const raw = t.raw_data && t.raw_data.length > 0 ? t.raw_data : null;
    const kind = kindOf(t.data_type);
    const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
    const need = (bytesPer: number) => {
        if (raw && raw.byteLength !== count * bytesPer) {
            throw new UnreadableModelError(`${where} holds ${raw.byteLength} bytes where its shape [${dims.join(', ')}] needs ${count * bytesPer}`);
        }
    };
    const fromList = (list: ArrayLike<number>, into: Float32Array | Float64Array) => {
        if (list.length !== count) throw new UnreadableModelError(`${where} holds ${list.length} values where its shape [${dims.join(', ')}] needs ${count}`);
        into.set(list);
        return into;
    };
    if (kind === 'string' || kind === 'other') return { dims, kind, data: null };
    let data: Float32Array | Float64Array;
    switch (t.data_type) {
        case DataType.FLOAT:
            data = new Float32Array(count);
            if (view) { need(4); for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i, true); } else fromList(t.float_data, data);
            break;
        case DataType.DOUBLE:
            data = new Float32Array(count);
            if (view) { need(8); for (let i = 0; i < count; i++) data[i] = view.getFloat64(8 * i, true); } else fromList(t.double_data, data);
            break;
        case DataType.FLOAT16:
        case DataType.BFLOAT16: {
            data = new Float32Array(count);
            const half = t.data_type === DataType.FLOAT16 ? float16 : bfloat16;
            if (view) { need(2); for (let i = 0; i < count; i++) data[i] = half(view.getUint16(2 * i, true)); }
            else { fromList(t.int32_data, data); for (let i = 0; i < count; i++) data[i] = half(data[i]); }
            break;
        }
        case DataType.INT64:
        case DataType.UINT64:
            data = new Float64Array(count);
            if (view) { need(8); for (let i = 0; i < count; i++) data[i] = Number(t.data_type === DataType.INT64 ? view.getBigInt64(8 * i, true) : view.getBigUint64(8 * i, true)); }
            else fromList((t.data_type === DataType.INT64 ? t.int64_data : t.uint64_data).map(toNumber), data);
            break;
        case DataType.INT32: case DataType.INT16: case DataType.INT8: case DataType.UINT8: case DataType.UINT16: case DataType.BOOL: case DataType.UINT32: {
            data = new Float64Array(count);
            if (view) {
                const size = ({ [DataType.INT32]: 4, [DataType.UINT32]: 4, [DataType.INT16]: 2, [DataType.UINT16]: 2 } as Record<number, number>)[t.data_type] ?? 1;
                need(size);
                for (let i = 0; i < count; i++) {
                    const o = size * i;
                    data[i] = t.data_type === DataType.INT32 ? view.getInt32(o, true) : t.data_type === DataType.UINT32 ? view.getUint32(o, true)
                        : t.data_type === DataType.INT16 ? view.getInt16(o, true) : t.data_type === DataType.UINT16 ? view.getUint16(o, true)
                        : t.data_type === DataType.INT8 ? view.getInt8(o) : view.getUint8(o);
                }
            } else if (t.data_type === DataType.UINT32) fromList(t.uint64_data.map(toNumber), data);
            else fromList(t.int32_data, data);
            break;
        }
        default:
            // Strings (a classifier's labels) and exotic types: never computed with, only carried.
            return { dims, kind, data: null };
    }
    return { dims, kind, data };
}

function kindOf(type: number): ConstKind {
    switch (type) {
        case DataType.FLOAT: case DataType.DOUBLE: case DataType.FLOAT16: case DataType.BFLOAT16:
            return 'float';
        case DataType.BOOL:
            return 'bool';
        case DataType.STRING:
            return 'string';
        case DataType.INT64: case DataType.INT32: case DataType.INT16: case DataType.INT8:
        case DataType.UINT64: case DataType.UINT32: case DataType.UINT16: case DataType.UINT8:
            return 'int';
        default:
            return 'other';
    }
}

function float16(bits: number): number {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
    if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
    return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bfloat16(bits: number): number {
    const buffer = new DataView(new ArrayBuffer(4));
    buffer.setUint32(0, bits << 16);
    return buffer.getFloat32(0);
}
