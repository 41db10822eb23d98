/**
 * Reading and writing TF.js Layers model files (model.json + binary weight files) with the
 * file system, so that no @tensorflow/tfjs-node is needed to load or save an oracle. Reads go
 * through contract/regular-file.ts (regular files only, size-limited, never blocking); a model
 * is saved through contract/atomic-write.ts (the weights and model.json are both written in
 * full before either replaces the old model, so a failed save leaves the old one as it was),
 * and model.json records the weights' size and sha256, checked when the model is loaded.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import type { io } from '@tensorflow/tfjs';
import { FileWriteError, writeFilesAtomically } from '../contract/atomic-write.js';
import { EngineError } from '../contract/errors.js';
import { METADATA_KEY, type InvModelMetadata } from '../contract/model-metadata.js';
import { summariseModelJson, weightFilePath, weightsMismatch, type ModelSummary } from '../contract/model-summary.js';
import { FILE_SIZE_LIMITS, FileReadError, readRegularFile, readRegularTextFile } from '../contract/regular-file.js';
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
        text = await readRegularTextFile(modelPath, FILE_SIZE_LIMITS.modelJson);
    } catch (e) {
        if (e instanceof FileReadError && e.problem === 'missing') {
            throw new EngineError(`${modelPath}: model file not found (train the oracle with \`inv train\`, or fix the \`model\` path)`);
        }
        throw new EngineError(`cannot use the model file: ${(e as Error).message}`);
    }
    const summary = summariseModelJson(text, dirname(modelPath));
    if (!summary.ok) throw new EngineError(`${modelPath}: ${summary.reason}`);
    return { json: JSON.parse(text) as ModelFileJson, summary };
}

/**
 * An IOHandler that loads `json` (read from modelPath) and its weight files from beside it
 * (never from elsewhere: a path outside the model's folder is refused), checked against the
 * size and sha256 that `inv train` recorded, when it did.
 */
export function fileModelLoader(modelPath: string, json: ModelFileJson, metadata: InvModelMetadata | null = null): io.IOHandler {
    const dir = dirname(modelPath);
    return {
        load: () =>
            tf.io.getModelArtifactsForJSON(json, async (manifest) => {
                const specs: io.WeightsManifestEntry[] = [];
                const buffers: ArrayBuffer[] = [];
                const hash = createHash('sha256');
                let total = 0;
                for (const group of manifest) {
                    specs.push(...group.weights);
                    for (const p of group.paths) {
                        const file = weightFilePath(dir, p);
                        if (file === null) throw new EngineError(`${modelPath}: its weights path "${p}" leads outside the model's folder; weight files must be next to model.json`);
                        let bytes: Buffer;
                        try {
                            bytes = await readRegularFile(file, FILE_SIZE_LIMITS.weights - total);
                        } catch (e) {
                            throw new EngineError(`${modelPath}: its weight file ${(e as Error).message}; copy it beside model.json or retrain`);
                        }
                        total += bytes.byteLength;
                        hash.update(bytes);
                        buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
                    }
                }
                const mismatch = metadata?.weights ? weightsMismatch(total, hash.digest('hex'), metadata.weights) : null;
                if (mismatch) throw new EngineError(`${modelPath}: ${mismatch}`);
                return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
            }),
    };
}

/** The weight file written beside a model file: `weights.bin` for model.json, else `<stem>.weights.bin`. */
export function weightsFileName(modelPath: string): string {
    const stem = basename(modelPath).replace(/\.json$/i, '');
    return stem === 'model' ? 'weights.bin' : `${stem}.weights.bin`;
}

/**
 * A save handler writing model.json (with `metadata` as userDefinedMetadata) and its weights,
 * atomically as a pair. When `metadata` holds inv's record, the weights' size and sha256 are
 * added to it (`weights`), so a weights file that does not match is found at load.
 */
export function fileModelSaver(modelPath: string, metadata: Record<string, object>): io.IOHandler {
    return tf.io.withSaveHandler(async (artifacts) => {
        const weightsName = weightsFileName(modelPath);
        const weightData = artifacts.weightData;
        const weights = new Uint8Array(weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(weightData));
        const user: Record<string, object> = { ...metadata };
        const inv = user[METADATA_KEY];
        if (inv !== undefined) {
            user[METADATA_KEY] = { ...inv, weights: { bytes: weights.byteLength, sha256: createHash('sha256').update(weights).digest('hex') } };
        }
        const json: ModelFileJson = {
            format: artifacts.format ?? 'layers-model',
            generatedBy: artifacts.generatedBy ?? `TensorFlow.js v${tf.version_core}`,
            convertedBy: null,
            modelTopology: artifacts.modelTopology as object,
            weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
            userDefinedMetadata: user,
        };
        try {
            await mkdir(dirname(modelPath), { recursive: true });
            // model.json last: it is what makes the new weights the model's.
            await writeFilesAtomically([
                { path: join(dirname(modelPath), weightsName), data: weights },
                { path: modelPath, data: JSON.stringify(json) },
            ]);
        } catch (e) {
            const why = e instanceof FileWriteError ? e.reason : (e as Error).message;
            throw new EngineError(`${modelPath}: cannot write the model (${why}); the previous model, if there was one, is unchanged`);
        }
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    });
}
