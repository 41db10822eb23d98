/**
 * The features of `require` relations while the search trains: raw values u [n, d] become
 * a point of the relations' polytope by the gauge map of linear-relations.ts, in tensors:
 * v = tanh(u) in the cube, then x = c + N (|v|_inf / g(v)) v. Every point the search ever
 * scores lies inside the polytope (to float32's precision); the values written are
 * recomputed from the same raw values in float64 (`exact`), which holds to 1e-9.
 *
 * One polytope for every solution, or one per solution (`spaces` of length n: the slices
 * once whole numbers are chosen for the integer features of a relation, which share their
 * basis and faces and differ in centre and slack). A solution whose slice is a single point,
 * or is shaped unlike the others, stays at its centre.
 *
 * `retract` mode, for optimising the solutions' own values (the finish's refinement): the
 * raw values are the reduced coordinates themselves, x = c + N (size * u), and after each
 * step the caller projects every solution back onto the polytope (`retract`: the Euclidean
 * projection), a projection at every step. Why not the gauge map there: a point on a face
 * has a saturated tanh, and the search can stall where faces meet; why not a pull towards
 * the centre: with Adam's sign-like steps it has fixed points that are not optima (both
 * measured on the concrete example: 0 of 256 answers met 25 MPa after either).
 */
import type { Tensor2D } from '@tensorflow/tfjs';

import type { RelationSpace } from './linear-relations.js';
import type { FreeColumn, TransformPart } from './transform-part.js';
import type { Random } from '../nn/random.js';
import { tf } from '../backend/tf.js';

/** Keeps |v| off 1 when inverting tanh (a point on the boundary). */
const EDGE = 1e-6;
/** The adjoint's starts: v uniform in the cube shrunk by this. */
const START_SHARE = 0.98;

export class PolytopePart implements TransformPart {
    readonly raw: number;
    private readonly basisT: Tensor2D;
    private readonly facesT: Tensor2D;
    private readonly center: Tensor2D;
    private readonly slack: Tensor2D;
    private readonly movable: Tensor2D;
    private readonly radius: number;
    private readonly moves: boolean[];

    /** Raw units per unit of w in `retract` mode: the polytope's size, so a raw step is a share of it. */
    private readonly size: number;

    constructor(
        readonly columns: FreeColumn[],
        /** One space for all solutions, or one per solution. */
        private readonly spaces: RelationSpace[],
        readonly mode: 'gauge' | 'retract' = 'gauge',
    ) {
        const first = spaces.find((s) => s.movable) ?? spaces[0];
        const { k, d } = first;
        this.raw = d;
        this.radius = first.radius;
        const m = first.slack.length;
        const same = (s: RelationSpace) =>
            s.movable && s.d === d && s.slack.length === m && s.radius === first.radius && arraysEqual(s.basis, first.basis) && arraysEqual(s.faces, first.faces);
        this.moves = spaces.map(same);

        this.basisT = tf.tidy(() => tf.transpose(tf.tensor2d(Float32Array.from(first.basis), [k, d])) as Tensor2D);
        this.facesT = tf.tidy(() => tf.transpose(tf.tensor2d(Float32Array.from(first.faces), [m, d])) as Tensor2D);
        const rows = spaces.length;
        this.center = tf.tensor2d(Float32Array.from(spaces.flatMap((s) => Array.from(s.center))), [rows, k]);
        // A slack of 0 (a tight face) blocks its direction; 1e-30 keeps the division finite.
        this.slack = tf.tensor2d(Float32Array.from(spaces.flatMap((s, r) => (this.moves[r] ? Array.from(s.slack, (v) => Math.max(v, 1e-30)) : new Array<number>(m).fill(1)))), [rows, m]);
        this.movable = tf.tensor2d(Float32Array.from(this.moves, (b) => (b ? 1 : 0)), [rows, 1]);
        this.size = Math.max(1e-9, ...columns.map((c) => c.width));
    }

    /**
     * `retract` mode: raw values [n, d] projected onto the polytope (each solution onto its
     * own slice), in float64 (linear-relations.ts: Euclidean, by Dykstra's method).
     */
    async retract(u: Tensor2D): Promise<Tensor2D> {
        if (this.mode !== 'retract') return tf.clone(u);
        const n = u.shape[0];
        const d = this.raw;
        // Read asynchronously: the webgpu backend cannot read a tensor synchronously in Node.
        const values = await u.data();
        const out = new Float32Array(n * d);
        for (let i = 0; i < n; i++) {
            if (!this.moves[this.spaces.length === 1 ? 0 : i]) continue;
            const w = Array.from({ length: d }, (_, j) => values[i * d + j] * this.size);
            const p = this.spaceOf(i).project(w);
            for (let j = 0; j < d; j++) out[i * d + j] = p[j] / this.size;
        }
        return tf.tensor2d(out, [n, d]);
    }

    apply(u: Tensor2D): Tensor2D {
        return tf.tidy(() => {
            const n = u.shape[0];
            const k = this.columns.length;
            if (this.raw === 0) return tf.add(tf.zeros([n, k]), this.center) as Tensor2D;
            if (this.mode === 'retract') return tf.add(this.center, tf.matMul(tf.mul(tf.mul(u, this.size), this.movable), this.basisT)) as Tensor2D;
            const v = tf.tanh(u);
            const norm = tf.max(tf.abs(v), 1, true);
            const ratio = tf.div(tf.matMul(v, this.facesT), this.slack);
            const gauge = tf.add(tf.maximum(tf.max(ratio, 1, true), tf.div(norm, this.radius)), 1e-30);
            const sigma = tf.mul(tf.div(norm, gauge), this.movable);
            return tf.add(this.center, tf.matMul(tf.mul(sigma, v), this.basisT)) as Tensor2D;
        });
    }

    exact(u: ArrayLike<number>, row: number): number[] {
        const space = this.spaceOf(row);
        if (!this.moves[this.spaces.length === 1 ? 0 : row]) return Array.from(space.center);
        // The raw values are retracted after every step; retracting again in float64 makes the point exact.
        if (this.mode === 'retract') return Array.from(space.repair(space.fromReducedPoint(Array.from({ length: this.raw }, (_, j) => u[j] * this.size))));
        return Array.from(space.map(Array.from({ length: this.raw }, (_, j) => Math.tanh(u[j]))));
    }

    rawFor(x: ArrayLike<number>, row: number): number[] {
        if (this.mode === 'retract') return Array.from(this.spaceOf(row).reducedPoint(x), (w) => w / this.size);
        const v = this.spaceOf(row).cubePoint(x);
        return Array.from(v, (vj) => Math.atanh(Math.max(-1 + EDGE, Math.min(1 - EDGE, vj))));
    }

    randomRaw(random: Random): number[] {
        return Array.from({ length: this.raw }, () => Math.atanh(START_SHARE * random.uniform(-1, 1)));
    }

    dispose(): void {
        tf.dispose([this.basisT, this.facesT, this.center, this.slack, this.movable]);
    }

    private spaceOf(row: number): RelationSpace {
        return this.spaces.length === 1 ? this.spaces[0] : this.spaces[row];
    }
}

function arraysEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
}
