/**
 * Support: how well the oracle's training data backs an answer. An oracle is only right
 * where it has seen data; an answer the oracle says meets its target can miss on the real
 * system by far more than the oracle's test error once it lies where the data is thin.
 *
 * The measure (chosen by measurement, bench/inverse/support-check.mjs): in the data's
 * standardised units (each input centred and divided by its standard deviation in the
 * data), the mean distance m(x) from x to its SUPPORT_NEIGHBOURS nearest training rows.
 * The training rows' own such distances (each row left out of its own neighbours) give its
 * scale: the **support** of x is the share of training rows at least as isolated as x,
 * i.e. with m(row) >= m(x) (1: in the densest part of the data; 0: further from the data
 * than any training row is from the others). An answer is **supported** when its support
 * is at least SUPPORTED_AT: no more isolated than the 99 % least isolated training rows.
 * It is a conformal p-value of the nearest-neighbour distance, so one threshold means the
 * same in every dimension and for every spacing of the data.
 *
 * The search keeps to the data (like the neural adjoint's boundary loss, but shaped by the
 * data rather than a box): see SupportForce. It measures against a seeded subset of at most
 * REFERENCE_ROWS rows, so that its cost per step does not grow with the data.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import type { Tensor2D } from '@tensorflow/tfjs';

import { DataDefectError } from '../contract/errors.js';
import type { InvModelMetadata } from '../contract/model-metadata.js';
import type { OracleSpec } from '../contract/spec.js';
import { readDataTable, type DataTable } from '../oracle/data-table.js';
import { Random, seedFor } from '../nn/random.js';
import { KdTree } from './nearest-neighbour.js';
import { tf } from '../backend/tf.js';

export const SUPPORT_NEIGHBOURS = 8;
/** An answer is supported when at least this share of the training rows is as isolated as it. */
export const SUPPORTED_AT = 0.01;
/**
 * The search term acts on an answer once it is more isolated than this share of the
 * reference rows are (support below about 0.02, twice the SUPPORTED_AT threshold), in full
 * from a quarter further out (GATE_WIDTH).
 */
const SEARCH_QUANTILE = 0.98;
const GATE_WIDTH = 0.25;
/** Rows the search term measures against each time (a seeded subset when the data has more). */
const REFERENCE_ROWS = 2048;
/** Training rows whose own isolation calibrates the score (a seeded subset when there are more). */
const CALIBRATION_ROWS = 2000;

/** Where the data is known, how it is read; or why there is no support. */
export type SupportSource = { support: DataSupport; reason: null } | { support: null; reason: string };

export class DataSupport {
    /** Every training row, standardised, row-major [count x dims]. */
    readonly rowsStandardised: Float32Array;
    /** The rows the search term measures against (standardised). */
    readonly reference: Float32Array;
    readonly referenceCount: number;
    /** Sorted isolation m of the calibration rows (each against all the others). */
    private readonly calibration: Float64Array;
    /** Every training row (standardised), for the nearest-row searches. */
    private readonly rowsTree: KdTree;
    /** The reference rows, for the search term's nearest rows. */
    readonly referenceTree: KdTree;
    /** Where the search term starts to act: the reference rows' own SEARCH_QUANTILE isolation (against the reference set). */
    readonly radius: number;

    private constructor(
        /** The CSV the rows came from (absolute). */
        readonly path: string,
        readonly count: number,
        readonly dims: number,
        readonly mean: number[],
        readonly std: number[],
        rows: Float32Array,
        seed: number,
        /** Some columns are a categorical input's one-hot labels. */
        readonly categorical = false,
    ) {
        this.rowsStandardised = rows;
        const random = new Random(seedFor(seed, 'support'));
        const referenceIdx = subset(count, REFERENCE_ROWS, random);
        this.referenceCount = referenceIdx.length;
        this.reference = gatherRows(rows, dims, referenceIdx);
        this.rowsTree = new KdTree(rows, count, dims);
        this.referenceTree = new KdTree(this.reference, this.referenceCount, dims);
        this.calibration = isolationOfMembers(this.rowsTree, rows, subset(count, CALIBRATION_ROWS, random)).sort();
        const own = isolationOfMembers(this.referenceTree, this.reference, Int32Array.from(referenceIdx.keys())).sort();
        this.radius = own[Math.min(own.length - 1, Math.floor(SEARCH_QUANTILE * own.length))];
    }

