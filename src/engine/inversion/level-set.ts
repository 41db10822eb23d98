/**
 * The level set of a run's targets as the oracle draws it: the points whose outputs meet
 * every `=`, `in`, `>=` and `<=` target. Families (families.ts) and coverage (coverage.ts)
 * read its geometry: how far a point's outputs are from it, and the outputs' gradients.
 * Objectives (`maximize`/`minimize`) have no level set.
 */
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';

import type { FeatureTransforms } from './feature-transform.js';
import type { Oracle } from '../oracle/oracle.js';
import type { TargetSpec } from '../contract/spec.js';
import { tf } from '../backend/tf.js';

export type GoalTarget = Exclude<TargetSpec, { kind: 'maximize' } | { kind: 'minimize' }>;

export interface LevelSetTarget {
    /** The output's column in the oracle's outputs. */
    column: number;
    target: GoalTarget;
}

export function levelSetTargets(targets: TargetSpec[], oracle: Oracle): LevelSetTarget[] {
    return targets.filter((t): t is GoalTarget => t.kind !== 'maximize' && t.kind !== 'minimize').map((target) => ({ column: oracle.outputs.indexOf(target.output), target }));
}

/** Signed distance of an output value from its target's set (0 inside a range or goal), user units. */
export function residual(t: GoalTarget, y: number): number {
    switch (t.kind) {
        case 'equal':
            return y - t.value;
        case 'range':
            return y < t.low ? y - t.low : y > t.high ? y - t.high : 0;
        case 'atLeast':
            return Math.min(0, y - t.value);
        case 'atMost':
            return Math.max(0, y - t.value);
    }
}

/** Oracle outputs (user units) at free features x [n, free] (user units): [n * outputs], row-major. */
export async function outputsAt(oracle: Oracle, transforms: FeatureTransforms, x: Tensor2D): Promise<Float32Array> {
    const y = tf.tidy(() => oracle.predict(transforms.splice(x)));
    try {
        return (await y.data()) as Float32Array;
    } finally {
        y.dispose();
    }
}

/**
 * Per level-set target, the gradient of its output (user units) with respect to the
 * box-normalised free features p at x [n, free]: [n * free] each, row-major.
 */
export async function outputGradients(oracle: Oracle, transforms: FeatureTransforms, x: Tensor2D, targets: LevelSetTarget[]): Promise<Float32Array[]> {
    const width = transforms.free.map((f) => f.width);
    const grads = targets.map((t) =>
        tf.tidy(() => {
            const g = tf.grad((xf: Tensor) => tf.sum(tf.slice(oracle.predict(transforms.splice(xf as Tensor2D)), [0, t.column], [-1, 1])))(x);
            return tf.mul(g, tf.tensor2d(width, [1, width.length]));
        }),
    );
    try {
        return (await Promise.all(grads.map((g) => g.data()))) as Float32Array[];
    } finally {
        tf.dispose(grads);
    }
}

/**
 * The least move d (Euclidean) with J d = r, for one point's active rows of J:
 * J^T (J J^T + damping * mean diagonal * I)^-1 r; null when singular.
 */
export function leastMove(rows: ArrayLike<number>[], r: number[], damping = 0): Float64Array | null {
    const m = rows.length;
    if (m === 0) return null;
    const k = rows[0].length;
    const a = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => dot(rows[i], rows[j])));
    const diagonal = a.reduce((s, row, i) => s + row[i], 0) / m;
    for (let i = 0; i < m; i++) a[i][i] += damping * diagonal;
    const w = solve(a, r);
    if (!w) return null;
    const d = new Float64Array(k);
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) d[j] += rows[i][j] * w[i];
    return d;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
}

/** Gaussian elimination with partial pivoting on a small system; null when (nearly) singular. */
function solve(a: number[][], b: number[]): number[] | null {
    const m = b.length;
    const A = a.map((row, i) => [...row, b[i]]);
    const scale = Math.max(...a.map((row) => Math.max(...row.map(Math.abs))), 1e-300);
    for (let c = 0; c < m; c++) {
        let pivot = c;
        for (let r = c + 1; r < m; r++) if (Math.abs(A[r][c]) > Math.abs(A[pivot][c])) pivot = r;
        if (Math.abs(A[pivot][c]) <= 1e-12 * scale) return null;
        [A[c], A[pivot]] = [A[pivot], A[c]];
        for (let r = 0; r < m; r++) {
            if (r === c) continue;
            const f = A[r][c] / A[c][c];
            for (let j = c; j <= m; j++) A[r][j] -= f * A[c][j];
        }
    }
    return A.map((row, i) => row[m] / row[i]);
}
