/**
 * The weights of a .keras archive (model.weights.h5), read with h5wasm (the HDF5 library
 * compiled to WebAssembly). h5wasm embeds its WebAssembly in 4 MB of JavaScript, so the
 * bundles load it only when a .keras model is read: from out/hdf5.cjs, a bundle of its own
 * (esbuild.mjs), or from node_modules when running from source.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { UnreadableModelError, type ConstTensor } from '../graph/op-graph.js';
import type { KerasWeights } from './keras-layers.js';

type H5wasm = typeof import('h5wasm/node').default;
type H5File = InstanceType<H5wasm['File']>;

let library: Promise<{ h5: H5wasm; fs: { writeFile(path: string, data: Uint8Array): void; unlink(path: string): void } }> | null = null;

function loadLibrary(): NonNullable<typeof library> {
    library ??= (async () => {
        const bundled = typeof __dirname !== 'undefined' ? join(__dirname, 'hdf5.cjs') : null;
        let h5: H5wasm;
        try {
            h5 = bundled && existsSync(bundled)
                ? (createRequire(bundled)(bundled) as { default: H5wasm }).default
                : (await import('h5wasm/node')).default;
        } catch (e) {
            library = null;
            throw new Error(`the HDF5 reader for Keras weights (out/hdf5.cjs, h5wasm) cannot be loaded: ${(e as Error).message.split('\n')[0]}; reinstall inv`);
        }
        const module = await h5.ready;
        // libhdf5 prints its error stack to stderr; make it an exception a message can quote.
        module.activate_throwing_error_handler();
        return { h5, fs: module.FS as unknown as { writeFile(path: string, data: Uint8Array): void; unlink(path: string): void } };
    })();
    return library;
}

let fileCounter = 0;

/** Reads every layer's variables at once (the file is closed before this returns). */
export async function readKerasWeights(bytes: Uint8Array): Promise<KerasWeights> {
    const { h5, fs } = await loadLibrary();
    // h5wasm reads files from its in-memory file system.
    const path = `/inv-weights-${process.pid}-${fileCounter++}.h5`;
    fs.writeFile(path, bytes);
    let file: H5File | null = null;
    try {
        try {
            file = new h5.File(path, 'r');
        } catch (e) {
            throw new UnreadableModelError(`its model.weights.h5 is not a readable HDF5 file (${hdf5Reason(e)})`);
        }
        const store = new Map<string, ConstTensor[]>();
        try {
            readLayers(h5, file, store);
        } catch (e) {
            if (e instanceof UnreadableModelError) throw e;
            // libhdf5 reports a damaged file as it meets the damage: a group it cannot follow.
            throw new UnreadableModelError(`its model.weights.h5 is damaged (${hdf5Reason(e)})`);
        }
        return { variables: (prefix) => store.get(prefix) ?? null };
    } finally {
        file?.close();
        try { fs.unlink(path); } catch { /* already gone */ }
    }
}

/** Every layer's variables, by `layers/<name>`. */
function readLayers(h5: H5wasm, file: H5File, store: Map<string, ConstTensor[]>): void {
    for (const root of ['layers', '_layer_checkpoint_dependencies']) {
        const group = file.get(root);
        if (!group || !(group instanceof h5.Group)) continue;
        for (const layer of group.keys()) {
            const vars = file.get(`${root}/${layer}/vars`);
            if (!vars || !(vars instanceof h5.Group)) continue;
            const keys = vars.keys().filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
            const values = keys.map((k) => datasetValue(h5, file, `${root}/${layer}/vars/${k}`));
            // Keras 2.13 wrote `_layer_checkpoint_dependencies` where Keras 3 writes `layers`.
            store.set(`layers/${layer}`, values);
        }
    }
}

/** libhdf5's error stack ends with the cause ("minor: File has been truncated"): that, for a person. */
function hdf5Reason(e: unknown): string {
    const text = String((e as Error)?.message ?? e);
    const minors = [...text.matchAll(/minor: (.+)/g)].map((m) => m[1].trim());
    return (minors[minors.length - 1] ?? text.split('\n')[0]).toLowerCase();
}

function datasetValue(h5: H5wasm, file: H5File, path: string): ConstTensor {
    const d = file.get(path);
    if (!d || !(d instanceof h5.Dataset)) throw new UnreadableModelError(`its weights file has no dataset ${path}`);
    let value: unknown;
    try {
        value = d.value;
    } catch (e) {
        throw new UnreadableModelError(`its weights file cannot be read at ${path} (${hdf5Reason(e)})`);
    }
    const dims = d.shape ?? [];
    const count = dims.reduce((a, b) => a * b, 1);
    if (typeof value === 'number') return { dims, kind: 'float', data: Float32Array.of(value) };
    if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)) {
        const typed = value as unknown as ArrayLike<number>;
        if (typed.length !== count) throw new UnreadableModelError(`its weights file holds ${typed.length} values at ${path} where its shape needs ${count}`);
        return { dims, kind: 'float', data: Float32Array.from(typed) };
    }
    if (typeof value === 'bigint' || value instanceof BigInt64Array || value instanceof BigUint64Array) {
        // An integer counter (a Normalization layer's `count`): never computed with.
        return { dims, kind: 'int', data: Float64Array.from(typeof value === 'bigint' ? [Number(value)] : Array.from(value as BigInt64Array, Number)) };
    }
    throw new UnreadableModelError(`its weights file holds a ${typeof value} at ${path}, not numbers`);
}
