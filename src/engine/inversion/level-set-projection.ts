/**
 * Generator proposals, refined: when the spread phase ends (stop-rules.ts), every solution
 * is moved onto the level set of its targets by damped Gauss-Newton (Levenberg-Marquardt)
 * steps on the oracle, the least move that meets every `=`, `in`, `>=`, `<=` target to first
 * order. The steps are taken in the raw values the program optimises, through the feature
 * transforms, so a hard bound still holds by construction. Being the least move, it keeps
 * each solution where the spread phase put it, on the piece of the level set nearest to it:
 * the spread survives, and the refine phase that follows (inversion-program.ts) has little
 * left to do. Where a target cannot be met the steps go as far as the bounds allow. A
 * solution whose miss grows after a step is put back and tries half the step.
 *
 * A walk along the level set comes first (with a spread term): at each of WALK_STEPS steps
 * every solution also moves along the level set (its step projected off the targets'
 * gradients), away from its nearest neighbour (the gradient of the spread term's entropy
 * estimate, spread-force.ts, here on the level set itself) and, when the search keeps to the
 * oracle's data and the solution lies where the data is thin, towards where it is denser
 * (the log density's gradient, support.ts; SUPPORT_PULL times as much, times the run's
 * `support` weight: into the data first, then spread). Each walk step
 * moves a solution by at most WALK_STEP raw units, shrinking to nothing over the walk (but
 * not while it is where the data is thin), so the solutions settle evenly spread. The walk is what evens out the answers along the level
 * set: the generator's spread phase ends with them where the pull onto the level set and the
 * spread term balanced, and the least move onto it keeps any crowding (on the sine wave 23 %
 * of the cells the level set crosses had no answer before the walk).
 */
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';

import type { FeatureTransforms } from './feature-transform.js';
import { leastMove, levelSetTargets, residual } from './level-set.js';
import type { Oracle } from '../oracle/oracle.js';
import { entropyGradient } from './entropy-gradient.js';
import type { SupportForce } from './support.js';
import type { TargetSpec } from '../contract/spec.js';
import { tf } from '../backend/tf.js';

/** Steps that settle the solutions onto the level set; the walk's come first. */
const STEPS = 15;
const WALK_STEPS = 30;
/** Levenberg-Marquardt damping, relative to the mean of J J^T's diagonal. */
const DAMPING = 1e-3;
/** The largest change of one raw value in one step (a sigmoid box's raw value: 2 is most of the box). */
const MAX_RAW_STEP = 2;
/**
 * The walk's first step along the level set, at most, in raw units (it shrinks to 0 over the
 * walk, except for a solution still where the data is thin).
 */
const WALK_STEP = 0.15;
/** Where the data is thin, the walk goes towards denser data this many times as much as away from its neighbour (at `support 1`). */
const SUPPORT_PULL = 3;
/** A solution within this share of each tolerance is on the level set. */
const CLOSE_ENOUGH = 0.1;

export interface ProjectionParts {
    transforms: FeatureTransforms;
    oracle: Oracle;
    targets: TargetSpec[];
    /** The pull into the data, when the search keeps to it. */
    support: SupportForce | null;
    /** Walk along the level set first, spreading the solutions (with a spread term). */
    spread: boolean;
}

export interface Projection {
    /** The raw values, moved. */
    raw: Float32Array;
    /** Per solution: on the level set, within a tenth of every tolerance, where the steps left it. */
    settled: Uint8Array;
}

export async function projectOntoLevelSet(raw: Float32Array, n: number, parts: ProjectionParts): Promise<Projection> {
    const { transforms, oracle, support } = parts;
    const targets = levelSetTargets(parts.targets, oracle);
    const k = transforms.free.length;
    const settled = new Uint8Array(n);
    if (targets.length === 0 || n === 0 || k === 0) return { raw, settled };
    const m = oracle.outputs.length;
    const unit = targets.map((t) => oracle.standardiseLength(t.column, 1));
    const tolerance = targets.map((t, i) => t.target.tolerance * unit[i]);
    const u = Float32Array.from(raw);
    const previous = { u: Float32Array.from(raw), cost: new Float64Array(n).fill(Infinity) };
    const scale = new Float64Array(n).fill(1);
    const walkSteps = parts.spread ? WALK_STEPS : 0;
    for (let step = 0; step < walkSteps + STEPS; step++) {
        // The walk first, then the last STEPS settle every solution onto the level set.
        const walking = step < walkSteps;
        const { y, jacobians, apart, denser } = await evaluate(u, n, k, transforms, oracle, targets.map((t) => t.column), walking ? { support } : null);
        const size = WALK_STEP * (1 - step / Math.max(1, walkSteps));
        let moving = 0;
        for (let i = 0; i < n; i++) {
            const r = targets.map((t, ti) => residual(t.target, y[i * m + t.column]) * unit[ti]);
            const onLevelSet = r.every((v, ti) => Math.abs(v) <= CLOSE_ENOUGH * tolerance[ti]);
            settled[i] = onLevelSet ? 1 : 0;
            const rows = targets.map((_, ti) => jacobians[ti].subarray(i * k, (i + 1) * k).map((v) => v * unit[ti]));
            const walk = apart ? walkStep(apart.subarray(i * k, (i + 1) * k), denser?.subarray(i * k, (i + 1) * k) ?? null, rows, size, (support?.weight ?? 0) * SUPPORT_PULL) : null;
            if (onLevelSet && !walk) continue;
            const cost = r.reduce((s, v) => s + v * v, 0);
            if (!walk && cost > previous.cost[i]) {
                // Worse than before this solution's last step: back, and half as far.
                u.set(previous.u.subarray(i * k, (i + 1) * k), i * k);
                scale[i] /= 2;
                previous.cost[i] = Infinity;
                moving++;
                continue;
            }
            previous.cost[i] = walk ? Infinity : cost;
            previous.u.set(u.subarray(i * k, (i + 1) * k), i * k);
            const active = targets.flatMap((_, ti) => (r[ti] !== 0 ? [ti] : []));
            const move = onLevelSet ? null : leastMove(active.map((ti) => rows[ti]), active.map((ti) => r[ti]), DAMPING);
            if (move) {
                const largest = move.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
                const f = scale[i] * Math.min(1, MAX_RAW_STEP / Math.max(largest, 1e-30));
                for (let j = 0; j < k; j++) u[i * k + j] -= f * move[j];
            }
            if (walk) for (let j = 0; j < k; j++) u[i * k + j] += walk[j];
            moving++;
        }
        if (moving === 0 && !walking) break;
    }
    // The last step's moves were not checked: a solution that moved is not known to be settled.
    return { raw: u, settled };
}

