/**
 * A Keras 3 archive (`.keras`): a zip of `config.json` (the model's layers), `metadata.json`
 * (the Keras version) and `model.weights.h5` (the weights, HDF5), as keras.saving writes it.
 * Read with fflate; the weights' bytes only when asked (the editor needs the config alone).
 *
 * No TensorFlow.js and no HDF5 here: the language server reads models through this file.
 */
import { unzipSync } from 'fflate';

import { UnreadableModelError, UnsupportedModelError } from '../graph/op-graph.js';

export const KERAS_CONFIG = 'config.json';
export const KERAS_METADATA = 'metadata.json';
export const KERAS_WEIGHTS = 'model.weights.h5';

export interface KerasArchive {
    /** config.json, parsed. */
    config: unknown;
    /** metadata.json's `keras_version`, when there is one. */
    kerasVersion: string | null;
    /** model.weights.h5, when asked for. */
    weights: Uint8Array | null;
}

export function readKerasArchive(bytes: Uint8Array, withWeights: boolean): KerasArchive {
    const names: string[] = [];
    let files: Record<string, Uint8Array>;
    try {
        files = unzipSync(bytes, {
            filter: (file) => {
                names.push(file.name);
                return file.name === KERAS_CONFIG || file.name === KERAS_METADATA || (withWeights && file.name === KERAS_WEIGHTS);
            },
        });
    } catch (e) {
        throw new UnreadableModelError(`it is not a valid .keras archive (a zip file: ${(e as Error).message}; truncated or corrupt?)`);
    }
    const config = files[KERAS_CONFIG];
    if (!config) throw new UnreadableModelError(`its archive has no ${KERAS_CONFIG} (is it a Keras 3 .keras file?)`);
    if (!names.includes(KERAS_WEIGHTS)) {
        if (names.includes('model.weights.npz')) throw new UnsupportedModelError('its weights are in NumPy format (model.weights.npz); save the model with the default weights format (HDF5)');
        if (names.some((n) => n.endsWith('.weights.json'))) throw new UnsupportedModelError('its weights are sharded over several files; save the model without max_shard_size');
        throw new UnreadableModelError(`its archive has no ${KERAS_WEIGHTS}`);
    }
    return {
        config: parseJson(config, KERAS_CONFIG),
        kerasVersion: versionOf(files[KERAS_METADATA]),
        weights: withWeights ? files[KERAS_WEIGHTS] : null,
    };
}

function parseJson(bytes: Uint8Array, name: string): unknown {
    try {
        return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
        throw new UnreadableModelError(`its ${name} is not valid JSON`);
    }
}

function versionOf(bytes: Uint8Array | undefined): string | null {
    if (!bytes) return null;
    try {
        const meta = JSON.parse(new TextDecoder().decode(bytes)) as { keras_version?: unknown };
        return typeof meta.keras_version === 'string' ? meta.keras_version : null;
    } catch {
        return null;
    }
}
