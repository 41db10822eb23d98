/**
 * The feasible polytope of `require` relations (LANGUAGE.md, "Typed inputs and relations"),
 * in float64: the free numeric features a relation names, their boxes, and every relation
 * with the fixed features' values put in. Every written solution satisfies the relations
 * to 1e-9 relative, by construction:
 *
 * - Equalities are eliminated: x = c + N w, N an orthonormal basis of their null space, c a
 *   point that satisfies them (polished in float64).
 * - c is the Chebyshev centre of the polytope in those coordinates (an LP, HiGHS): the
 *   centre of the largest ball inside, so every inequality has slack s_i > 0 there.
 * - The gauge map (Tabas & Zhang, "Computationally efficient safe reinforcement learning
 *   for power systems", 2022) takes the cube [-1, 1]^d onto the polytope:
 *   w = (|v|_inf / g(v)) v, g(v) = max(max_i (G N v)_i / s_i, |v|_inf / R), so
 *   G x = G c + (|v|_inf / g) G N v <= G c + s = h for every row: feasible whatever v is.
 *   R caps directions the polytope leaves open (a feature with no bound).
 * The search runs the same map in float32 tensors (polytope-map.ts); the values written are
 * recomputed here in float64 from the same raw outputs, so float32's 1e-7 never reaches them.
 *
 * An integer feature in a relation is relaxed while the search trains; `slice` gives the
 * polytope of the other features once whole values are chosen for it.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';

import { solveLinearProgram, type LinearProgram } from '../contract/linear-program.js';
import type { Interval } from '../contract/spec.js';

/** A relation over the polytope's variables: sum(coefficients * x) op rhs. */
export interface RelationRow {
    coefficients: number[];
    op: '<=' | '>=' | '=';
    rhs: number;
    /** As written, for messages. */
    text: string;
}

export interface RelationVariable {
    name: string;
    box: Interval | null;
    integer: boolean;
}

/** Dykstra's projection: sweeps over the faces at most (it stops once a sweep moves nothing). */
const PROJECTION_SWEEPS = 200;
/** Written values satisfy every relation to this, relative to the size of its terms. */
export const RELATION_TOLERANCE = 1e-9;
/** A singular value below this share of the largest counts as zero (rank of the equalities). */
const RANK_TOLERANCE = 1e-12;
/** The centre's ball must have at least this radius (relative to the polytope's size) to move around it. */
const DEGENERATE_RADIUS = 1e-9;

export type RelationSpaceResult = { ok: true; space: RelationSpace } | { ok: false; reason: string };

export class RelationSpace {
    /** Variables in the polytope, and how many: k; the dimension of the equalities' null space: d. */
    readonly k: number;
    readonly d: number;
    private constructor(
        readonly variables: RelationVariable[],
        /** Every row as sum(a x) <= h (boxes included) or = b, for checking. */
        private readonly rows: RelationRow[],
        /** The centre c [k]. */
        readonly center: Float64Array,
        /** N [k x d], row-major, orthonormal columns. */
        readonly basis: Float64Array,
        /** G N [m x d] and the slack s = h - G c [m] of every inequality (boxes included). */
        readonly faces: Float64Array,
        readonly slack: Float64Array,
        /** The cap on |w|_inf (directions the polytope leaves open). */
        readonly radius: number,
        /** False when the polytope is (numerically) one point: every map gives the centre. */
        readonly movable: boolean,
    ) {
        this.k = variables.length;
        this.d = basis.length / Math.max(1, this.k);
    }