    /**
     * The oracle's training data, when it is known: the oracle's `data` CSV, else the CSV its
     * model's metadata records (relative to the .inv file) when that exists and matches the
     * recorded statistics (within 5 %: the model records those of its training split). Never throws: a reason says why there is no support.
     */
    static async forOracle(oracle: OracleSpec, metadata: InvModelMetadata | null, invSource: string): Promise<SupportSource> {
        const candidates: string[] = [];
        if (oracle.training) candidates.push(oracle.training.dataPath);
        else if (metadata?.data) candidates.push(resolve(dirname(invSource), metadata.data));
        if (candidates.length === 0) {
            return { support: null, reason: `oracle ${oracle.name} has no \`data\` and its model records none, so how well the data backs each answer is unknown` };
        }
        const path = candidates[0];
        if (!existsSync(path)) return { support: null, reason: `the oracle's data (${path}) is not there, so how well the data backs each answer is unknown` };
        // Numeric inputs are read as numbers, categorical ones as labels (as training reads them).
        const numeric = oracle.inputs.filter((i) => i.type?.kind !== 'categorical').map((i) => i.name);
        const categorical = Object.fromEntries(oracle.inputs.flatMap((i) => (i.type?.kind === 'categorical' ? [[i.name, i.type.labels]] : [])));
        let table;
        try {
            table = await readDataTable(path, numeric, { skipMissing: true, categorical });
        } catch (e) {
            const why = e instanceof DataDefectError ? e.diagnostics[0]?.message ?? 'it has defects' : (e as Error).message;
            return { support: null, reason: `the oracle's data (${path}) could not be read (${why}), so how well it backs each answer is unknown` };
        }
        if (table.rows < SUPPORT_NEIGHBOURS + 1) return { support: null, reason: `the oracle's data has only ${table.rows} rows: too few to say how well it backs an answer` };
        if (!oracle.training && metadata && Object.keys(categorical).length === 0 && !matchesRecord(table.values, metadata)) {
            return { support: null, reason: `${path} does not match the data the model records (its columns' statistics differ), so how well the data backs each answer is unknown` };
        }
        // The model's columns: a number per numeric input, one column per label of a
        // categorical one (one-hot), in declaration order — the layout the answers come in.
        const columns = modelColumns(oracle, table);
        const dims = columns.length;
        const mean = columns.map((c) => c.reduce((s, v) => s + v, 0) / c.length);
        const std = columns.map((c, j) => Math.sqrt(c.reduce((s, v) => s + (v - mean[j]) ** 2, 0) / c.length) || 1);
        const rows = new Float32Array(table.rows * dims);
        for (let i = 0; i < table.rows; i++) for (let j = 0; j < dims; j++) rows[i * dims + j] = (columns[j][i] - mean[j]) / std[j];
        return { support: new DataSupport(path, table.rows, dims, mean, std, rows, oracle.training?.seed ?? 0, Object.keys(categorical).length > 0), reason: null };
    }

    /** `count` training rows drawn at random (seeded), in user units, row-major [count x dims]. */
    sampleRows(count: number, seed: number): Float64Array {
        const random = new Random(seedFor(seed, 'support-starts'));
        const out = new Float64Array(count * this.dims);
        for (let i = 0; i < count; i++) {
            const r = Math.floor(random.next() * this.count);
            for (let j = 0; j < this.dims; j++) out[i * this.dims + j] = this.rowsStandardised[r * this.dims + j] * this.std[j] + this.mean[j];
        }
        return out;
    }

    /** A point's isolation: the mean distance to its SUPPORT_NEIGHBOURS nearest training rows (standardised units). */
    isolation(inputs: ArrayLike<number>, n: number): Float64Array {
        const points = new Float32Array(n * this.dims);
        for (let i = 0; i < n; i++) for (let j = 0; j < this.dims; j++) points[i * this.dims + j] = (inputs[i * this.dims + j] - this.mean[j]) / this.std[j];
        return isolationIn(this.rowsTree, points, n, null);
    }

    /** Per point (inputs in user units, row-major [n x dims]): its support, 0 to 1. */
    scores(inputs: ArrayLike<number>, n: number): Float64Array {
        const m = this.isolation(inputs, n);
        return m.map((v) => this.supportOf(v));
    }

    /** The share of calibration rows at least as isolated as m. */
    supportOf(m: number): number {
        const c = this.calibration;
        // First index with c[i] >= m.
        let lo = 0;
        let hi = c.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (c[mid] < m) lo = mid + 1;
            else hi = mid;
        }
        return (c.length - lo) / c.length;
    }
}

/**
 * The search term that keeps answers where the data is. It does not fence the answers in
 * (a hinge at a radius pushed every answer of the paper's arm with its prismatic joint held,
 * whose whole level set lies where the data thins, onto the one least-thin point): it
 * weighs where the spread term spreads them. The spread term raises the answers' entropy
 * (a nearest-neighbour estimate, spread-force.ts); this term adds `support` x the mean log
 * density of the data at the answers, estimated from the same nearest neighbours as the
 * support score: log q(x) = -inputs x log m(x) + constant. Maximising entropy plus the mean
 * log density spreads the answers over the level set in proportion to the data's density
 * there (to its power `support`): with `support 1` as the training data would be if
 * restricted to the level set, i.e. as the posterior under the data's distribution; larger
 * concentrates them further inside. Far from the data the pull falls off as 1 / m, so where
 * the whole level set lies outside it the answers still spread, towards its less thin
 * parts, and their support says so. Plain arithmetic on a distance matrix and a top-k, like
 * the spread term's nearest neighbour: portable to a fused kernel.
 */
export class SupportForce {
    constructor(
        private readonly support: DataSupport,
        /** The term's weight (the `support` field): the power of the density the answers follow. */
        readonly weight: number,
    ) {}

