/**
 * A model from elsewhere (ONNX, Keras), as the engine imports it: a graph of operators with
 * ONNX's meaning, constant tensors, one input [batch, n] and outputs [batch, k]. The ONNX
 * importer reads it from the file; the Keras importer writes each layer as the operators it
 * stands for. One analysis (op-analysis.ts) checks both, one builder (graph-function.ts) runs
 * both with TF.js operations.
 *
 * No TensorFlow.js here: the language server reads these to validate a model.
 */

/** The batch dimension: unknown until the model runs. */
export const BATCH = 'batch';
export type Dim = number | typeof BATCH;

/** `other`: a type inv never computes with (complex, float8, ...), carried only. */
export type ConstKind = 'float' | 'int' | 'bool' | 'string' | 'other';

/** A tensor whose value is known when the model is read (a weight, a folded shape). */
export interface ConstTensor {
    dims: number[];
    kind: ConstKind;
    /**
     * Values in row-major order: float tensors hold exact float32 values; integer tensors
     * hold numbers, with NaN standing for the batch size (the output of `Shape`). null: only
     * the shape is known (a summary that did not read the weights).
     */
    data: Float32Array | Float64Array | null;
}

export type AttributeValue = number | string | number[] | string[] | ConstTensor;

export interface OpNode {
    /** ONNX operator type; operators of other domains carry it: `ai.onnx.ml.Scaler`. */
    op: string;
    /** The node's name in the file (ONNX) or the layer's name (Keras): where to look. */
    name: string;
    /** Tensor names; '' is an optional input left out. */
    inputs: string[];
    outputs: string[];
    attributes: Record<string, AttributeValue>;
    /** The opset version its domain is imported at (the operator's meaning can change with it). */
    opset: number;
}

export interface RawGraphOutput {
    name: string;
    /** Set by an importer that knows the output is class probabilities (ZipMap, a Keras softmax). */
    probabilities?: boolean;
}

/** A graph as an importer reads it: nothing checked yet. */
export interface RawGraph {
    /** What the model is, for a person: "ONNX (pytorch 1.13, opset 17)". */
    description: string;
    input: { name: string; dims: Array<number | string>; elementType: string };
    nodes: OpNode[];
    constants: Map<string, ConstTensor>;
    outputs: RawGraphOutput[];
    /** What the importer left out, for a person (an unused label output, say). */
    notes: string[];
}

export interface GraphOutput {
    name: string;
    /** Its columns: k of [batch, k]; a [batch] output is one column. */
    width: number;
    rank: 1 | 2;
    /** Class probabilities (a softmax, a probability output of scikit-learn). */
    probabilities: boolean;
    /** Log-probabilities (a LogSoftmax): the oracle gives their exponential, the probabilities. */
    logProbabilities: boolean;
}

/** A checked graph: what runs, in order, with every shape known. */
export interface OpGraph {
    description: string;
    inputName: string;
    inputWidth: number;
    /** The nodes the outputs need, in an order that computes every input before its use. */
    nodes: OpNode[];
    /** Every constant the nodes read (initializers and the folded ones). */
    constants: Map<string, ConstTensor>;
    shapes: Map<string, Dim[]>;
    outputs: GraphOutput[];
    outputWidth: number;
    notes: string[];
}

/** Why a model cannot be used although it was read: what is unsupported, and where. */
export class UnsupportedModelError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'UnsupportedModelError';
    }
}

/** The file is not a model of its kind (truncated, corrupt, not that format). */
export class UnreadableModelError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'UnreadableModelError';
    }
}

export function elementCount(dims: number[]): number {
    return dims.reduce((a, b) => a * b, 1);
}

export function floatConst(dims: number[], values: ArrayLike<number>): ConstTensor {
    return { dims, kind: 'float', data: Float32Array.from(values) };
}

export function intConst(dims: number[], values: ArrayLike<number>): ConstTensor {
    return { dims, kind: 'int', data: Float64Array.from(values) };
}

/** "node \"/fc1/Gemm\"": how a message names a node. */
export function nodeLabel(node: OpNode): string {
    return `${node.op} (node "${node.name}")`;
}
