/**
 * What the inverse benchmarks measure, on the TRUE forward function (problems.mjs):
 * - true re-simulation error of an answer x: mean over outputs of (f(x) - target)^2;
 * - r_k (Ren et al. 2020): the least true re-simulation error among the first k answers in
 *   the order inv reports them (best by the oracle first);
 * - spread: the standard deviation of each free feature over the answers;
 * - level-set coverage: of the cells of a 16 x 16 grid over two free features (their box)
 *   that the true level set crosses, the share that hold an answer truly within 1e-3 of
 *   every target.
 */
import { PROBLEMS, randomSource } from './problems.mjs';

export const GRID = 16;
export const TRULY_WITHIN = 1e-3;

export function trueMse(problem, targets, x) {
    const y = problem.forward(x);
    return targets.reduce((s, t, o) => s + (y[o] - t) ** 2, 0) / targets.length;
}

export function trueMiss(problem, targets, x) {
    const y = problem.forward(x);
    return Math.max(...targets.map((t, o) => Math.abs(y[o] - t)));
}

export function rK(errors, k) {
    return Math.min(...errors.slice(0, k));
}

export function spreadOf(rows, columns) {
    return columns.map((c) => {
        const v = rows.map((r) => r[c]);
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    });
}

/**
 * Cells of the GRID x GRID grid over the box of the two `axes` (indices into the inputs)
 * that the true level set crosses: many seeded random points of the free box, each pulled
 * onto the level set by Gauss-Newton steps (numerical Jacobian, minimum-norm step); the
 * points that land on it (miss < 1e-9) and stay in the box mark their cells.
 */
export function levelSetCells(problem, targets, box, axes, fixed, { starts = 40_000, seed = 1, grid = GRID } = {}) {
    const random = randomSource(seed);
    const freeIdx = box.map((b, i) => (b ? i : -1)).filter((i) => i >= 0);
    const cells = new Set();
    const x = new Array(box.length);
    for (let s = 0; s < starts; s++) {
        for (let i = 0; i < box.length; i++) x[i] = box[i] ? box[i].lo + (box[i].hi - box[i].lo) * random.uniform() : fixed[i];
        if (project(problem, targets, x, freeIdx) && freeIdx.every((i) => x[i] >= box[i].lo && x[i] <= box[i].hi)) {
            cells.add(cellOf(x, box, axes, grid));
        }
    }
    return cells;
}

export function cellOf(x, box, axes, grid = GRID) {
    const [a, b] = axes.map((i) => Math.min(grid - 1, Math.max(0, Math.floor((grid * (x[i] - box[i].lo)) / (box[i].hi - box[i].lo)))));
    return a * grid + b;
}

function project(problem, targets, x, free) {
    const h = 1e-6;
    for (let it = 0; it < 30; it++) {
        const y = problem.forward(x);
        const r = targets.map((t, o) => y[o] - t);
        if (!r.every(Number.isFinite)) return false;
        if (Math.max(...r.map(Math.abs)) < 1e-9) return true;
        // J [outputs x free]
        const J = targets.map(() => new Array(free.length));
        free.forEach((i, j) => {
            const keep = x[i];
            x[i] = keep + h;
            const yp = problem.forward(x);
            x[i] = keep;
            targets.forEach((_, o) => (J[o][j] = (yp[o] - y[o]) / h));
        });
        // Minimum-norm step: dx = -J^T (J J^T)^-1 r (outputs are 1 or 2 here).
        const m = targets.length;
        const A = Array.from({ length: m }, (_, p) => Array.from({ length: m }, (_, q) => J[p].reduce((s, v, j) => s + v * J[q][j], 0)));
        const w = solve(A, r);
        if (!w) return false;
        free.forEach((i, j) => (x[i] -= J.reduce((s, row, o) => s + row[j] * w[o], 0)));
    }
    return false;
}

function solve(A, b) {
    if (A.length === 1) return Math.abs(A[0][0]) > 1e-14 ? [b[0] / A[0][0]] : null;
    const det = A[0][0] * A[1][1] - A[0][1] * A[1][0];
    if (Math.abs(det) < 1e-14) return null;
    return [(A[1][1] * b[0] - A[0][1] * b[1]) / det, (A[0][0] * b[1] - A[1][0] * b[0]) / det];
}

export { PROBLEMS };