    /**
     * The gradient of the data's log density, log q = -inputs x log m, at oracle inputs
     * `inputs` [n, inputs] (user units), with respect to those inputs: [n, inputs]. The
     * nearest reference rows come from the k-d tree on the host (n log n, where a distance
     * matrix to every reference row cost n x 2,048 on the backend each step of the walk).
     */
    async logDensityGradient(inputs: Tensor2D): Promise<Tensor2D> {
        const { dims, mean, std, radius, reference, referenceTree } = this.support;
        const n = inputs.shape[0];
        const x = await inputs.data();
        const k = Math.min(SUPPORT_NEIGHBOURS, referenceTree.n);
        const indices = new Int32Array(k);
        const d2 = new Float64Array(k);
        const dist = new Float64Array(k);
        const s = new Float64Array(dims);
        const out = new Float32Array(n * dims);
        for (let i = 0; i < n; i++) {
            for (let j = 0; j < dims; j++) s[j] = (x[i * dims + j] - mean[j]) / std[j];
            const found = referenceTree.nearest(s, 0, k, indices, d2);
            if (found === 0) continue;
            let m = 0;
            for (let c = 0; c < found; c++) m += dist[c] = Math.sqrt(d2[c] + 1e-12);
            m /= found;
            const gate = Math.min(1, Math.max(0, (m - radius) / (GATE_WIDTH * radius)));
            if (gate === 0) continue;
            // d m / d s = mean over the neighbours of (s - r) / |s - r|; d s / d x = 1 / std.
            for (let j = 0; j < dims; j++) {
                let dm = 0;
                for (let c = 0; c < found; c++) dm += (s[j] - reference[indices[c] * dims + j]) / dist[c];
                dm /= found;
                out[i * dims + j] = ((dm / m) * gate * -dims) / std[j];
            }
        }
        return tf.tensor2d(out, [n, dims]);
    }
}

/** Up to `most` distinct indices of 0..count-1 (all of them when count <= most), seeded. */
function subset(count: number, most: number, random: Random): Int32Array {
    if (count <= most) return Int32Array.from({ length: count }, (_, i) => i);
    return random.permutation(count).slice(0, most).sort();
}

function gatherRows(rows: Float32Array, dims: number, idx: Int32Array): Float32Array {
    const out = new Float32Array(idx.length * dims);
    idx.forEach((r, i) => out.set(rows.subarray(r * dims, (r + 1) * dims), i * dims));
    return out;
}

/** Isolation of some rows of a set against the whole set (its tree), each row left out of its own neighbours. */
function isolationOfMembers(tree: KdTree, rows: Float32Array, members: Int32Array): Float64Array {
    const points = new Float32Array(members.length * tree.dims);
    members.forEach((r, i) => points.set(rows.subarray(r * tree.dims, (r + 1) * tree.dims), i * tree.dims));
    return isolationIn(tree, points, members.length, members);
}

/**
 * Mean distance of each of n points (row-major) to its SUPPORT_NEIGHBOURS nearest rows of
 * the tree (point i's own row `own[i]` excluded: a row is not its own neighbour): by the k-d
 * tree, exact, in linear memory.
 */
function isolationIn(tree: KdTree, points: Float32Array, n: number, own: Int32Array | null): Float64Array {
    const k = Math.min(SUPPORT_NEIGHBOURS, tree.n - (own ? 1 : 0));
    const out = new Float64Array(n);
    const indices = new Int32Array(k);
    const d2 = new Float64Array(k);
    for (let i = 0; i < n; i++) {
        const found = tree.nearest(points, i * tree.dims, k, indices, d2, own ? own[i] : -1);
        let sum = 0;
        for (let c = 0; c < found; c++) sum += Math.sqrt(d2[c]);
        out[i] = found > 0 ? sum / found : Infinity;
    }
    return out;
}

/** The data's columns in the model's layout: numeric inputs as read, a categorical input one-hot. */
function modelColumns(oracle: OracleSpec, table: DataTable): Float64Array[] {
    const columns: Float64Array[] = [];
    let numeric = 0;
    for (const input of oracle.inputs) {
        if (input.type?.kind === 'categorical') {
            const chosen = table.categories![input.name];
            input.type.labels.forEach((_, label) => columns.push(Float64Array.from(chosen, (c) => (c === label ? 1 : 0))));
        } else {
            columns.push(Float64Array.from(table.values[numeric++]));
        }
    }
    return columns;
}

function matchesRecord(values: Float64Array[], metadata: InvModelMetadata): boolean {
    return values.every((c, j) => {
        const rec = metadata.inputs[j];
        if (!rec) return false;
        const mean = c.reduce((s, v) => s + v, 0) / c.length;
        const std = Math.sqrt(c.reduce((s, v) => s + (v - mean) ** 2, 0) / c.length);
        return Math.abs(mean - rec.mean) <= 0.05 * rec.std + 1e-9 && Math.abs(std - rec.std) <= 0.05 * rec.std + 1e-9;
    });
}
