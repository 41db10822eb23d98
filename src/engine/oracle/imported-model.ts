/**
 * Loading a model from elsewhere — an ONNX file (PyTorch, scikit-learn, Keras/TensorFlow
 * through tf2onnx) or a Keras 3 archive — into the engine's own operations: read, check
 * (the same checks the editor runs, op-analysis.ts), then build (graph-function.ts).
 * Whatever goes wrong is an EngineError naming the file and the reason.
 */
import { EngineError } from '../contract/errors.js';
import { FILE_SIZE_LIMITS, FileReadError, readRegularFile } from '../contract/regular-file.js';
import { importedFormatOf } from '../contract/imported-model-summary.js';
import { analyseGraph } from './graph/op-analysis.js';
import { UnreadableModelError, UnsupportedModelError, type OpGraph, type RawGraph } from './graph/op-graph.js';
import { buildGraphFunction, type GraphFunction } from './graph/graph-function.js';
import { readKerasArchive } from './keras/keras-archive.js';
import { kerasGraph } from './keras/keras-layers.js';
import { readKerasWeights } from './keras/keras-weights.js';
import { readOnnxGraph } from './onnx/onnx-import.js';

export interface ImportedModel {
    graph: OpGraph;
    fn: GraphFunction;
}

/** Whether `path` names a model this module loads (.onnx, .keras) rather than a model.json. */
export function isImportedModelPath(path: string): boolean {
    return importedFormatOf(path) !== null;
}

/** The checked graph of the model at `path`, weights included. */
export async function readImportedGraph(path: string): Promise<OpGraph> {
    const format = importedFormatOf(path);
    if (!format) throw new EngineError(`${path}: not an .onnx or .keras model`);
    let bytes: Buffer;
    try {
        // A regular file only, size-limited, never a pipe that would block (regular-file.ts).
        bytes = await readRegularFile(path, FILE_SIZE_LIMITS.weights);
    } catch (e) {
        if (e instanceof FileReadError && e.problem === 'missing') throw new EngineError(`${path}: model file not found (fix the \`model\` path)`);
        throw new EngineError(`cannot use the model file: ${(e as Error).message}`);
    }
    try {
        let raw: RawGraph;
        if (format === 'onnx') {
            raw = readOnnxGraph(bytes);
        } else {
            const archive = readKerasArchive(bytes, true);
            raw = kerasGraph(archive, await readKerasWeights(archive.weights!));
        }
        return analyseGraph(raw);
    } catch (e) {
        if (e instanceof UnsupportedModelError) throw new EngineError(`${path}: inv cannot use this model: ${e.message}`);
        if (e instanceof UnreadableModelError) throw new EngineError(`${path}: the model cannot be read: ${e.message}`);
        // A defect no check foresaw is still a message on this model, never a stack trace.
        throw new EngineError(`${path}: the model cannot be read: ${(e as Error).message ?? String(e)}`);
    }
}

/** Reads, checks and builds the model at `path`. */
export async function loadImportedModel(path: string): Promise<ImportedModel> {
    const graph = await readImportedGraph(path);
    try {
        return { graph, fn: buildGraphFunction(graph) };
    } catch (e) {
        throw new EngineError(`${path}: the model cannot be built: ${(e as Error).message ?? String(e)}`);
    }
}
