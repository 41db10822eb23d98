/**
 * Compute backends (DESIGN.md, "Compute backends"): `tensorflow` (@tensorflow/tfjs-node-gpu,
 * else @tensorflow/tfjs-node, when a user has installed it), `webgpu` (Dawn through the
 * optional `webgpu` package, on a real adapter), `wasm` (SIMD, the default here) and `cpu`.
 * `auto` takes the first of these that works. Nothing here is a hard dependency: a backend
 * that is missing is reported with the precise reason, never a stack trace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { EngineError } from '../contract/errors.js';
import type { BackendChoice, BackendName } from '../contract/spec.js';
import { adoptTf, bundledTf, tf, type Tf } from './tf.js';
import { probeWebgpuAdapter } from './webgpu-adapter-probe.js';
import { kernelAvailable } from '../nn/fused/kernel.js';

export interface BackendReport {
    name: BackendName;
    /** Whether this backend can run here. */
    found: boolean;
    /** What was found (package, adapter), or precisely why it cannot run and what to do. */
    detail: string;
}

/**
 * The order `auto` tries them in. A GPU comes first; on the CPU inv's fused kernel
 * (`wasm-fused`) runs what it can (dense oracles) and TF.js's wasm the rest.
 */
const AUTO_ORDER: BackendName[] = ['tensorflow', 'webgpu', 'wasm-fused', 'wasm', 'cpu'];

/** The backend initBackend chose last. */
let chosen: BackendName | null = null;

/**
 * Whether runs go to the fused kernel when they can (the backend chosen is `wasm-fused`);
 * TF.js is then on its wasm backend for the rest (loading models, runs the kernel cannot do).
 */
export function fusedActive(): boolean {
    return chosen === 'wasm-fused';
}

/** What a probe learnt: found (with an `activate` that makes it the engine's backend) or why not. */
type Probe = { found: true; detail: string; activate(): Promise<void> } | { found: false; detail: string };

// Probes are remembered: loading a native module or a GPU adapter twice in one process gains nothing.
const probes = new Map<BackendName, Promise<Probe>>();

function probe(name: BackendName): Promise<Probe> {
    let p = probes.get(name);
    if (!p) {
        p = PROBES[name]().catch((e: unknown): Probe => ({ found: false, detail: `failed to start: ${reason(e)}` }));
        probes.set(name, p);
    }
    return p;
}

const PROBES: Record<BackendName, () => Promise<Probe>> = {
    tensorflow: probeTensorflow,
    webgpu: probeWebgpu,
    wasm: probeWasm,
    'wasm-fused': probeFused,
    cpu: async () => ({ found: true, detail: 'TensorFlow.js plain JavaScript (always available, slowest)', activate: () => useBundled('cpu') }),
};

/** Every backend, whether it can run here and why not. */
export async function listBackends(): Promise<BackendReport[]> {
    const reports: BackendReport[] = [];
    for (const name of AUTO_ORDER) {
        const p = await probe(name);
        reports.push({ name, found: p.found, detail: p.detail });
    }
    return reports;
}

/**
 * Makes `choice` the engine's backend and returns the one that runs. An explicit choice
 * that cannot run is an EngineError saying why; `auto` falls through the list.
 */
export async function initBackend(choice: BackendChoice): Promise<BackendName> {
    const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
    const reasons: string[] = [];
    for (const name of candidates) {
        const p = await probe(name);
        // `auto` never picks a software WebGPU adapter; it is usable only when asked for.
        if (p.found && !(choice === 'auto' && name === 'webgpu' && p.detail.startsWith(SOFTWARE))) {
            await p.activate();
            chosen = name;
            return name;
        }
        reasons.push(`${name}: ${p.detail}`);
    }
    throw new EngineError(`backend ${choice} cannot run here: ${reasons.join('; ')}. Run \`inv backends\` to see what is available.`);
}

