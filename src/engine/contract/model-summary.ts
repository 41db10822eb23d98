/**
 * What the language server needs to know about a TF.js Layers model without loading it:
 * its input and output widths and the `userDefinedMetadata.inv` this tool records. Reads
 * model.json as JSON only (never TensorFlow.js, never the weights), so hovering or
 * validating never starts a backend. Every failure is a value with a reason a user can act
 * on, never an exception. An ONNX file or a Keras archive is summarised by
 * imported-model-summary.ts.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { METADATA_KEY, type ColumnStats, type InvModelMetadata, type WeightsRecord } from './model-metadata.js';
import { importedFormatOf, summariseImportedModel, type ImportedModelFacts } from './imported-model-summary.js';
import { FILE_SIZE_LIMITS, FileReadError, hashRest, openRegularFile, readRegularFile, readRegularTextFile } from './regular-file.js';

export interface ModelSummary {
    ok: true;
    /** Width of the model's input (the sum over its input layers). */
    inputWidth: number;
    /** Width of the model's output (the sum over its output layers). */
    outputWidth: number;
    /** What `inv train` recorded; null for a model trained elsewhere. */
    metadata: InvModelMetadata | null;
    /** The weight files (absolute paths, in the manifest's order); empty when `folder` was not given, or for an imported model. */
    weightFiles: string[];
    /** An ONNX or Keras model: what it is (absent for a TF.js model.json). */
    imported?: ImportedModelFacts;
}

export interface ModelSummaryFailure {
    ok: false;
    /**
     * `missing`: no file at that path; `unreadable`: there is one, but it is not a usable model;
     * `unsupported`: a model that uses what inv does not import (an operator, a layer).
     */
    kind: 'missing' | 'unreadable' | 'unsupported';
    /** What is wrong, for a person: "model.json is not valid JSON at line 3". */
    reason: string;
}

export type ModelSummaryResult = ModelSummary | ModelSummaryFailure;

/** Reads `modelJsonPath` (absolute: a model.json, an .onnx or a .keras file) and summarises it. */
export async function readModelSummary(modelJsonPath: string): Promise<ModelSummaryResult> {
    let text: string;
    try {
        // A regular file only, size-limited, never a pipe that would block (regular-file.ts).
        if (importedFormatOf(modelJsonPath)) return summariseModelBytes(modelJsonPath, await readRegularFile(modelJsonPath, FILE_SIZE_LIMITS.weights));
        text = await readRegularTextFile(modelJsonPath, FILE_SIZE_LIMITS.modelJson);
    } catch (err) {
        if (err instanceof FileReadError) {
            return { ok: false, kind: err.problem === 'missing' ? 'missing' : 'unreadable', reason: err.message };
        }
        return { ok: false, kind: 'unreadable', reason: `${modelJsonPath} cannot be read (${String(err)})` };
    }
    const summary = summariseModelJson(text, dirname(modelJsonPath));
    if (!summary.ok) return summary;
    const weights = await checkWeightFiles(summary.weightFiles, summary.metadata?.weights ?? null);
    return weights === null ? summary : { ok: false, kind: 'unreadable', reason: weights };
}

/** Summarises the bytes of the model file at `path` (its extension says its format). */
export function summariseModelBytes(path: string, bytes: Uint8Array): ModelSummaryResult {
    const format = importedFormatOf(path);
    if (!format) return summariseModelJson(new TextDecoder().decode(bytes), dirname(path));
    const summary = summariseImportedModel(bytes, format);
    if (!summary.ok) return summary;
    return { ok: true, inputWidth: summary.inputWidth, outputWidth: summary.outputWidth, metadata: null, weightFiles: [], imported: summary.facts };
}

/**
 * Summarises the text of a model.json. `folder` is where its weight files should be (they
 * are only checked to exist); pass null to skip that check.
 */