/**
 * The walk's step for one solution: away from its nearest neighbour, plus `pull` times
 * towards denser data (where the data is thin), each along the level set (the components
 * along the targets' gradients removed) and scaled to a largest entry of 1 before they are
 * added; the sum scaled so its largest entry is `size`. Null when there is nowhere to go
 * along the level set.
 */
function walkStep(apart: Float32Array, denser: Float32Array | null, normals: Float32Array[], size: number, pull: number): Float64Array | null {
    const a = tangentPart(apart, normals);
    const d = denser && pull > 0 ? tangentPart(denser, normals) : null;
    if (!a && !d) return null;
    const g = new Float64Array(apart.length);
    for (let j = 0; j < g.length; j++) g[j] = (a ? a[j] : 0) + (d ? pull * d[j] : 0);
    const largest = g.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
    // A solution where the data is thin has somewhere to get to: it goes at the full step.
    const step = d ? WALK_STEP : size;
    return largest > 0 ? g.map((v) => (v / largest) * step) : null;
}

/** A gradient with its components along the normals removed, scaled to a largest entry of 1; null when nothing is left. */
function tangentPart(gradient: Float32Array, normals: Float32Array[]): Float64Array | null {
    const g = Float64Array.from(gradient);
    if (g.every((v) => v === 0)) return null;
    const basis: Float64Array[] = [];
    for (const n of normals) {
        const q = Float64Array.from(n);
        for (const b of basis) {
            const d = q.reduce((s, v, j) => s + v * b[j], 0);
            for (let j = 0; j < q.length; j++) q[j] -= d * b[j];
        }
        const norm = Math.hypot(...q);
        if (norm < 1e-12) continue;
        for (let j = 0; j < q.length; j++) q[j] /= norm;
        basis.push(q);
    }
    for (const b of basis) {
        const d = g.reduce((s, v, j) => s + v * b[j], 0);
        for (let j = 0; j < g.length; j++) g[j] -= d * b[j];
    }
    const largest = g.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
    const whole = gradient.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
    // Mostly across the level set: nowhere to go along it.
    if (largest < 1e-3 * whole) return null;
    return g.map((v) => v / largest);
}

/**
 * At raw values u [n x free]: the oracle's outputs (user units), per targeted column the
 * gradient of that output w.r.t. u, and for a walk the direction each solution walks
 * uphill in: the gradient w.r.t. u of the entropy estimate (away from its nearest
 * neighbour, in box-normalised units) plus, with a support term, `support` times the
 * data's log density (zero where the data is not thin).
 */
async function evaluate(
    u: Float32Array,
    n: number,
    k: number,
    transforms: FeatureTransforms,
    oracle: Oracle,
    columns: number[],
    walk: { support: SupportForce | null } | null,
): Promise<{ y: Float32Array; jacobians: Float32Array[]; apart: Float32Array | null; denser: Float32Array | null }> {
    const raw = tf.tensor2d(u, [n, k]);
    const outputs = (r: Tensor2D) => oracle.predict(transforms.splice(transforms.apply(r)));
    // The oracle's inputs at u, once: the outputs and the data's pull both read them.
    const inputs = tf.tidy(() => transforms.splice(transforms.apply(raw)));
    const tensors = [tf.tidy(() => oracle.predict(inputs)), ...columns.map((c) => tf.tidy(() => tf.grad((r: Tensor) => tf.sum(tf.slice(outputs(r as Tensor2D), [0, c], [-1, 1])))(raw)))];
    if (walk) {
        const support = walk.support;
        const freeColumns = transforms.free.map((f) => f.column);
        const width = tf.tensor2d(transforms.free.map((f) => f.width), [1, k]);
        // Gradients w.r.t. x, through the transforms: d / d u = (d / d x) (d x / d u).
        const throughTransforms = (gx: Tensor2D) => tf.grad((r: Tensor) => tf.sum(tf.mul(transforms.apply(r as Tensor2D), gx)))(raw);
        tensors.push(tf.tidy(() => throughTransforms(tf.div(entropyGradient(tf.div(transforms.apply(raw), width) as Tensor2D), width) as Tensor2D)));
        if (support) {
            const density = await support.logDensityGradient(inputs);
            tensors.push(tf.tidy(() => throughTransforms(tf.gather(density, freeColumns, 1) as Tensor2D)));
            density.dispose();
        }
        width.dispose();
    }
    try {
        const data = (await Promise.all(tensors.map((t) => t.data()))) as Float32Array[];
        const extra = data.slice(1 + columns.length);
        return { y: data[0], jacobians: data.slice(1, 1 + columns.length), apart: extra[0] ?? null, denser: extra[1] ?? null };
    } finally {
        tf.dispose([raw, inputs, ...tensors]);
    }
}
