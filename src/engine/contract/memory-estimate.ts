/**
 * How much memory a job will take, from its sizes alone, before it starts: `inv check` and the
 * editor show it (a warning near the limit, an error past the machine's memory, saying what
 * to reduce), the engine refuses a run that cannot fit its backend, and the run manager
 * compares the worker's resident memory with it.
 *
 * The estimate is a sum of named parts, so that a new way of computing a step (the fused
 * kernel, with buffers of its own) adds its parts here without touching the callers. Each
 * constant was measured on today's TF.js path (wasm backend, `tf.profile` peak bytes over
 * whole runs; the paper's 4-64-64-1 oracle and wider generators, 500 to 16,000 solutions):
 * - a forward and backward pass keeps about 7.5 floats per unit of every layer a row goes
 *   through (activations, their gradients and the operations' temporaries);
 * - the spread term finds nearest neighbours from the distance matrix on the backend up to
 *   ON_DEVICE_NEIGHBOURS solutions (its blocks and temporaries stay alive to the end of the
 *   step: about 8 n^2 floats at the peak; n = 4,000: 504 MB), with a k-d tree in JavaScript
 *   beyond (linear: the solutions read back and the tree);
 * - each parameter costs about 5 floats (itself, Adam's two moments, its gradient, a temporary);
 * - a result's solution costs about 100 + 40 bytes per column as a JavaScript object and
 *   about 40 + 35 bytes per column as JSON, which is made about three times on its way to
 *   the editor (the worker's message, the server's copy, the client's message);
 * - training reads its CSV whole: about 7 bytes of memory per byte of CSV (the text, the
 *   parsed cells, the columns and their tensors).
 *
 * The fused kernel (nn/fused/, backend `wasm-fused`) has parts of its own, read from its
 * memory layout (inversion/fused-program.ts, nn/fused/kernel-net.ts): per solution its raw
 * values, features, outputs and generator input (or the adjoint's values and moments); per
 * parameter its value, gradient and Adam's two moments; per layer one block of activations
 * (z, a, dz) of at most FUSED_BLOCK columns; the spread term's coefficients, features and
 * gradients per solution.
 *
 * No TensorFlow.js here: the language server uses it.
 */
import type { BackendChoice, RunSpec } from './spec.js';

const FLOAT = 4;
/** Floats kept per layer unit per row by a forward and backward pass (measured: 6.8-7.5). */
const PASS_FLOATS = 7.5;
/** Floats of the spread term's n x n matrices at their peak, per n^2 (measured: 7.9-8.1). */
const SPREAD_FLOATS = 8;
/** Floats per trainable parameter: the value, Adam's two moments, the gradient, a temporary. */
const PARAMETER_FLOATS = 5;
/** Bytes of a solution as a JavaScript object, and as JSON (each made about three times), per column and fixed. */
const SOLUTION_OBJECT = { fixed: 100, perColumn: 40 };
const SOLUTION_JSON = { fixed: 40, perColumn: 35, copies: 3 };
/** Memory per byte of a CSV read for training (text, cells, columns, tensors). */
const CSV_FACTOR = 7;
/** What a worker takes before its job: Node, TF.js, the wasm module (measured: about 120 MB resident). */
export const BASELINE_BYTES = 160 * 2 ** 20;
/** The wasm backend's heap cannot grow past 4 GiB (wasm32; tfjs-backend-wasm's maximum memory). */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;
/** inversion/spread-force.ts: up to this many solutions, nearest neighbours come from the distance matrix. */
export const ON_DEVICE_NEIGHBOURS = 4096;
/** inversion/fused-program.ts: the fused kernel's activations are kept for this many columns at most. */
export const FUSED_BLOCK = 512;
/** A synthesis's conditional generator trains on batches of this many rows (synthesize.ts). */
export const SYNTHESIS_BATCH_ROWS = 256;
/** A run whose estimate passes this share of the machine's memory gets a warning. */
export const WARN_SHARE = 0.5;