export function summariseModelJson(text: string, folder: string | null): ModelSummaryResult {
    const fail = (reason: string): ModelSummaryFailure => ({ ok: false, kind: 'unreadable', reason });
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        return fail(`model.json is not valid JSON${jsonErrorLine(text)}`);
    }
    if (!isObject(json)) return fail('model.json does not hold a JSON object');
    let topology = json.modelTopology;
    if (!isObject(topology)) return fail('model.json has no modelTopology (is it a TF.js Layers model? graph models are not supported)');
    // Keras-converted files wrap the model in `model_config`.
    if (isObject(topology.model_config)) topology = topology.model_config;
    const widths = modelWidths(topology as Record<string, unknown>);
    if (typeof widths === 'string') return fail(widths);
    let weightFiles: string[] = [];
    if (folder !== null) {
        const files = weightFilesOf(json.weightsManifest, folder);
        if (typeof files === 'string') return fail(files);
        weightFiles = files;
    }
    const user = json.userDefinedMetadata;
    let metadata: InvModelMetadata | null = null;
    if (isObject(user) && user[METADATA_KEY] !== undefined) {
        const parsed = parseInvMetadata(user[METADATA_KEY]);
        if (typeof parsed === 'string') return fail(`its userDefinedMetadata.${METADATA_KEY} ${parsed}; train it again with \`inv train\``);
        metadata = parsed;
    }
    return { ok: true, inputWidth: widths.input, outputWidth: widths.output, metadata, weightFiles };
}

// ---------------------------------------------------------------- topology

type Json = Record<string, unknown>;

function modelWidths(topology: Json): { input: number; output: number } | string {
    const className = topology.class_name ?? topology.className;
    const config = topology.config;
    if (className === 'Sequential') {
        // Older Keras writes the layer list as `config` itself.
        const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
        if (!Array.isArray(layers) || layers.length === 0) return 'its Sequential model has no layers';
        const input = inputWidthOfLayer(layers[0]);
        if (input === undefined) return 'its first layer declares no input shape (batch_input_shape)';
        for (let i = layers.length - 1; i >= 0; i--) {
            const units = unitsOfLayer(layers[i]);
            if (units !== undefined) return { input, output: units };
        }
        return 'none of its layers has `units`, so its output width is unknown';
    }
    if ((className === 'Model' || className === 'Functional') && isObject(config)) {
        const layers = Array.isArray(config.layers) ? config.layers.filter(isObject) : [];
        const byName = new Map<string, Json>();
        for (const layer of layers) {
            const name = layer.name ?? (isObject(layer.config) ? layer.config.name : undefined);
            if (typeof name === 'string') byName.set(name, layer);
        }
        let input = 0;
        for (const name of endpointNames(config.input_layers)) {
            const width = inputWidthOfLayer(byName.get(name));
            if (width === undefined) return `its input layer "${name}" declares no input shape`;
            input += width;
        }
        let output = 0;
        for (const name of endpointNames(config.output_layers)) {
            const width = outputWidthOfNamed(name, byName, 0);
            if (width === undefined) return `the width of its output layer "${name}" is unknown`;
            output += width;
        }
        if (input === 0 || output === 0) return 'its functional model lists no input_layers or output_layers';
        return { input, output };
    }
    return `its modelTopology is a ${String(className)}, not a Sequential or functional Layers model`;
}

/** `[["name", 0, 0], …]` → names. */
function endpointNames(list: unknown): string[] {
    if (!Array.isArray(list)) return [];
    return list.map((e) => (Array.isArray(e) ? e[0] : undefined)).filter((n): n is string => typeof n === 'string');
}

function layerConfig(layer: unknown): Json | undefined {
    return isObject(layer) && isObject(layer.config) ? layer.config : undefined;
}

function inputWidthOfLayer(layer: unknown): number | undefined {
    const config = layerConfig(layer);
    if (!config) return undefined;
    for (const key of ['batch_input_shape', 'batchInputShape', 'batch_shape', 'batchShape']) {
        const shape = config[key];
        if (Array.isArray(shape) && shape.length >= 2) {
            const last = shape[shape.length - 1];
            if (typeof last === 'number' && Number.isInteger(last) && last > 0) return last;
        }
    }
    for (const key of ['input_shape', 'inputShape']) {
        const shape = config[key];
        if (Array.isArray(shape) && shape.length >= 1) {
            const last = shape[shape.length - 1];
            if (typeof last === 'number' && Number.isInteger(last) && last > 0) return last;
        }
    }
    for (const key of ['input_dim', 'inputDim']) {
        const dim = config[key];
        if (typeof dim === 'number' && Number.isInteger(dim) && dim > 0) return dim;
    }
    return undefined;
}

