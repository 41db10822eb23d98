/**
 * What the language server needs to know about a model from elsewhere (an ONNX file, a
 * Keras 3 archive) without building it: its widths, whether its outputs are class
 * probabilities, and — when inv cannot use it — what is unsupported and where. The same
 * reading and checking as a run (engine/oracle/onnx, engine/oracle/keras, op-analysis.ts),
 * so the editor and a run say the same; the weights of a .keras archive are not read.
 *
 * No TensorFlow.js here, and no HDF5.
 */
import { extname } from 'node:path';

import { recogniseDenseChain } from '../oracle/graph/dense-chain.js';
import { analyseGraph } from '../oracle/graph/op-analysis.js';
import { UnreadableModelError, UnsupportedModelError, type OpGraph, type RawGraph } from '../oracle/graph/op-graph.js';
import { readKerasArchive } from '../oracle/keras/keras-archive.js';
import { kerasGraph } from '../oracle/keras/keras-layers.js';
import { readOnnxGraph } from '../oracle/onnx/onnx-import.js';

export type ImportedFormat = 'onnx' | 'keras';

/** The format of a model path that is not a TF.js model.json, by its extension. */
export function importedFormatOf(path: string): ImportedFormat | null {
    const ext = extname(path).toLowerCase();
    return ext === '.onnx' ? 'onnx' : ext === '.keras' ? 'keras' : null;
}

export interface ImportedModelFacts {
    /** What the model is: "ONNX (pytorch 1.13, opset 17)". */
    description: string;
    /** Its outputs are class probabilities (a softmax head, a scikit-learn classifier). */
    probabilities: boolean;
    /** A multilayer perceptron's layer widths and activations, "4 → 64 relu → 1"; null for other graphs. */
    mlp: string | null;
    /** What was left out or read differently (an unused label output, say). */
    notes: string[];
}

export type ImportedSummary =
    | { ok: true; inputWidth: number; outputWidth: number; facts: ImportedModelFacts }
    | { ok: false; kind: 'unreadable' | 'unsupported'; reason: string };

/** The graph of a model file (weights of a .keras archive not read: shapes only). */
export function importedGraphShape(bytes: Uint8Array, format: ImportedFormat): RawGraph {
    return format === 'onnx' ? readOnnxGraph(bytes) : kerasGraph(readKerasArchive(bytes, false), null);
}

export function summariseImportedModel(bytes: Uint8Array, format: ImportedFormat): ImportedSummary {
    try {
        const graph = analyseGraph(importedGraphShape(bytes, format));
        return { ok: true, inputWidth: graph.inputWidth, outputWidth: graph.outputWidth, facts: factsOf(graph) };
    } catch (e) {
        if (e instanceof UnsupportedModelError) return { ok: false, kind: 'unsupported', reason: e.message };
        if (e instanceof UnreadableModelError) return { ok: false, kind: 'unreadable', reason: e.message };
        // A defect this reader did not foresee is still a model it cannot read, never a crash.
        return { ok: false, kind: 'unreadable', reason: `it cannot be read (${(e as Error).message ?? String(e)})` };
    }
}

export function factsOf(graph: OpGraph): ImportedModelFacts {
    const chain = recogniseDenseChain(graph);
    const mlp = chain
        ? [String(graph.inputWidth), ...chain.map((l) => `${l.outputs}${l.activation === 'linear' ? '' : ` ${l.activation}`}`)].join(' → ')
        : null;
    return {
        description: graph.description,
        probabilities: graph.outputs.length > 0 && graph.outputs.every((o) => o.probabilities),
        mlp,
        notes: graph.notes,
    };
}