/** The backend tf is running on now (after initBackend). */
export function currentBackend(): string {
    return tf.getBackend();
}

async function useBundled(name: 'cpu' | 'wasm' | 'webgpu'): Promise<void> {
    adoptTf(bundledTf);
    quietTf(bundledTf);
    if (!(await bundledTf.setBackend(name))) throw new EngineError(`the ${name} backend failed to initialise`);
    await bundledTf.ready();
}

/** Production mode: no debug checks, and no "install our node backend" banner on stderr. */
function quietTf(ns: Tf): void {
    ns.enableProdMode();
}

// ------------------------------------------------------------------------------- wasm

async function probeWasm(): Promise<Probe> {
    const dir = wasmBinariesFolder();
    if (!dir) return { found: false, detail: 'the tfjs wasm binaries (tfjs-backend-wasm-simd.wasm) were not found beside the program' };
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(dir.endsWith('/') ? dir : dir + '/');
    return { found: true, detail: 'TensorFlow.js WebAssembly (SIMD, one thread)', activate: () => useBundled('wasm') };
}

async function probeFused(): Promise<Probe> {
    const kernel = kernelAvailable();
    if (!kernel.ok) return { found: false, detail: kernel.why };
    // TF.js still loads the models and runs what the kernel cannot: on wasm, else cpu.
    const wasm = await probe('wasm');
    return {
        found: true,
        detail: `inv's fused kernel for dense networks (WebAssembly SIMD128, one thread); other runs on TF.js ${wasm.found ? 'wasm' : 'cpu'}`,
        activate: () => (wasm.found ? wasm.activate() : useBundled('cpu')),
    };
}

/**
 * Where the .wasm files are: the bundle copies them to out/wasm/ beside itself (esbuild.mjs);
 * from source (vitest) they are in the package's dist/ folder.
 */
