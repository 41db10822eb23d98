import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

import { join } from 'node:path';

import { initBackend, isSoftwareAdapter, listBackends, loadFailure } from '../../src/engine/backend/backend.js';
import { EngineError } from '../../src/engine/contract/errors.js';
import { runInversion } from '../../src/engine/inversion/invert.js';
import { tf } from '../../src/engine/backend/tf.js';
import { dawnReason } from '../../src/engine/backend/webgpu-adapter-probe.js';
import { boxFeature, inversion, oracleSpec, tempFolder, writeLinearModel } from './model-fixtures.js';

function resolvable(pkg: string): boolean {
    try {
        createRequire(import.meta.url).resolve(pkg);
        return true;
    } catch {
        return false;
    }
}
const tfjsNode = resolvable('@tensorflow/tfjs-node') || resolvable('@tensorflow/tfjs-node-gpu');

describe('backends', () => {
    it('lists every backend, found or with the reason it is not', async () => {
        const reports = await listBackends();
        expect(reports.map((r) => r.name)).toEqual(['tensorflow', 'webgpu', 'wasm-fused', 'wasm', 'cpu']);
        expect(reports.find((r) => r.name === 'wasm-fused')).toEqual({
            name: 'wasm-fused',
            found: true,
            detail: "inv's fused kernel for dense networks (WebAssembly SIMD128, one thread); other runs on TF.js wasm",
        });
        expect(reports.find((r) => r.name === 'wasm')).toEqual({ name: 'wasm', found: true, detail: 'TensorFlow.js WebAssembly (SIMD, one thread)' });
        expect(reports.find((r) => r.name === 'cpu')?.found).toBe(true);
        for (const r of reports) {
            expect(r.detail.length).toBeGreaterThan(5);
            expect(r.detail).not.toMatch(/\n|    at /);
        }
        const tensorflow = reports.find((r) => r.name === 'tensorflow')!;
        if (!tfjsNode) {
            expect(tensorflow).toEqual({ name: 'tensorflow', found: false, detail: 'not installed (npm install @tensorflow/tfjs-node, or @tensorflow/tfjs-node-gpu with CUDA 11.2/cuDNN 8.1)' });
        }
        const webgpu = reports.find((r) => r.name === 'webgpu')!;
        if (!webgpu.found) expect(webgpu.detail).toMatch(/no (usable )?WebGPU adapter|not installed|adapter probe|did not answer/);
    });

    it('runs the backend asked for, and says why one cannot run', async () => {
        expect(await initBackend('cpu')).toBe('cpu');
        expect(tf.getBackend()).toBe('cpu');
        expect(await initBackend('wasm')).toBe('wasm');
        expect(tf.getBackend()).toBe('wasm');
        if (!tfjsNode) {
            await expect(initBackend('tensorflow')).rejects.toThrow(EngineError);
            await expect(initBackend('tensorflow')).rejects.toThrow(/backend tensorflow cannot run here: tensorflow: not installed \(npm install @tensorflow\/tfjs-node/);
        }
    });

    it('picks a working backend for auto, never a software GPU adapter', async () => {
        const name = await initBackend('auto');
        const reports = await listBackends();
        const first = reports.find((r) => r.found && !r.detail.startsWith('only a software adapter'));
        expect(name).toBe(first?.name);
    });

    it('agree within float tolerance over the first 100 steps from the same seed (cpu, wasm and wasm-fused)', async () => {
        const path = join(tempFolder(), 'model.json');
        await initBackend('wasm');
        await writeLinearModel(path, [[2], [-1], [0.5]], [1]);
        const spec = inversion(oracleSpec(path, ['a', 'b', 'c'], ['y']), [boxFeature('a', 0, 10), boxFeature('b', -5, 5), boxFeature('c', 0, 1)], [{ output: 'y', kind: 'equal', value: 7, tolerance: 0.01 }], {
            steps: 100,
            diversity: 0.15,
        });
        const wasm = await runInversion(spec);
        await initBackend('cpu');
        const cpu = await runInversion({ ...spec, backend: 'cpu' });
        await initBackend('wasm-fused');
        const fused = await runInversion({ ...spec, backend: 'wasm-fused' });
        expect([wasm.backend, cpu.backend, fused.backend]).toEqual(['wasm', 'cpu', 'wasm-fused']);
        // Compared in the order of the generator's rows (the sort may swap near-ties).
        const key = (r: typeof wasm) => r.solutions.map((s) => [s.inputs.a, s.inputs.b, s.inputs.c].map(Number)).sort((p, q) => p[0] - q[0]);
        const [w, c, f] = [key(wasm), key(cpu), key(fused)];
        // The fused kernel sums in another order; the walk along the level set that ends the
        // spread phase (level-set-projection.ts) follows each answer's nearest neighbour, so
        // those rounding differences grow a little: within 0.2 % of each feature's bound.
        const width = [10, 10, 1];
        for (let i = 0; i < w.length; i++) {
            for (let j = 0; j < 3; j++) {
                expect(Math.abs(w[i][j] - c[i][j])).toBeLessThan(1e-3);
                expect(Math.abs(w[i][j] - f[i][j])).toBeLessThan(2e-3 * width[j]);
            }
        }
        // Without the spread term (the paper's method) there is no walk: they agree to 1e-3.
        const plain = { ...spec, diversity: 0 };
        await initBackend('cpu');
        const plainCpu = key(await runInversion({ ...plain, backend: 'cpu' }));
        await initBackend('wasm-fused');
        const plainFused = key(await runInversion({ ...plain, backend: 'wasm-fused' }));
        for (let i = 0; i < plainCpu.length; i++) for (let j = 0; j < 3; j++) expect(Math.abs(plainCpu[i][j] - plainFused[i][j])).toBeLessThan(1e-3);
        await initBackend('wasm');
    });

    it('says what a native library failure means', () => {
        expect(loadFailure(new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory'))).toBe('libcudart.so.11.0 missing — needs CUDA 11.2/cuDNN 8.1');
        expect(loadFailure(new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory\n    at Module._extensions'))).toBe('libtensorflow.so.2 missing');
        expect(loadFailure(new Error('something else\nstack'))).toBe('something else');
    });

    it('recognises software WebGPU adapters', () => {
        expect(isSoftwareAdapter({ isFallbackAdapter: true })).toBe(true);
        expect(isSoftwareAdapter({ info: { description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } })).toBe(true);
        expect(isSoftwareAdapter({ info: { vendor: 'google', architecture: 'swiftshader' } })).toBe(true);
        expect(isSoftwareAdapter({ info: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100' } })).toBe(false);
    });

    it('keeps what Dawn says while looking for an adapter to one reason, without its native stack', () => {
        // As Dawn printed it on a machine with Debian 12's Mesa 22.3 lavapipe.
        const stderr = [
            'error: XDG_RUNTIME_DIR is invalid or not set in the environment.',
            'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.',
            ' - While initializing adapter (backend=BackendType::Vulkan)',
            '    at InitializeImpl (/home/runner/work/node-webgpu/third_party/dawn/src/dawn/native/vulkan/PhysicalDeviceVk.cpp:257)',
        ].join('\n');
        expect(dawnReason(stderr)).toBe('Vulkan shaderUniform*ArrayDynamicIndexing required.');
        expect(dawnReason('')).toBeNull();
    });
});
