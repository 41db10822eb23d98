/**
 * Reading and writing TF.js Layers model files (model.json + binary weight files) with the
 * file system, so that no @tensorflow/tfjs-node is needed to load or save an oracle.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import type { io } from '@tensorflow/tfjs';
import { EngineError } from '../contract/errors.js';
import { summariseModelJson, type ModelSummary } from '../contract/model-summary.js';
import { tf } from '../backend/tf.js';

/** model.json, parsed. */
export type ModelFileJson = io.ModelJSON;

/** model.json as read: the parsed file and its summary (widths, the inv metadata). */
export interface ModelFile {
    json: ModelFileJson;
    summary: ModelSummary;
}

/**
 * Reads model.json and checks it with the language server's own reader (model-summary.ts),
 * so that the editor and a run say the same about a broken model; an EngineError names the
 * file and the reason when it cannot be used.
 */
export async function readModelFile(modelPath: string): Promise<ModelFile> {
    let text: string;
    try {
        text = await readFile(modelPath, 'utf8');
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new EngineError(
            code === 'ENOENT'
                ? `${modelPath}: model file not found (train the oracle with \`inv train\`, or fix the \`model\` path)`
                : `${modelPath}: cannot read the model file (${code ?? (e as Error).message})`,
        );
    }
    const summary = summariseModelJson(text, dirname(modelPath));
    if (!summary.ok) throw new EngineError(`${modelPath}: ${summary.reason}`);
    return { json: JSON.parse(text) as ModelFileJson, summary };
}

/** An IOHandler that loads `json` (read from modelPath) and its weight files from beside it. */
export function fileModelLoader(modelPath: string, json: ModelFileJson): io.IOHandler {
    const dir = dirname(modelPath);
    return {
        load: () =>
            tf.io.getModelArtifactsForJSON(json, async (manifest) => {
                const specs: io.WeightsManifestEntry[] = [];
                const buffers: ArrayBuffer[] = [];
                for (const group of manifest) {
                    specs.push(...group.weights);
                    for (const p of group.paths) {
                        const file = join(dir, p);
                        let bytes: Buffer;
                        try {
                            bytes = await readFile(file);
                        } catch (e) {
                            throw new EngineError(`${modelPath}: its weight file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); copy it beside model.json or retrain`);
                        }
                        buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
                    }
                }
                return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
            }),
    };
}

/** The weight file written beside a model file: `weights.bin` for model.json, else `<stem>.weights.bin`. */
export function weightsFileName(modelPath: string): string {
    const stem = basename(modelPath).replace(/\.json$/i, '');
    return stem === 'model' ? 'weights.bin' : `${stem}.weights.bin`;
}

/** A save handler writing model.json (with `metadata` as userDefinedMetadata) and its weights. */
export function fileModelSaver(modelPath: string, metadata: Record<string, object>): io.IOHandler {
    return tf.io.withSaveHandler(async (artifacts) => {
        const weightsName = weightsFileName(modelPath);
        const weightData = artifacts.weightData;
        const weights = weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(weightData);
        const json: ModelFileJson = {
            format: artifacts.format ?? 'layers-model',
            generatedBy: artifacts.generatedBy ?? `TensorFlow.js v${tf.version_core}`,
            convertedBy: null,
            modelTopology: artifacts.modelTopology as object,
            weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
            userDefinedMetadata: metadata,
        };
        try {
            await mkdir(dirname(modelPath), { recursive: true });
            await writeFile(join(dirname(modelPath), weightsName), new Uint8Array(weights));
            await writeFile(modelPath, JSON.stringify(json));
        } catch (e) {
            throw new EngineError(`${modelPath}: cannot write the model (${(e as Error).message})`);
        }
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    });
}
