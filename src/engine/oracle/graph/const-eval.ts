/**
 * Evaluating small constant tensors in plain JavaScript, when a model is read: the shape
 * arithmetic exporters write (Shape → Gather → Unsqueeze → Concat → Reshape), constant
 * folding of weights (a Sqrt of a variance), broadcasting. Float results are rounded to
 * float32, as the frameworks that wrote the model compute them.
 *
 * No TensorFlow.js here: the language server reads models through this file.
 */
import { UnsupportedModelError, elementCount, type ConstTensor } from './op-graph.js';

export function constData(t: ConstTensor, where: string): Float32Array | Float64Array {
    if (t.data === null) throw new UnsupportedModelError(`${where} needs the values of a tensor that inv cannot read`);
    return t.data;
}

/** A constant's values as plain numbers (NaN: the batch size). */
export function constValues(t: ConstTensor, where: string): number[] {
    return Array.from(constData(t, where));
}

/** numpy broadcasting of static shapes; null when they do not broadcast. */
export function broadcastStatic(a: number[], b: number[]): number[] | null {
    const rank = Math.max(a.length, b.length);
    const out: number[] = [];
    for (let i = 0; i < rank; i++) {
        const x = a[a.length - rank + i] ?? 1;
        const y = b[b.length - rank + i] ?? 1;
        if (x !== y && x !== 1 && y !== 1) return null;
        out.push(x === 1 ? y : x);
    }
    return out;
}

function strides(dims: number[]): number[] {
    const s = new Array<number>(dims.length).fill(1);
    for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
    return s;
}

/** Element-wise f over broadcast inputs. Float results are float32; an int result stays exact. */
export function elementwise(inputs: ConstTensor[], f: (...v: number[]) => number, where: string, resultKind?: 'float' | 'int' | 'bool'): ConstTensor {
    let dims: number[] = [];
    for (const t of inputs) {
        const b = broadcastStatic(dims, t.dims);
        if (!b) throw new UnsupportedModelError(`${where}: shapes [${inputs.map((i) => i.dims.join(', ')).join('] and [')}] do not broadcast`);
        dims = b;
    }
    const kind = resultKind ?? (inputs.some((t) => t.kind === 'float') ? 'float' : inputs[0].kind === 'bool' ? 'bool' : 'int');
    const datas = inputs.map((t) => constData(t, where));
    const outStrides = strides(dims);
    const inStrides = inputs.map((t) => {
        const s = strides(t.dims);
        const pad = dims.length - t.dims.length;
        return dims.map((_, i) => (i < pad || t.dims[i - pad] === 1 ? 0 : s[i - pad]));
    });
    const count = elementCount(dims);
    const out = kind === 'float' ? new Float32Array(count) : new Float64Array(count);
    const args = new Array<number>(inputs.length);
    for (let k = 0; k < count; k++) {
        for (let j = 0; j < inputs.length; j++) {
            let offset = 0;
            let rest = k;
            for (let d = 0; d < dims.length; d++) {
                const index = Math.floor(rest / outStrides[d]);
                rest -= index * outStrides[d];
                offset += index * inStrides[j][d];
            }
            args[j] = datas[j][offset];
        }
        out[k] = f(...args);
    }
    return { dims, kind, data: out };
}

/** Same data, new shape. */
export function reshaped(t: ConstTensor, dims: number[]): ConstTensor {
    return { dims, kind: t.kind, data: t.data };
}

/** Rows `indices` along `axis` (indices already made non-negative). */
export function gatherConst(t: ConstTensor, axis: number, indices: number[], indexDims: number[], where: string): ConstTensor {
    const data = constData(t, where);
    const outer = elementCount(t.dims.slice(0, axis));
    const size = t.dims[axis];
    const inner = elementCount(t.dims.slice(axis + 1));
    const out = t.kind === 'float' ? new Float32Array(outer * indices.length * inner) : new Float64Array(outer * indices.length * inner);
    let o = 0;
    for (let a = 0; a < outer; a++) {
        for (const index of indices) {
            const base = (a * size + index) * inner;
            for (let i = 0; i < inner; i++) out[o++] = data[base + i];
        }
    }
    return { dims: [...t.dims.slice(0, axis), ...indexDims, ...t.dims.slice(axis + 1)], kind: t.kind, data: out };
}

export function concatConst(parts: ConstTensor[], axis: number, where: string): ConstTensor {
    const first = parts[0];
    const outer = elementCount(first.dims.slice(0, axis));
    const inner = elementCount(first.dims.slice(axis + 1));
    const total = parts.reduce((s, p) => s + p.dims[axis], 0);
    const kind = parts.some((p) => p.kind === 'float') ? 'float' : first.kind;
    const out = kind === 'float' ? new Float32Array(outer * total * inner) : new Float64Array(outer * total * inner);
    let o = 0;
    for (let a = 0; a < outer; a++) {
        for (const p of parts) {
            const data = constData(p, where);
            const block = p.dims[axis] * inner;
            for (let i = 0; i < block; i++) out[o++] = data[a * block + i];
        }
    }
    const dims = [...first.dims];
    dims[axis] = total;
    return { dims, kind, data: out };
}

export function transposeConst(t: ConstTensor, perm: number[], where: string): ConstTensor {
    const data = constData(t, where);
    const dims = perm.map((p) => t.dims[p]);
    const inStrides = strides(t.dims);
    const outStrides = strides(dims);
    const count = elementCount(dims);
    const out = t.kind === 'float' ? new Float32Array(count) : new Float64Array(count);
    for (let k = 0; k < count; k++) {
        let rest = k;
        let offset = 0;
        for (let d = 0; d < dims.length; d++) {
            const index = Math.floor(rest / outStrides[d]);
            rest -= index * outStrides[d];
            offset += index * inStrides[perm[d]];
        }
        out[k] = data[offset];
    }
    return { dims, kind: t.kind, data: out };
}

/** Elements start, start+step, ... (< end, or > end for a negative step) along each axis. */
export function sliceConst(t: ConstTensor, ranges: Array<{ start: number; step: number; count: number }>, where: string): ConstTensor {
    let current = t;
    for (let axis = 0; axis < ranges.length; axis++) {
        const r = ranges[axis];
        if (r.start === 0 && r.step === 1 && r.count === current.dims[axis]) continue;
        const indices = Array.from({ length: r.count }, (_, i) => r.start + i * r.step);
        current = gatherConst(current, axis, indices, [r.count], where);
    }
    return current;
}