function unitsOfLayer(layer: unknown): number | undefined {
    const units = layerConfig(layer)?.units;
    return typeof units === 'number' && Number.isInteger(units) && units > 0 ? units : undefined;
}

/** An output layer without `units` (an Activation, say) has the width of the layer feeding it. */
function outputWidthOfNamed(name: string, byName: Map<string, Json>, hops: number): number | undefined {
    const layer = byName.get(name);
    if (!layer || hops > 32) return undefined;
    const units = unitsOfLayer(layer);
    if (units !== undefined) return units;
    const inbound = layer.inbound_nodes;
    // Keras 2: [[["dense_1", 0, 0, {}]]]; Keras 3: [{ args: [{ config: { keras_history: ["dense_1", 0, 0] } }] }]
    if (Array.isArray(inbound) && Array.isArray(inbound[0]) && Array.isArray(inbound[0][0]) && typeof inbound[0][0][0] === 'string') {
        return outputWidthOfNamed(inbound[0][0][0], byName, hops + 1);
    }
    return undefined;
}

/**
 * The weight files a manifest names, as absolute paths; a phrase when one is missing or lies
 * outside the model's folder (an absolute path or `..`: a model.json must not make inv read
 * files elsewhere).
 */
function weightFilesOf(manifest: unknown, folder: string): string[] | string {
    const files: string[] = [];
    if (!Array.isArray(manifest)) return files;
    for (const group of manifest) {
        if (!isObject(group) || !Array.isArray(group.paths)) continue;
        for (const p of group.paths) {
            if (typeof p !== 'string') continue;
            const file = weightFilePath(folder, p);
            if (file === null) return `its weights path "${p}" leads outside the model's folder; weight files must be next to model.json`;
            if (!existsSync(file)) return `its weights file ${p} is missing (next to model.json)`;
            files.push(file);
        }
    }
    return files;
}

/** `folder/p`, or null when `p` is absolute or climbs out of `folder`. The engine's loader asks the same. */
export function weightFilePath(folder: string, p: string): string | null {
    if (isAbsolute(p) || /^[a-zA-Z]:|^[\\/]/.test(p)) return null;
    const file = resolve(folder, p);
    const rel = relative(folder, file);
    return rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? null : file;
}

/**
 * The weight files against what `inv train` recorded of them (their bytes together, and the
 * sha256 of those bytes), so that a weights file that was cut short, replaced or half
 * written is a model that cannot be used, not a silently different oracle. Null when they
 * match or nothing was recorded; else what is wrong.
 */
export async function checkWeightFiles(files: string[], record: WeightsRecord | null): Promise<string | null> {
    if (record === null) return null;
    const opened: Array<Awaited<ReturnType<typeof openRegularFile>>> = [];
    try {
        for (const file of files) opened.push(await openRegularFile(file, FILE_SIZE_LIMITS.weights));
        const bytes = opened.reduce((sum, o) => sum + o.size, 0);
        // Sizes first: a file cut short is found without reading it.
        if (bytes !== record.bytes) return weightsMismatch(bytes, null, record);
        const hash = createHash('sha256');
        for (const { handle } of opened) await hashRest(handle, hash);
        return weightsMismatch(bytes, hash.digest('hex'), record);
    } catch (e) {
        return e instanceof FileReadError ? `its weights file ${e.message}` : `its weights cannot be read (${(e as Error).message})`;
    } finally {
        await Promise.all(opened.map((o) => o.handle.close().catch(() => undefined)));
    }
}

/** The phrase for weights that differ from the record; null when they match. `sha256` null: not computed (the sizes differ). */
export function weightsMismatch(bytes: number, sha256: string | null, record: WeightsRecord): string | null {
    if (bytes !== record.bytes) {
        return `its weights are ${bytes} bytes but ${record.bytes} were written when it was trained (a damaged or replaced weights file); train it again with \`inv train\``;
    }
    if (sha256 !== null && sha256 !== record.sha256) {
        return 'its weights are not the ones written when it was trained (their sha256 differs: a damaged or replaced weights file); train it again with `inv train`';
    }
    return null;
}

