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
 * Into the data (support.ts): when the search keeps to the oracle's data, each step also
 * moves a solution that lies where the data is thin along the level set (its step projected
 * off the targets' gradients) towards where the data is denser, by WALK_STEP of a raw unit
 * times the run's `support` weight, until it is no longer thin or the level set has no
 * denser part near it. Solutions already where the data is are left where they are, so the
 * spread survives there too.
 */
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';

import type { FeatureTransforms } from './feature-transform.js';
import { leastMove, levelSetTargets, residual } from './level-set.js';
import type { Oracle } from '../oracle/oracle.js';
import type { SupportForce } from './support.js';
import type { TargetSpec } from '../contract/spec.js';
import { tf } from '../backend/tf.js';

/** Steps when nothing is thin; with the walk into the data, WALK_STEPS more. */
const STEPS = 20;
const WALK_STEPS = 40;
/** Levenberg-Marquardt damping, relative to the mean of J J^T's diagonal. */
const DAMPING = 1e-3;
/** The largest change of one raw value in one step (a sigmoid box's raw value: 2 is most of the box). */
const MAX_RAW_STEP = 2;
/** The walk's step along the level set, in raw units, at `support 1`. */
const WALK_STEP = 0.1;
/** A solution within this share of each tolerance is on the level set. */
const CLOSE_ENOUGH = 0.1;

export interface ProjectionParts {
    transforms: FeatureTransforms;
    oracle: Oracle;
    targets: TargetSpec[];
    /** The pull into the data, when the search keeps to it. */
    support: SupportForce | null;
}

export async function projectOntoLevelSet(raw: Float32Array, n: number, parts: ProjectionParts): Promise<Float32Array> {
    const { transforms, oracle, support } = parts;
    const targets = levelSetTargets(parts.targets, oracle);
    const k = transforms.free.length;
    if (targets.length === 0 || n === 0 || k === 0) return raw;
    const m = oracle.outputs.length;
    const unit = targets.map((t) => oracle.standardiseLength(t.column, 1));
    const tolerance = targets.map((t, i) => t.target.tolerance * unit[i]);
    const u = Float32Array.from(raw);
    const previous = { u: Float32Array.from(raw), cost: new Float64Array(n).fill(Infinity) };
    const scale = new Float64Array(n).fill(1);
    const steps = STEPS + (support ? WALK_STEPS : 0);
    for (let step = 0; step < steps; step++) {
        // The walk first, then the last STEPS settle every solution onto the level set.
        const walking = support !== null && step < WALK_STEPS;
        const { y, jacobians, density } = await evaluate(u, n, k, transforms, oracle, targets.map((t) => t.column), walking ? support : null);
        let moving = 0;
        for (let i = 0; i < n; i++) {
            const r = targets.map((t, ti) => residual(t.target, y[i * m + t.column]) * unit[ti]);
            const onLevelSet = r.every((v, ti) => Math.abs(v) <= CLOSE_ENOUGH * tolerance[ti]);
            const rows = targets.map((_, ti) => jacobians[ti].subarray(i * k, (i + 1) * k).map((v) => v * unit[ti]));
            const walk = density ? tangentStep(density.subarray(i * k, (i + 1) * k), rows, WALK_STEP * support!.weight) : null;
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
    return u;
}

/**
 * The walk's step for one solution: the log-density gradient (w.r.t. its raw values) with
 * its components along the targets' gradients removed, scaled so its largest entry is
 * `size`; null where the data is not thin (the gradient is zero there) or the level set has
 * no direction towards denser data.
 */
function tangentStep(gradient: Float32Array, normals: Float32Array[], size: number): Float64Array | null {
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
    // Mostly across the level set: nowhere denser to go along it.
    if (largest < 1e-3 * whole) return null;
    return g.map((v) => (v / largest) * size);
}

/**
 * At raw values u [n x free]: the oracle's outputs (user units), per targeted column the
 * gradient of that output w.r.t. u, and with a support term the gradient of the data's log
 * density w.r.t. u (zero where the data is not thin).
 */
async function evaluate(
    u: Float32Array,
    n: number,
    k: number,
    transforms: FeatureTransforms,
    oracle: Oracle,
    columns: number[],
    support: SupportForce | null,
): Promise<{ y: Float32Array; jacobians: Float32Array[]; density: Float32Array | null }> {
    const raw = tf.tensor2d(u, [n, k]);
    const outputs = (r: Tensor2D) => oracle.predict(transforms.splice(transforms.apply(r)));
    const tensors = [tf.tidy(() => outputs(raw)), ...columns.map((c) => tf.tidy(() => tf.grad((r: Tensor) => tf.sum(tf.slice(outputs(r as Tensor2D), [0, c], [-1, 1])))(raw)))];
    if (support) {
        const freeColumns = transforms.free.map((f) => f.column);
        tensors.push(
            tf.tidy(() => {
                const g = tf.gather(support.logDensityGradient(transforms.splice(transforms.apply(raw))), freeColumns, 1);
                // Through the transforms: d log q / d u = (d log q / d x) (d x / d u).
                return tf.grad((r: Tensor) => tf.sum(tf.mul(transforms.apply(r as Tensor2D), g)))(raw);
            }),
        );
    }
    try {
        const data = (await Promise.all(tensors.map((t) => t.data()))) as Float32Array[];
        return { y: data[0], jacobians: data.slice(1, 1 + columns.length), density: support ? data[1 + columns.length] : null };
    } finally {
        tf.dispose([raw, ...tensors]);
    }
}