    /** The polytope of `rows` within the variables' boxes, or why there is none. */
    static async build(variables: RelationVariable[], rows: RelationRow[], radiusCap?: number): Promise<RelationSpaceResult> {
        const k = variables.length;
        let equalities = rows.filter((r) => r.op === '=');
        let inequalities = [...rows.filter((r) => r.op !== '='), ...boxRows(variables)];
        // Up to k rounds: an inequality that no point can leave slack in is an equality in disguise.
        for (let round = 0; round <= k; round++) {
            const affine = affineHull(k, equalities);
            if (!affine.ok) return affine;
            const { point, basis, d } = affine;
            const G = inequalities.map((r) => asUpper(r));
            const faces = new Float64Array(G.length * d);
            G.forEach((g, i) => {
                for (let j = 0; j < d; j++) {
                    let sum = 0;
                    for (let l = 0; l < k; l++) sum += g.a[l] * basis[l * d + j];
                    faces[i * d + j] = sum;
                }
            });
            const scale = sizeOf(variables, rows, point);
            // Slices keep their parent's cap, so that their maps agree (polytope-map.ts shares one).
            const radius = radiusCap ?? 1e4 * scale;
            const centre = await chebyshevCentre(G, faces, d, point, radius);
            if (!centre.ok) return centre;
            const center = new Float64Array(k);
            for (let l = 0; l < k; l++) {
                let sum = point[l];
                for (let j = 0; j < d; j++) sum += basis[l * d + j] * centre.w[j];
                center[l] = sum;
            }
            const slack = Float64Array.from(G, (g) => g.h - dot(g.a, center));
            const space = new RelationSpace(variables, rows.concat(boxRows(variables)), center, basis, faces, slack, radius, true);
            if (centre.r > DEGENERATE_RADIUS * scale || d === 0) {
                if (d === 0 || slack.some((s) => s < 0)) {
                    // A single point (or a flat one): it must itself satisfy every row.
                    const worst = space.violation(center);
                    if (worst > RELATION_TOLERANCE) return { ok: false, reason: infeasibleReason(rows) };
                    return { ok: true, space: new RelationSpace(variables, space.rows, center, basis, faces, slack.map((s) => Math.max(0, s)), radius, false) };
                }
                return { ok: true, space };
            }
            // Flat: find the inequalities that hold with equality everywhere, and move them over.
            const tight = await tightRows(G, faces, d, point, radius, scale);
            if (tight.length === 0) {
                return { ok: true, space: new RelationSpace(variables, space.rows, center, basis, faces, slack.map((s) => Math.max(0, s)), radius, false) };
            }
            const tightSet = new Set(tight);
            equalities = [...equalities, ...tight.map((i) => ({ ...inequalities[i], op: '=' as const }))];
            inequalities = inequalities.filter((_, i) => !tightSet.has(i));
        }
        return { ok: false, reason: infeasibleReason(rows) };
    }

    /**
     * The polytope of the variables not in `values` once those are held at `values` (whole
     * numbers chosen for integer features), or why there is none.
     */
    async slice(values: ReadonlyMap<number, number>): Promise<RelationSpaceResult> {
        const keep = this.variables.map((_, l) => l).filter((l) => !values.has(l));
        const rows: RelationRow[] = [];
        for (const row of this.rows) {
            let rhs = row.rhs;
            for (const [l, v] of values) rhs -= row.coefficients[l] * v;
            const coefficients = keep.map((l) => row.coefficients[l]);
            if (coefficients.every((c) => c === 0)) {
                // Nothing left to move: the row must already hold.
                const size = Math.max(1, Math.abs(row.rhs), ...[...values].map(([l, v]) => Math.abs(row.coefficients[l] * v)));
                const miss = row.op === '<=' ? -rhs : row.op === '>=' ? rhs : Math.abs(rhs);
                if (miss > RELATION_TOLERANCE * size) return { ok: false, reason: `${row.text} cannot hold with ${[...values].map(([l, v]) => `${this.variables[l].name} = ${v}`).join(', ')}` };
                continue;
            }
            rows.push({ coefficients, op: row.op, rhs, text: row.text });
        }
        // Boxes of the kept variables come back through `build`; drop them here.
        const variables = keep.map((l) => this.variables[l]);
        const relationRows = rows.filter((r) => !r.text.startsWith(BOX_TEXT));
        return RelationSpace.build(variables, relationRows, this.radius);
    }

    /**
     * Whole values for the integer variables nearest (in L1) to `x`, with every row holding
     * for some values of the others (a small MIP); null when there are none.
     */
    async nearestWhole(x: ArrayLike<number>): Promise<Map<number, number> | null> {
        const k = this.k;
        const integers = this.variables.map((v, l) => (v.integer ? l : -1)).filter((l) => l >= 0);
        // Variables: x_0..x_{k-1}, then t_j >= |x_l - x̂_l| for each integer l.
        const width = k + integers.length;
        const pad = (a: number[]) => [...a, ...new Array<number>(integers.length).fill(0)];
        const constraints = this.rows.filter((r) => !r.text.startsWith(BOX_TEXT)).map((r) => ({ coefficients: pad(r.coefficients), op: r.op, rhs: r.rhs }));
        integers.forEach((l, j) => {
            const up = new Array<number>(width).fill(0);
            up[l] = 1;
            up[k + j] = -1;
            constraints.push({ coefficients: up, op: '<=', rhs: x[l] });
            const down = new Array<number>(width).fill(0);
            down[l] = -1;
            down[k + j] = -1;
            constraints.push({ coefficients: down, op: '<=', rhs: -x[l] });
        });
        const result = await solveLinearProgram({
            variables: [
                ...this.variables.map((v) => ({ lo: v.box ? v.box.lo : null, hi: v.box ? v.box.hi : null, integer: v.integer })),
                ...integers.map(() => ({ lo: 0, hi: null })),
            ],
            constraints,
            objective: { sense: 'minimize', coefficients: [...new Array<number>(k).fill(0), ...new Array<number>(integers.length).fill(1)] },
        });
        if (result.status !== 'optimal') return null;
        return new Map(integers.map((l) => [l, Math.round(result.x[l])]));
    }

