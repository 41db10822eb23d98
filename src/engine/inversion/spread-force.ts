/**
 * The diversity term (LANGUAGE.md, "Loss": `diversity` x a term that rewards spread).
 *
 * The paper's plain loss collapses its solutions to nearly one point. This term spreads them
 * over the target's level set without costing accuracy:
 * 1. Spread is measured in box-normalised coordinates p (0..1 across each feature's box) by
 *    the nearest-neighbour entropy estimate mean_i log r_i (Kozachenko-Leonenko, up to
 *    constants), r_i the distance from solution i to its nearest neighbour: raising it
 *    pushes crowded solutions apart and leaves well-spaced ones alone.
 * 2. Its gradient is projected, per solution, onto the tangent space of the level set of the
 *    targeted outputs (the component along each output's gradient w.r.t. p is removed), so
 *    it moves solutions *along* the level set, not off it.
 * 3. Its size is set against the accuracy term (see SpreadForce), so the accuracy term
 *    holds the solutions near the level set while they spread; where the target cannot be
 *    met (the paper's Exp3) they spread along the level sets of the output instead.
 * 4. The projected gradient enters the loss as a surrogate sum(stopGradient(c) * x): its
 *    gradient w.r.t. the features is exactly c, back-propagated into the generator.
 * The term acts until the spread settles; then each solution is refined on its own onto its
 * targets without it (stop-rules.ts, inversion-program.ts `refine`), so the spread costs no
 * accuracy at the end.
 *
 * The default weight (DEFAULT_DIVERSITY, in contract/spec.ts so the language reads it without
 * TF.js). The term is scaled so that a weight means the same on every problem: the push on
 * a solution is `diversity` times the pull the accuracy term puts on a miss of one
 * tolerance (SpreadForce). At 0.15 the push moves solutions along the level set and
 * the pull keeps them within a fraction of their tolerance: on the paper's Exp1 (256
 * solutions, 3000 steps) 98 % meet while still spreading and all 256 after settling, with a
 * per-feature standard deviation of 90-160 on the 0-500 boxes (nearly uniform; the paper's
 * loss leaves about 1-4). Weights from 0.05 to 0.5 gave nearly the same spread (its growth
 * is limited by the learning rate, not the weight); larger ones cost accuracy while
 * spreading. `diversity 0` is the paper's loss exactly.
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';

import type { FeatureTransforms } from './feature-transform.js';
import type { Oracle } from '../oracle/oracle.js';
import type { TargetSpec } from '../contract/spec.js';
import { hasTolerance } from '../contract/target-miss.js';
import { nearestNeighbours } from './nearest-neighbour.js';
import { tf } from '../backend/tf.js';

/** Squared distance (in box-normalised units) below which two solutions count as one point. */
export const EPSILON = 1e-8;

/**
 * Scale. The push on a solution is `weight` x (the accuracy term's pull on it when it misses
 * by one tolerance) x (its nearest-neighbour gradient in units of the spacing that uniformly
 * spread solutions would have), so one weight means the same on every problem, whatever the
 * sizes of the outputs, tolerances and boxes: at weight w a solution settles where the pull
 * of a miss of about w tolerances balances the part of the push that leaks off the level set.
 */
/** Per target: its output column, whether the push is projected off its gradient, and its pull. */
export interface SpreadTerm {
    column: number;
    project: boolean;
    pull: number;
}

/**
 * The numbers that scale the term (shared by this TF.js form and the fused kernel's,
 * fused-spread.ts): per target its pull, and the spacing of uniformly spread solutions on
 * the level set, n^(-1/dimension).
 */
export function spreadScale(solutions: number, free: number, oracle: Oracle, targets: TargetSpec[]): { terms: SpreadTerm[]; spacing: number } {
    // `=` targets and objectives are level sets to move along; ranges and one-sided goals
    // are regions to move within (their hinge keeps solutions inside).
    const terms = targets.map((t) => {
        const column = oracle.outputs.indexOf(t.output);
        // The pull of the accuracy term on a miss of one tolerance, per unit output gradient:
        // d/dy (y/std - t)^2 = 2 tolerance/std; an objective pulls with 1.
        const pull = hasTolerance(t) ? 2 * oracle.standardiseLength(column, t.tolerance) : 1;
        return { column, project: t.kind === 'equal' || t.kind === 'maximize' || t.kind === 'minimize', pull };
    });
    const equalities = terms.filter((t) => t.project).length;
    return { terms, spacing: solutions ** (-1 / Math.max(1, free - equalities)) };
}

/**
 * Up to this many solutions the nearest neighbours are found on the backend from blocks of
 * the distance matrix (DISTANCE_BLOCK entries at most at a time); beyond, the solutions are
 * read back and searched with a k-d tree (nearest-neighbour.ts), whose time grows as
 * n log n rather than n^2. Either way memory grows linearly with the solutions.
 */
export const ON_DEVICE_NEIGHBOURS = 4096;
const DISTANCE_BLOCK = 1 << 22;

export class SpreadForce {
    private readonly lo: Tensor2D;
    private readonly width: Tensor2D;
    private readonly spacing: number;
    private readonly terms: SpreadTerm[];