// ---------------------------------------------------------------- metadata

/** Checks the shape of `userDefinedMetadata.inv`; returns what is wrong as a phrase. */
export function parseInvMetadata(value: unknown): InvModelMetadata | string {
    if (!isObject(value)) return 'is not an object';
    const inputs = parseColumns(value.inputs, 'inputs');
    if (typeof inputs === 'string') return inputs;
    const outputs = parseColumns(value.outputs, 'outputs');
    if (typeof outputs === 'string') return outputs;
    let classes: string[] | null = null;
    if (value.classes !== null && value.classes !== undefined) {
        if (!Array.isArray(value.classes) || !value.classes.every((c) => typeof c === 'string')) return 'has `classes` that is not a list of strings';
        classes = value.classes as string[];
    }
    let testRmse: Record<string, number> = {};
    if (value.testRmse !== undefined && value.testRmse !== null) {
        if (!isObject(value.testRmse)) return 'has `testRmse` that is not an object';
        const entries = Object.entries(value.testRmse);
        for (const [k, v] of entries) if (typeof v !== 'number') return `has testRmse.${k} that is not a number`;
        // fromEntries defines own properties: an output named `__proto__` is kept, not taken for the prototype.
        testRmse = Object.fromEntries(entries) as Record<string, number>;
    }
    const data = typeof value.data === 'string' ? value.data : '';
    const trainedAt = typeof value.trainedAt === 'string' ? value.trainedAt : '';
    const metadata: InvModelMetadata = { inputs, outputs, classes, testRmse, data, trainedAt };
    if (value.weights !== undefined) {
        const w = value.weights;
        if (!isObject(w) || typeof w.bytes !== 'number' || !Number.isInteger(w.bytes) || w.bytes < 0
            || typeof w.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(w.sha256)) {
            return 'has `weights` that is not { bytes, sha256 }';
        }
        metadata.weights = { bytes: w.bytes, sha256: w.sha256 };
    }
    // A classifier's scores (optional: older models and regressors have none).
    if (typeof value.accuracy === 'number') metadata.accuracy = value.accuracy;
    if (typeof value.logLoss === 'number') metadata.logLoss = value.logLoss;
    return metadata;
}

function parseColumns(value: unknown, field: string): ColumnStats[] | string {
    if (!Array.isArray(value)) return `has no \`${field}\` list`;
    const columns: ColumnStats[] = [];
    for (let i = 0; i < value.length; i++) {
        const c = value[i];
        if (!isObject(c) || typeof c.name !== 'string') return `has ${field}[${i}] without a name`;
        for (const key of ['min', 'max', 'mean', 'std'] as const) {
            if (typeof c[key] !== 'number' || !Number.isFinite(c[key])) return `has ${field}[${i}].${key} that is not a finite number`;
        }
        const column: ColumnStats = { name: c.name, min: c.min as number, max: c.max as number, mean: c.mean as number, std: c.std as number };
        if (c.type === 'integer') column.type = 'integer';
        if (c.type === 'categorical' || c.labels !== undefined) {
            if (!Array.isArray(c.labels) || c.labels.length === 0 || !c.labels.every((l) => typeof l === 'string')) return `has ${field}[${i}].labels that is not a list of labels`;
            column.type = 'categorical';
            column.labels = c.labels as string[];
        }
        columns.push(column);
    }
    return columns;
}

// ---------------------------------------------------------------- small pieces

function isObject(v: unknown): v is Json {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** " at line N": where the JSON goes wrong (JSON.parse's own message does not always say). */
function jsonErrorLine(text: string): string {
    if (text.trim() === '') return ' (the file is empty)';
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    if (errors.length === 0) return '';
    const offset = errors[0].offset;
    let line = 1;
    for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    // `ValueExpected` -> `value expected`
    const what = printParseErrorCode(errors[0].error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    return ` at line ${line} (${what})`;
}