    /** The point for a cube point v [d] (|v_j| <= 1), into `out` [k]. Exact in float64. */
    map(v: ArrayLike<number>, out: Float64Array = new Float64Array(this.k)): Float64Array {
        const w = new Float64Array(this.d);
        let norm = 0;
        for (let j = 0; j < this.d; j++) norm = Math.max(norm, Math.abs(v[j]));
        const sigma = this.movable && norm > 0 ? norm / this.gauge(v, norm) : 0;
        for (let j = 0; j < this.d; j++) w[j] = sigma * v[j];
        return this.fromReduced(w, out);
    }

    /** A cube point that maps to `x` (x inside); for starting a search from given values. */
    cubePoint(x: ArrayLike<number>): Float64Array {
        const w = this.reduced(x);
        let norm = 0;
        for (let j = 0; j < this.d; j++) norm = Math.max(norm, Math.abs(w[j]));
        if (!this.movable || norm === 0) return new Float64Array(this.d);
        // The map's scale is 0-homogeneous in v: v = w / (|w|_inf / g(w)) = w g(w) / |w|_inf.
        const g = this.gauge(w, norm);
        return w.map((wj) => (wj * g) / norm);
    }

    /**
     * The nearest feasible point along the way to the centre: `x` projected onto the
     * equalities' affine hull, then pulled straight towards the centre until every row holds.
     * A point inside stays where it is.
     */
    repair(x: ArrayLike<number>): Float64Array {
        const w = this.reduced(x);
        if (!this.movable) return Float64Array.from(this.center);
        let norm = 0;
        for (let j = 0; j < this.d; j++) norm = Math.max(norm, Math.abs(w[j]));
        const t = norm > 0 ? Math.min(1, 1 / this.gauge(w, norm)) : 0;
        return this.fromReduced(w.map((wj) => wj * t));
    }

    /** The largest violation of any row (boxes included) relative to the size of its terms; 0 when all hold. */
    violation(x: ArrayLike<number>): number {
        let worst = 0;
        for (const row of this.rows) worst = Math.max(worst, rowViolation(row, x));
        return worst;
    }

    /**
     * The Euclidean projection of reduced coordinates w onto the polytope (F w <= s), by
     * Dykstra's alternating projections onto its faces (Boyle & Dykstra 1986): unlike a
     * pull towards the centre, its fixed points are exactly the points where the step
     * pointed out of the polytope, so an optimiser can slide along a face to a corner.
     * The sweeps end within `tolerance` (relative to the polytope's size), and the point is
     * then pulled inside along the ray to the centre, so it is feasible.
     */
    project(w: ArrayLike<number>, tolerance = 1e-10): Float64Array {
        const d = this.d;
        const m = this.slack.length;
        let x = Float64Array.from(w);
        if (!this.movable || d === 0) return new Float64Array(d);
        const corrections = new Float64Array(m * d);
        const norms = new Float64Array(m);
        for (let i = 0; i < m; i++) {
            let s = 0;
            for (let j = 0; j < d; j++) s += this.faces[i * d + j] ** 2;
            norms[i] = s;
        }
        const y = new Float64Array(d);
        for (let sweep = 0; sweep < PROJECTION_SWEEPS; sweep++) {
            let moved = 0;
            for (let i = 0; i < m; i++) {
                if (norms[i] === 0) continue;
                let viol = -this.slack[i];
                for (let j = 0; j < d; j++) {
                    y[j] = x[j] + corrections[i * d + j];
                    viol += this.faces[i * d + j] * y[j];
                }
                const k = viol > 0 ? viol / norms[i] : 0;
                for (let j = 0; j < d; j++) {
                    const next = y[j] - k * this.faces[i * d + j];
                    corrections[i * d + j] = y[j] - next;
                    moved = Math.max(moved, Math.abs(next - x[j]));
                    x[j] = next;
                }
            }
            if (moved <= tolerance * this.radius * 1e-4) break;
        }
        // What the sweeps leave outside (slow convergence at a sharp corner) is pulled in along
        // the ray to the centre: a hair's move, after which every face holds.
        let norm = 0;
        for (let j = 0; j < d; j++) norm = Math.max(norm, Math.abs(x[j]));
        const t = norm > 0 ? Math.min(1, 1 / this.gauge(x, norm)) : 1;
        return x.map((v) => v * t);
    }