    constructor(
        private readonly weight: number,
        private readonly solutions: number,
        private readonly transforms: FeatureTransforms,
        private readonly oracle: Oracle,
        targets: TargetSpec[],
    ) {
        const free = transforms.free;
        this.lo = tf.tensor2d(free.map((f) => f.origin), [1, free.length]);
        this.width = tf.tensor2d(free.map((f) => f.width), [1, free.length]);
        ({ terms: this.terms, spacing: this.spacing } = spreadScale(solutions, free.length, oracle, targets));
    }

    /**
     * The coefficients c [n, free] of the surrogate term sum(c * x) for free features x
     * (user units, no gradient needed): its gradient w.r.t. x is c.
     */
    coefficients(x: Tensor2D): Tensor2D {
        return tf.tidy(() => {
            const p = tf.div(tf.sub(x, this.lo), this.width) as Tensor2D;
            const ascent = tf.mul(this.entropyGradient(p), this.spacing) as Tensor2D;
            const normals = this.outputGradients(x);
            const tangent = projectOut(
                ascent,
                normals.filter((_, i) => this.terms[i].project),
            );
            // Per solution: the strongest pull of the accuracy term at a miss of one tolerance.
            const pulls = normals.map((n, i) => tf.mul(tf.sqrt(tf.sum(tf.square(n), 1)), this.terms[i].pull));
            const perSolution = tf.reshape(pulls.length === 1 ? pulls[0] : pulls.reduce((a, b) => tf.maximum(a, b)), [-1, 1]);
            // The accuracy term is a mean over solutions; so is this one. Minimising
            // -sum(push . p) / n moves p along the push; chain rule p -> x divides by width.
            const scale = -this.weight / this.solutions;
            return tf.mul(tf.div(tf.mul(tangent, perSolution), this.width), scale) as Tensor2D;
        });
    }

    /** d/dp of sum_i 0.5 log(r_i^2 + eps), r_i the distance to i's nearest neighbour. */
    private entropyGradient(p: Tensor2D): Tensor2D {
        const nearest = this.nearest(p);
        const diff = tf.sub(p, tf.gather(p, nearest));
        const r2 = tf.sum(tf.square(diff), 1, true);
        const own = tf.div(diff, tf.add(r2, EPSILON));
        // Solution j is the nearest neighbour of others: their terms push it the other way
        // (scatterND sums the rows that land on one index).
        const pushedBack = tf.scatterND(tf.reshape(nearest, [-1, 1]), own, own.shape);
        return tf.sub(own, pushedBack) as Tensor2D;
    }

    /** Each solution's nearest other solution [n] (int32), in memory linear in n. */
    private nearest(p: Tensor2D): Tensor1D {
        const n = this.solutions;
        // The k-d tree reads the solutions back synchronously: not on webgpu, which cannot
        // (in Node), and whose blocked search on the device is fast anyway.
        if (n > ON_DEVICE_NEIGHBOURS && tf.getBackend() !== 'webgpu') {
            return tf.tensor1d(nearestNeighbours(p.dataSync(), n, p.shape[1]), 'int32');
        }
        const sq = tf.sum(tf.square(p), 1);
        const rows = Math.max(1, Math.floor(DISTANCE_BLOCK / n));
        const parts: Tensor1D[] = [];
        for (let first = 0; first < n; first += rows) {
            const count = Math.min(rows, n - first);
            const block = tf.slice(p, [first, 0], [count, -1]);
            const d = tf.sub(tf.add(tf.reshape(tf.slice(sq, [first], [count]), [-1, 1]), tf.reshape(sq, [1, -1])), tf.mul(tf.matMul(block, p, false, true), 2));
            // No solution is its own nearest neighbour.
            const self = tf.mul(tf.oneHot(tf.range(first, first + count, 1, 'int32'), n), 1e9);
            parts.push(tf.argMin(tf.add(d, self), 1) as Tensor1D);
        }
        return parts.length === 1 ? parts[0] : (tf.concat(parts) as Tensor1D);
    }

    /** Per target: the gradient of its output w.r.t. p [n, free]. */
    private outputGradients(x: Tensor2D): Tensor2D[] {
        return this.terms.map((t) => {
            const g = tf.grad((xf: Tensor) => tf.sum(tf.slice(this.oracle.standardised(this.transforms.splice(xf as Tensor2D)), [0, t.column], [-1, 1])))(x);
            return tf.mul(g, this.width) as Tensor2D;
        });
    }

    dispose(): void {
        tf.dispose([this.lo, this.width]);
    }
}

/** v with its component along each normal removed, row by row (Gram-Schmidt on the normals). */
export function projectOut(v: Tensor2D, normals: Tensor2D[]): Tensor2D {
    return tf.tidy(() => {
        const basis: Tensor[] = [];
        for (const n of normals) {
            let q: Tensor = n;
            for (const b of basis) q = tf.sub(q, tf.mul(tf.sum(tf.mul(q, b), 1, true), b));
            q = tf.div(q, tf.sqrt(tf.add(tf.sum(tf.square(q), 1, true), 1e-20)));
            basis.push(q);
        }
        let out: Tensor = v;
        for (const b of basis) out = tf.sub(out, tf.mul(tf.sum(tf.mul(out, b), 1, true), b));
        return out as Tensor2D;
    });
}