/** The sizes that decide a job's memory. */
export type JobSizes = RunSizes | TrainingSizes;

export interface RunSizes {
    kind: 'inversion' | 'synthesis';
    /** Solutions of an inversion, rows (`count`) of a synthesis. */
    rows: number;
    inputs: number;
    /** Inputs not fixed. */
    free: number;
    outputs: number;
    /** The oracle's hidden layer widths (its `layers`; [64, 64] when the model's are not known). */
    oracleLayers: number[];
    method: { kind: 'generator'; latent: number; layers: number[] } | { kind: 'adjoint' };
    /** Whether the spread term is on (`diversity` > 0). */
    spread: boolean;
}

export interface TrainingSizes {
    kind: 'training';
    /** Bytes of the training CSV and of the test CSV. */
    csvBytes: number;
    inputs: number;
    outputs: number;
    layers: number[];
    batch: number;
}

export interface MemoryPart {
    /** What it is, in the user's words: "the spread term's 20,000 x 20,000 distances". */
    what: string;
    bytes: number;
    /** Where it lives: backend tensors (the wasm heap, or the GPU) or the JavaScript heap. */
    on: 'tensors' | 'heap';
}

export interface MemoryEstimate {
    parts: MemoryPart[];
    tensorBytes: number;
    heapBytes: number;
    /** Everything, with the process's own baseline. */
    bytes: number;
    /** What to make smaller for this kind of job, the part that weighs most first. */
    reduce: string[];
}

/** How a run computes its steps: TF.js (any backend but `wasm-fused`), or the fused kernel. */
export type StepPath = 'tfjs' | 'fused';

export function estimateMemory(sizes: JobSizes, path: StepPath = 'tfjs'): MemoryEstimate {
    const parts = sizes.kind === 'training' ? trainingParts(sizes) : path === 'fused' ? fusedRunParts(sizes) : runParts(sizes);
    return summarise(parts, reduceAdvice(sizes, parts));
}

/**
 * The estimate for a run on `backend`: `wasm-fused` computes on the fused kernel, `auto` on
 * whichever it gets (the fused kernel on a CPU, for a dense oracle; TF.js otherwise): the
 * smaller of the two, so that a warning never depends on a guess.
 */
export function estimateRun(sizes: RunSizes, backend: BackendChoice): MemoryEstimate {
    if (backend === 'wasm-fused') return estimateMemory(sizes, 'fused');
    const tfjs = estimateMemory(sizes, 'tfjs');
    if (backend !== 'auto') return tfjs;
    const fused = estimateMemory(sizes, 'fused');
    return fused.bytes < tfjs.bytes ? fused : tfjs;
}

/** The sizes of a RunSpec (what the engine and the run manager have). */
export function runSizes(spec: RunSpec): RunSizes {
    return {
        kind: spec.kind,
        rows: spec.kind === 'inversion' ? spec.solutions : spec.count,
        inputs: spec.features.length,
        free: spec.features.filter((f) => f.role === 'free').length,
        outputs: spec.oracle.outputs.length,
        oracleLayers: spec.oracle.training?.layers ?? DEFAULT_ORACLE_LAYERS,
        method: spec.method.kind === 'generator' ? { kind: 'generator', latent: spec.method.latent, layers: spec.method.layers } : { kind: 'adjoint' },
        spread: spec.diversity > 0,
    };
}

/** An oracle trained elsewhere: its hidden widths are not read for the estimate; the usual MLP stands in. */
export const DEFAULT_ORACLE_LAYERS = [64, 64];

// ---------------------------------------------------------------- parts