    /** The reduced coordinates w = N^T (x - c) of a point. */
    reducedPoint(x: ArrayLike<number>): Float64Array {
        return this.reduced(x);
    }

    /** The point c + N w of reduced coordinates w. */
    fromReducedPoint(w: ArrayLike<number>): Float64Array {
        return this.fromReduced(w);
    }

    /** max(max_i (G N v)_i / s_i, |v|_inf / R) for v with |v|_inf = norm > 0. */
    private gauge(v: ArrayLike<number>, norm: number): number {
        let g = norm / this.radius;
        const m = this.slack.length;
        for (let i = 0; i < m; i++) {
            let q = 0;
            for (let j = 0; j < this.d; j++) q += this.faces[i * this.d + j] * v[j];
            if (q <= 0) continue;
            g = Math.max(g, this.slack[i] > 0 ? q / this.slack[i] : Infinity);
        }
        return g;
    }

    /** w = N^T (x - c). */
    private reduced(x: ArrayLike<number>): Float64Array {
        const w = new Float64Array(this.d);
        for (let l = 0; l < this.k; l++) {
            const dx = x[l] - this.center[l];
            for (let j = 0; j < this.d; j++) w[j] += this.basis[l * this.d + j] * dx;
        }
        return w;
    }

    /**
     * x = c + N w, each variable then kept inside its box: float64 rounding can leave a value
     * a hair (1e-16) past an end its face reached, and a bound is kept exactly (the hair it
     * moves is far within a relation's 1e-9).
     */
    private fromReduced(w: ArrayLike<number>, out: Float64Array = new Float64Array(this.k)): Float64Array {
        for (let l = 0; l < this.k; l++) {
            let sum = this.center[l];
            for (let j = 0; j < this.d; j++) sum += this.basis[l * this.d + j] * w[j];
            const box = this.variables[l].box;
            out[l] = box ? Math.min(box.hi, Math.max(box.lo, sum)) : sum;
        }
        return out;
    }
}

/** How far `x` breaks `row`, relative to max(1, |rhs|, sum |a_l x_l|); 0 when it holds. */
export function rowViolation(row: RelationRow, x: ArrayLike<number>): number {
    let lhs = 0;
    let size = Math.max(1, Math.abs(row.rhs));
    for (let l = 0; l < row.coefficients.length; l++) {
        const term = row.coefficients[l] * x[l];
        lhs += term;
        size += Math.abs(term);
    }
    const miss = row.op === '<=' ? lhs - row.rhs : row.op === '>=' ? row.rhs - lhs : Math.abs(lhs - row.rhs);
    return Math.max(0, miss) / size;
}

// ---------------------------------------------------------------- pieces

const BOX_TEXT = 'bound of ';

function boxRows(variables: RelationVariable[]): RelationRow[] {
    const rows: RelationRow[] = [];
    variables.forEach((v, l) => {
        if (!v.box) return;
        const unit = variables.map((_, j) => (j === l ? 1 : 0));
        rows.push({ coefficients: unit, op: '>=', rhs: v.box.lo, text: `${BOX_TEXT}${v.name}` });
        rows.push({ coefficients: unit, op: '<=', rhs: v.box.hi, text: `${BOX_TEXT}${v.name}` });
    });
    return rows;
}

function asUpper(row: RelationRow): { a: number[]; h: number } {
    return row.op === '>=' ? { a: row.coefficients.map((c) => -c), h: -row.rhs } : { a: row.coefficients, h: row.rhs };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
}

/** The size of the problem: its boxes, right-hand sides and a point in it. */
function sizeOf(variables: RelationVariable[], rows: RelationRow[], point: ArrayLike<number>): number {
    let s = 1;
    for (const v of variables) if (v.box) s = Math.max(s, Math.abs(v.box.lo), Math.abs(v.box.hi));
    for (const r of rows) s = Math.max(s, Math.abs(r.rhs));
    for (let l = 0; l < point.length; l++) s = Math.max(s, Math.abs(point[l]));
    return s;
}