function wasmBinariesFolder(): string | null {
    const candidates: string[] = [];
    if (typeof __dirname !== 'undefined') candidates.push(join(__dirname, 'wasm'));
    try {
        candidates.push(join(dirname(requireHere().resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
    } catch {
        // Not resolvable (an installed bundle carries no node_modules): only out/wasm/ can serve.
    }
    return candidates.find((d) => existsSync(join(d, 'tfjs-backend-wasm-simd.wasm'))) ?? null;
}

function requireHere(): NodeRequire {
    return createRequire(import.meta.url);
}

// ------------------------------------------------------------------------------- tensorflow

const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

async function probeTensorflow(): Promise<Probe> {
    const failures: string[] = [];
    for (const pkg of TFJS_NODE_PACKAGES) {
        const path = resolveUserPackage(pkg);
        if (!path) continue;
        try {
            const mod = (await import(pathToFileURL(path).href)) as { default?: Tf } & Tf;
            const ns = (mod.default ?? mod) as Tf;
            const gpu = pkg.endsWith('-gpu');
            return {
                found: true,
                detail: `${pkg} ${ns.version?.['tfjs-core'] ?? ''} (${gpu ? 'CUDA' : 'CPU'}, native TensorFlow)`.replace('  ', ' '),
                activate: async () => {
                    adoptTf(ns);
                    quietTf(ns);
                    if (!(await ns.setBackend('tensorflow'))) throw new EngineError(`${pkg} loaded but its backend failed to initialise`);
                    await ns.ready();
                },
            };
        } catch (e) {
            failures.push(`${pkg} installed but failed to load: ${loadFailure(e)}`);
        }
    }
    if (failures.length > 0) return { found: false, detail: failures.join('; ') };
    return { found: false, detail: 'not installed (npm install @tensorflow/tfjs-node, or @tensorflow/tfjs-node-gpu with CUDA 11.2/cuDNN 8.1)' };
}

/** The package's entry, looked up from the user's working folder first, then from the program's own. */
function resolveUserPackage(pkg: string): string | null {
    const bases = [join(process.cwd(), 'noop.js'), import.meta.url];
    for (const base of bases) {
        try {
            return createRequire(base).resolve(pkg);
        } catch {
            // not there; try the next base
        }
    }
    return null;
}

/** A native load failure, said in terms a user can act on. */
export function loadFailure(e: unknown): string {
    const text = reason(e);
    const lib = /([\w.+-]+\.so[\w.]*): cannot open shared object file/.exec(text)?.[1];
    if (!lib) return text;
    const cuda = /cud|cublas|cufft|curand|cusolver|cusparse|nvinfer/.test(lib);
    return `${lib} missing${cuda ? ' — needs CUDA 11.2/cuDNN 8.1' : ''}`;
}

function reason(e: unknown): string {
    const text = e instanceof Error ? e.message : String(e);
    return text.split('\n')[0].trim();
}

// ------------------------------------------------------------------------------- webgpu

const SOFTWARE = 'only a software adapter';

interface GpuAdapterInfoLike {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
}
interface GpuAdapterLike {
    info?: GpuAdapterInfoLike;
    isFallbackAdapter?: boolean;
}
interface WebgpuModule {
    create(flags: string[]): { requestAdapter(): Promise<GpuAdapterLike | null> };
    globals: Record<string, unknown>;
}

async function probeWebgpu(): Promise<Probe> {
    // Dawn prints a warning of its own on stderr when it cannot load Vulkan: look first.
    if (process.platform === 'linux' && !hasSharedLibrary('libvulkan.so.1')) {
        return { found: false, detail: 'no WebGPU adapter: the Vulkan loader libvulkan.so.1 is not installed (apt install libvulkan1, and a GPU driver)' };
    }
    // Which adapter there is, asked in a child process: Dawn's complaints stay out of our stderr.
    const found = await probeWebgpuAdapter();
    if (found.kind !== 'adapter') return { found: false, detail: found.reason };
    const adapter: GpuAdapterLike = { info: found.adapter, isFallbackAdapter: found.adapter.isFallbackAdapter };
    const info = found.adapter;
    const name = [info.description, info.device, info.architecture, info.vendor].find((s) => s && s.length > 0) ?? 'unnamed adapter';
    // Dawn is loaded into this process only when webgpu is going to run, and once: TF.js keeps
    // the device of this GPU instance, which must live as long as the process (a second
    // instance in its place let the first be collected under TF.js: a segmentation fault).
    let started: Promise<void> | null = null;
    const startDawn = async (): Promise<void> => {
        const webgpu = (await import('webgpu')) as unknown as WebgpuModule;
        Object.assign(globalThis, webgpu.globals);
        Object.defineProperty(globalThis, 'navigator', { value: { gpu: webgpu.create([]) }, configurable: true, writable: true });
        await import('@tensorflow/tfjs-backend-webgpu');
    };
    const activate = async (): Promise<void> => {
        await (started ??= startDawn());
        await useBundled('webgpu');
    };
    if (isSoftwareAdapter(adapter)) {
        return { found: true, detail: `${SOFTWARE} (${name}): used only when asked for`, activate };
    }
    return { found: true, detail: `WebGPU on ${name}`, activate };
}

export function isSoftwareAdapter(adapter: GpuAdapterLike): boolean {
    if (adapter.isFallbackAdapter) return true;
    const info = adapter.info ?? {};
    const text = [info.architecture, info.description, info.device, info.vendor].join(' ').toLowerCase();
    return /llvmpipe|lavapipe|swiftshader|software/.test(text);
}

/** Whether the dynamic loader can find `lib` (ld.so.cache, LD_LIBRARY_PATH, the usual folders). */
function hasSharedLibrary(lib: string): boolean {
    const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(delimiter), '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib'];
    if (dirs.some((d) => d && existsSync(join(d, lib)))) return true;
    try {
        return readFileSync('/etc/ld.so.cache').includes(lib);
    } catch {
        return false;
    }
}