function runParts(s: RunSizes): MemoryPart[] {
    const parts: MemoryPart[] = [];
    const oracleWidths = [s.inputs, ...s.oracleLayers, s.outputs];
    const oracleParams = parameters(oracleWidths);
    parts.push({ what: 'the oracle', bytes: oracleParams * 2 * FLOAT, on: 'tensors' });
    // A row's path: (the generator's layers,) its raw outputs, the features, the oracle's layers.
    const throughOracle = s.free + s.free + sum(oracleWidths);
    if (s.kind === 'inversion') {
        const gen = s.method.kind === 'generator' ? [s.method.latent, ...s.method.layers, s.free] : null;
        const perRow = (gen ? sum(gen) : 0) + throughOracle;
        parts.push({ what: `a step over ${count(s.rows)} solutions`, bytes: PASS_FLOATS * s.rows * perRow * FLOAT, on: 'tensors' });
        const params = gen ? parameters(gen) : s.rows * s.free;
        parts.push({ what: gen ? 'the generator and its optimiser' : 'the solutions and their optimiser', bytes: PARAMETER_FLOATS * params * FLOAT, on: 'tensors' });
        if (s.spread) parts.push(spreadPart(s.rows, s.free));
    } else {
        const batch = Math.min(SYNTHESIS_BATCH_ROWS, Math.max(2, s.rows));
        if (s.method.kind === 'generator') {
            const gen = [s.method.latent + 1, ...s.method.layers, s.free];
            parts.push({ what: `the conditional generator's batches of ${batch} rows`, bytes: PASS_FLOATS * batch * (sum(gen) + throughOracle) * FLOAT, on: 'tensors' });
            parts.push({ what: 'the conditional generator and its optimiser', bytes: PARAMETER_FLOATS * parameters(gen) * FLOAT, on: 'tensors' });
            if (s.spread) parts.push(spreadPart(batch, s.free));
            // Sampling the rows runs G once over all of them.
            parts.push({ what: `sampling ${count(s.rows)} rows`, bytes: s.rows * (sum(gen) + s.method.latent) * FLOAT, on: 'tensors' });
        }
        // Refining: each row's raw values are the variables.
        parts.push({ what: `refining ${count(s.rows)} rows`, bytes: (PASS_FLOATS * throughOracle + PARAMETER_FLOATS * s.free) * s.rows * FLOAT, on: 'tensors' });
        parts.push({ what: `the CSV text of ${count(s.rows)} rows`, bytes: s.rows * (s.inputs + s.outputs) * 12 * 2, on: 'heap' });
    }
    parts.push(...resultParts(s));
    return parts;
}

/** The result's solutions as objects and JSON, and the states read back at the checks. */
function resultParts(s: RunSizes): MemoryPart[] {
    const parts: MemoryPart[] = [];
    const columns = s.inputs + s.outputs;
    parts.push({
        what: `the result's ${count(s.rows)} ${s.kind === 'inversion' ? 'solutions' : 'rows'}`,
        bytes: s.rows * (SOLUTION_OBJECT.fixed + SOLUTION_OBJECT.perColumn * columns
            + SOLUTION_JSON.copies * (SOLUTION_JSON.fixed + SOLUTION_JSON.perColumn * columns)),
        on: 'heap',
    });
    // The state read back at each check (raw values, features, outputs), held twice (now and the last good one).
    parts.push({ what: 'the solutions read back at each check', bytes: 2 * s.rows * (2 * s.free + s.outputs) * FLOAT, on: 'heap' });
    return parts;
}

function spreadPart(n: number, free = 0): MemoryPart {
    if (n <= ON_DEVICE_NEIGHBOURS) {
        return { what: `the spread term's ${count(n)} x ${count(n)} distances`, bytes: SPREAD_FLOATS * n * n * FLOAT, on: 'tensors' };
    }
    // Beyond: the solutions read back and searched with a k-d tree (nodes of a few numbers each).
    return { what: `the spread term's nearest-neighbour search over ${count(n)} solutions`, bytes: n * (free * 8 + 64), on: 'heap' };
}