/**
 * The equalities' solutions: x = point + N w, N [k x d] orthonormal (SVD), point the
 * least-squares solution, checked to satisfy every equality.
 */
function affineHull(k: number, equalities: RelationRow[]): { ok: true; point: Float64Array; basis: Float64Array; d: number } | { ok: false; reason: string } {
    if (equalities.length === 0) {
        const basis = new Float64Array(k * k);
        for (let l = 0; l < k; l++) basis[l * k + l] = 1;
        return { ok: true, point: new Float64Array(k), basis, d: k };
    }
    const rows = Math.max(k, equalities.length);
    const A = Matrix.zeros(rows, k);
    equalities.forEach((r, i) => r.coefficients.forEach((c, l) => A.set(i, l, c)));
    const svd = new SingularValueDecomposition(A, { autoTranspose: false });
    const sigma = svd.diagonal;
    const largest = Math.max(...sigma);
    const rank = sigma.filter((s) => s > RANK_TOLERANCE * largest).length;
    const V = svd.rightSingularVectors;
    const U = svd.leftSingularVectors;
    const b = new Float64Array(rows);
    equalities.forEach((r, i) => (b[i] = r.rhs));
    // point = V_r S_r^-1 U_r^T b
    const point = new Float64Array(k);
    for (let j = 0; j < rank; j++) {
        let ub = 0;
        for (let i = 0; i < rows; i++) ub += U.get(i, j) * b[i];
        const coef = ub / sigma[j];
        for (let l = 0; l < k; l++) point[l] += V.get(l, j) * coef;
    }
    for (const r of equalities) {
        if (rowViolation(r, point) > RELATION_TOLERANCE) return { ok: false, reason: `the equalities cannot all hold (${r.text})` };
    }
    const d = k - rank;
    const basis = new Float64Array(k * d);
    for (let l = 0; l < k; l++) for (let j = 0; j < d; j++) basis[l * d + j] = V.get(l, rank + j);
    return { ok: true, point, basis, d };
}

/** The centre and radius of the largest ball (in w) inside G (point + N w) <= h, |w|_inf <= R. */
async function chebyshevCentre(
    G: Array<{ a: number[]; h: number }>, faces: Float64Array, d: number, point: Float64Array, radius: number,
): Promise<{ ok: true; w: number[]; r: number } | { ok: false; reason: string }> {
    if (d === 0) return { ok: true, w: [], r: 0 };
    // Variables: w_0..w_{d-1}, r.
    const lp: LinearProgram = {
        variables: [...Array.from({ length: d }, () => ({ lo: -radius, hi: radius })), { lo: 0, hi: radius }],
        constraints: G.map((g, i) => {
            const row = Array.from(faces.subarray(i * d, (i + 1) * d));
            const norm = Math.hypot(...row);
            return { coefficients: [...row, norm], op: '<=' as const, rhs: g.h - dot(g.a, point) };
        }),
        objective: { sense: 'maximize', coefficients: [...new Array<number>(d).fill(0), 1] },
    };
    const result = await solveLinearProgram(lp);
    if (result.status === 'optimal') return { ok: true, w: result.x.slice(0, d), r: result.x[d] };
    if (result.status === 'infeasible') return { ok: false, reason: 'no point satisfies every relation inside the bounds' };
    return { ok: false, reason: `the LP solver could not find a point inside the relations (${result.status === 'failed' ? result.reason : result.status})` };
}

/** Inequalities that leave no slack anywhere in the polytope (an LP each: the most slack they can have). */
async function tightRows(G: Array<{ a: number[]; h: number }>, faces: Float64Array, d: number, point: Float64Array, radius: number, scale: number): Promise<number[]> {
    const tight: number[] = [];
    const constraints = G.map((g, i) => ({ coefficients: Array.from(faces.subarray(i * d, (i + 1) * d)), op: '<=' as const, rhs: g.h - dot(g.a, point) }));
    for (let i = 0; i < G.length; i++) {
        const result = await solveLinearProgram({
            variables: Array.from({ length: d }, () => ({ lo: -radius, hi: radius })),
            constraints,
            objective: { sense: 'minimize', coefficients: constraints[i].coefficients },
        });
        if (result.status === 'optimal' && constraints[i].rhs - result.objective <= DEGENERATE_RADIUS * scale) tight.push(i);
    }
    return tight;
}

function infeasibleReason(rows: RelationRow[]): string {
    return `no point satisfies ${rows.map((r) => r.text).join(' and ')} inside the bounds`;
}
