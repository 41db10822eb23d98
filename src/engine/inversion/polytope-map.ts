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

    constructor(
        readonly columns: FreeColumn[],
        /** One space for all solutions, or one per solution. */
        private readonly spaces: RelationSpace[],
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
    }

    apply(u: Tensor2D): Tensor2D {
        return tf.tidy(() => {
            const n = u.shape[0];
            const k = this.columns.length;
            if (this.raw === 0) return tf.add(tf.zeros([n, k]), this.center) as Tensor2D;
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
        return Array.from(space.map(Array.from({ length: this.raw }, (_, j) => Math.tanh(u[j]))));
    }

    rawFor(x: ArrayLike<number>, row: number): number[] {
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