/** The fused kernel's memory (its layout: see the header). */
function fusedRunParts(s: RunSizes): MemoryPart[] {
    const parts: MemoryPart[] = [];
    const rows = s.kind === 'inversion' ? s.rows : Math.min(SYNTHESIS_BATCH_ROWS, Math.max(2, s.rows));
    const oracleWidths = [s.inputs, ...s.oracleLayers, s.outputs];
    const gen = s.method.kind === 'generator' ? [s.method.latent + (s.kind === 'synthesis' ? 1 : 0), ...s.method.layers, s.free] : null;
    const block = Math.min(FUSED_BLOCK, rows);
    parts.push({ what: 'the oracle in the fused kernel', bytes: (parameters(oracleWidths) + 3 * sum(oracleWidths) * block) * FLOAT, on: 'tensors' });
    if (gen) parts.push({ what: 'the generator and its optimiser in the fused kernel', bytes: (4 * parameters(gen) + 3 * sum(gen) * block) * FLOAT, on: 'tensors' });
    const perRow = 2 * s.free + s.outputs + (gen ? gen[0] : 4 * s.free) + (s.spread ? 3 * s.free : 0);
    parts.push({ what: `${count(s.rows)} ${s.kind === 'inversion' ? 'solutions' : 'rows'} in the fused kernel`, bytes: perRow * s.rows * FLOAT, on: 'tensors' });
    if (s.spread && rows > ON_DEVICE_NEIGHBOURS) parts.push(spreadPart(rows, s.free));
    if (s.kind === 'synthesis') {
        // Refining the rows: the adjoint's values and moments, and the CSV text.
        parts.push({ what: `refining ${count(s.rows)} rows in the fused kernel`, bytes: 6 * s.free * s.rows * FLOAT, on: 'tensors' });
        parts.push({ what: `the CSV text of ${count(s.rows)} rows`, bytes: s.rows * (s.inputs + s.outputs) * 12 * 2, on: 'heap' });
    }
    parts.push(...resultParts(s));
    return parts;
}

function trainingParts(s: TrainingSizes): MemoryPart[] {
    const widths = [s.inputs, ...s.layers, s.outputs];
    return [
        { what: 'the training data, read whole', bytes: CSV_FACTOR * s.csvBytes, on: 'heap' },
        { what: `a batch of ${count(s.batch)} rows`, bytes: PASS_FLOATS * s.batch * sum(widths) * FLOAT, on: 'tensors' },
        { what: 'the network and its optimiser', bytes: PARAMETER_FLOATS * parameters(widths) * FLOAT, on: 'tensors' },
    ];
}

function summarise(parts: MemoryPart[], reduce: string[]): MemoryEstimate {
    const tensorBytes = sum(parts.filter((p) => p.on === 'tensors').map((p) => p.bytes));
    const heapBytes = sum(parts.filter((p) => p.on === 'heap').map((p) => p.bytes));
    return { parts, tensorBytes, heapBytes, bytes: BASELINE_BYTES + tensorBytes + heapBytes, reduce };
}

/** What to make smaller: for each part, heaviest first, the sizes it grows with (each said once). */
function reduceAdvice(s: JobSizes, parts: MemoryPart[]): string[] {
    if (s.kind === 'training') return ['the rows of the training CSV', '`batch`', '`layers`'];
    const rows = s.kind === 'inversion' ? '`solutions`' : '`count`';
    const generator = s.method.kind === 'generator' ? 'the generator\'s `latent` and `layers`' : null;
    const advice: string[] = [];
    for (const part of [...parts].sort((a, b) => b.bytes - a.bytes)) {
        if (part.bytes < 0.05 * sum(parts.map((p) => p.bytes))) break;
        if (part.what.includes('spread term')) advice.push(s.kind === 'inversion' ? '`solutions` (the spread term grows with its square)' : '', '`diversity 0`');
        else if (part.what.includes('generator') && generator) advice.push(generator);
        else if (part.what.startsWith('a step') && generator && s.method.kind === 'generator' && s.method.latent + sum(s.method.layers) > 2 * (s.inputs + sum(s.oracleLayers))) advice.push(generator, rows);
        else advice.push(rows);
    }
    const said = new Set<string>();
    return advice.filter((a) => {
        const key = a.split(' ')[0];
        if (a === '' || said.has(key)) return false;
        said.add(key);
        return true;
    });
}

