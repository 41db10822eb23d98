/**
 * Loading the fused dense-network kernel (assembly/dense-kernel.ts, built to
 * out/dense-kernel.wasm by `npm run build`) and the memory of one instance of it.
 *
 * Each program (an inversion's generator, its refinement, an oracle's training) gets an
 * instance of its own: its memory holds that program's weights and buffers, laid out once
 * when the program is made, and is freed with the program. The module is compiled once per
 * process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { EngineError } from '../../contract/errors.js';

// The engine's TypeScript lib has no DOM, so no WebAssembly types: the little used here.
interface WasmMemory {
    readonly buffer: ArrayBuffer;
}
type WasmModule = object;
declare const WebAssembly: {
    Module: new (bytes: Uint8Array) => WasmModule;
    Instance: new (module: WasmModule, imports: object) => { exports: object };
};

/** What the kernel exports (pointers are byte offsets into its memory). */
interface KernelExports {
    memory: WasmMemory;
    alloc(bytes: number): number;
    inversionStep(plan: number, step: number): void;
    evaluate(plan: number): void;
    outputGradient(plan: number, column: number, x: number, out: number): void;
    trainBatches(run: number): void;
    predictRows(net: number, x: number, rows: number, xb: number, block: number, out: number): void;
}

export const KERNEL_FILE = 'dense-kernel.wasm';

let compiled: WasmModule | null = null;

/** Where the .wasm is: beside the bundle (out/), or, from source, in the build's out/. */
export function kernelPath(): string | null {
    const candidates = [new URL(`./${KERNEL_FILE}`, import.meta.url), new URL(`../../../../out/${KERNEL_FILE}`, import.meta.url)];
    for (const url of candidates) {
        if (url.protocol !== 'file:') continue;
        const path = fileURLToPath(url);
        if (existsSync(path)) return path;
    }
    return null;
}

function kernelModule(): WasmModule {
    if (!compiled) {
        const path = kernelPath();
        if (!path) throw new EngineError(`the fused kernel (${KERNEL_FILE}) was not found beside the program; run \`npm run build\``);
        compiled = new WebAssembly.Module(readFileSync(path));
    }
    return compiled;
}

/** Whether the kernel can run here (the file is there and this WebAssembly has SIMD). */
export function kernelAvailable(): { ok: true } | { ok: false; why: string } {
    try {
        kernelModule();
        return { ok: true };
    } catch (e) {
        return { ok: false, why: e instanceof Error ? e.message : String(e) };
    }
}

/** One instance of the kernel: its exports and typed views of its memory. */
export class KernelMemory {
    readonly kernel: KernelExports;
    private buffer: ArrayBuffer;
    private f32View: Float32Array;
    private i32View: Int32Array;

    constructor() {
        this.kernel = new WebAssembly.Instance(kernelModule(), {
            env: {
                abort: (_message: number, _file: number, line: number, column: number) => {
                    throw new EngineError(`the fused kernel stopped at ${line}:${column}`);
                },
            },
        }).exports as unknown as KernelExports;
        this.buffer = this.kernel.memory.buffer;
        this.f32View = new Float32Array(this.buffer);
        this.i32View = new Int32Array(this.buffer);
    }

    /** Bytes in use by this instance (its whole linear memory). */
    get bytes(): number {
        return this.kernel.memory.buffer.byteLength;
    }

    /** Zeroed memory for `count` 4-byte words, 16-byte aligned; its byte offset. */
    words(count: number): number {
        const bytes = Math.max(16, Math.ceil((count * 4) / 16) * 16);
        const p = this.kernel.alloc(bytes);
        if (p === 0 || p + bytes > this.kernel.memory.buffer.byteLength) {
            throw new EngineError(`the fused kernel could not get ${(bytes / 2 ** 20).toFixed(0)} MB more memory`);
        }
        return p;
    }

    private views(): void {
        if (this.buffer !== this.kernel.memory.buffer) {
            this.buffer = this.kernel.memory.buffer;
            this.f32View = new Float32Array(this.buffer);
            this.i32View = new Int32Array(this.buffer);
        }
    }

    /** A view of `count` floats at `pointer` (valid until memory grows: take it when needed). */
    f32(pointer: number, count: number): Float32Array {
        this.views();
        return this.f32View.subarray(pointer >> 2, (pointer >> 2) + count);
    }

    i32(pointer: number, count: number): Int32Array {
        this.views();
        return this.i32View.subarray(pointer >> 2, (pointer >> 2) + count);
    }

    setI32(pointer: number, offset: number, value: number): void {
        this.views();
        this.i32View[(pointer + offset) >> 2] = value;
    }

    setF32(pointer: number, offset: number, value: number): void {
        this.views();
        this.f32View[(pointer + offset) >> 2] = value;
    }

    getF32(pointer: number, offset: number): number {
        this.views();
        return this.f32View[(pointer + offset) >> 2];
    }

    getI32(pointer: number, offset: number): number {
        this.views();
        return this.i32View[(pointer + offset) >> 2];
    }

    /** Floats copied in at `pointer`. */
    write(pointer: number, values: ArrayLike<number>): void {
        this.views();
        this.f32View.set(values, pointer >> 2);
    }
}

/** n rounded up to a multiple of m. */
export function roundUp(n: number, m: number): number {
    return Math.ceil(n / m) * m;
}