// ---------------------------------------------------------------- judging an estimate

export interface MemoryVerdict {
    level: 'ok' | 'warning' | 'error';
    /** For a warning or an error: the estimate, the limit, what weighs most and what to reduce. */
    message: string;
}

export interface MemoryLimits {
    /** The machine's memory (os.totalmem()). */
    machineBytes: number;
    /** The backend that will run it (`auto`: not known yet). */
    backend: BackendChoice;
    /** The JavaScript heap limit of the process that runs it, when known. */
    heapLimitBytes?: number;
}

export function judgeMemory(e: MemoryEstimate, limits: MemoryLimits): MemoryVerdict {
    const about = `needs about ${bytesText(e.bytes)} (${biggestParts(e)})`;
    const reduce = `; reduce ${e.reduce.join(', or ')}`;
    if (e.bytes > limits.machineBytes) {
        return { level: 'error', message: `${about}: more than this machine's ${bytesText(limits.machineBytes)} of memory${reduce}` };
    }
    // The fused kernel is a wasm32 module of its own: the same 4 GiB bound.
    if ((limits.backend === 'wasm' || limits.backend === 'wasm-fused') && e.tensorBytes > WASM_HEAP_BYTES) {
        return { level: 'error', message: `${about}: its tensors (${bytesText(e.tensorBytes)}) do not fit the ${limits.backend} backend's ${bytesText(WASM_HEAP_BYTES)} heap${reduce}` };
    }
    if (limits.heapLimitBytes !== undefined && e.heapBytes > limits.heapLimitBytes) {
        return { level: 'error', message: `${about}: its results (${bytesText(e.heapBytes)}) do not fit the engine's ${bytesText(limits.heapLimitBytes)} JavaScript heap${reduce}` };
    }
    if (limits.backend === 'auto' && e.tensorBytes > WASM_HEAP_BYTES) {
        return { level: 'warning', message: `${about}: on a wasm backend (what \`auto\` picks without a GPU or TensorFlow for Node) its tensors (${bytesText(e.tensorBytes)}) do not fit its ${bytesText(WASM_HEAP_BYTES)} heap${reduce}` };
    }
    if (e.bytes > WARN_SHARE * limits.machineBytes) {
        return { level: 'warning', message: `${about}: more than half of this machine's ${bytesText(limits.machineBytes)}${reduce}` };
    }
    return { level: 'ok', message: '' };
}

function biggestParts(e: MemoryEstimate): string {
    const top = [...e.parts].sort((a, b) => b.bytes - a.bytes).filter((p) => p.bytes >= 0.25 * e.bytes).slice(0, 2);
    return `mostly ${top.map((p) => `${p.what}: ${bytesText(p.bytes)}`).join('; ') || 'the process itself'}`;
}

export function bytesText(bytes: number): string {
    if (bytes >= 2 ** 40) return `${(bytes / 2 ** 40).toFixed(1)} TiB`;
    if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
    return `${Math.max(1, Math.round(bytes / 2 ** 20))} MiB`;
}

function parameters(widths: number[]): number {
    let p = 0;
    for (let i = 1; i < widths.length; i++) p += widths[i - 1] * widths[i] + widths[i];
    return p;
}

function sum(values: number[]): number {
    return values.reduce((a, b) => a + b, 0);
}

/** 20000 -> "20,000" (not toLocaleString: it is slow, and this runs for every block of a file). */
function count(n: number): string {
    return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
