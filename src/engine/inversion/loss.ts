/**
 * The accuracy part of the inversion loss (LANGUAGE.md, "Loss"), on standardised outputs so
 * that outputs of different sizes weigh alike: squared error for `=`, a squared hinge (zero
 * inside) for `in`, `>=` and `<=`, and -y / y for `maximize` / `minimize`; summed over the
 * targets, averaged over the solutions. With `diversity 0` this is the whole loss.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';

import type { Oracle } from '../oracle/oracle.js';
import type { TargetSpec } from '../contract/spec.js';
import { hasTolerance } from '../contract/target-miss.js';
import { tf } from '../backend/tf.js';

export interface TargetLoss {
    /** Per solution, the loss summed over the targets: [n]. */
    perSolution(yStd: Tensor2D): Tensor1D;
    /**
     * Per solution, the largest miss as a share of its tolerance (0 inside, 1 at the edge of
     * tolerance): [n]; 0 for a run whose only targets are objectives.
     */
    missRatio(yStd: Tensor2D): Tensor1D;
    /** Column of each targeted output, in target order (objectives included). */
    readonly columns: number[];
}

interface StandardisedTarget {
    column: number;
    spec: TargetSpec;
    /** The target's numbers, standardised with the output's mean and std. */
    lo: number;
    hi: number;
    /** Tolerance in standardised units (Infinity for objectives). */
    tolerance: number;
}

export function targetLoss(targets: TargetSpec[], oracle: Oracle): TargetLoss {
    const terms: StandardisedTarget[] = targets.map((spec) => {
        const column = oracle.outputs.indexOf(spec.output);
        const z = (v: number) => oracle.standardiseOutput(column, v);
        const [lo, hi] =
            spec.kind === 'range' ? [z(spec.low), z(spec.high)] : spec.kind === 'maximize' || spec.kind === 'minimize' ? [0, 0] : [z(spec.value), z(spec.value)];
        return { column, spec, lo, hi, tolerance: hasTolerance(spec) ? oracle.standardiseLength(column, spec.tolerance) : Infinity };
    });
    const column = (yStd: Tensor2D, c: number): Tensor1D => tf.reshape(tf.slice(yStd, [0, c], [-1, 1]), [-1]);

    return {
        columns: terms.map((t) => t.column),
        perSolution: (yStd) =>
            tf.tidy(() => {
                const parts = terms.map((t) => {
                    const y = column(yStd, t.column);
                    switch (t.spec.kind) {
                        case 'equal':
                            return tf.square(tf.sub(y, t.lo));
                        case 'range':
                            return tf.add(tf.square(tf.relu(tf.sub(t.lo, y))), tf.square(tf.relu(tf.sub(y, t.hi))));
                        case 'atLeast':
                            return tf.square(tf.relu(tf.sub(t.lo, y)));
                        case 'atMost':
                            return tf.square(tf.relu(tf.sub(y, t.hi)));
                        case 'maximize':
                            return tf.neg(y);
                        case 'minimize':
                            return y;
                    }
                });
                return (parts.length === 1 ? parts[0] : tf.addN(parts)) as Tensor1D;
            }),
        missRatio: (yStd) =>
            tf.tidy(() => {
                const ratios = terms
                    .filter((t) => Number.isFinite(t.tolerance))
                    .map((t) => {
                        const y = column(yStd, t.column);
                        return tf.div(tf.maximum(tf.relu(tf.sub(t.lo, y)), tf.relu(tf.sub(y, t.hi))), t.tolerance);
                    });
                if (ratios.length === 0) return tf.zeros([yStd.shape[0]]) as Tensor1D;
                return ratios.reduce((a, b) => tf.maximum(a, b)) as Tensor1D;
            }),
    };
}

/**
 * A synthesis's accuracy loss: every row has its own target (its assigned target, already
 * standardised with the output's mean and std: [n]) on one output column; squared error per
 * row. `tolerance` is in standardised units. `targets` is read at every call, so the rows
 * (and their targets) may change between steps.
 */
export function assignedTargetLoss(column: number, tolerance: number, targets: () => Tensor1D): TargetLoss {
    const miss = (yStd: Tensor2D): Tensor1D => tf.sub(tf.reshape(tf.slice(yStd, [0, column], [-1, 1]), [-1]), targets());
    return {
        columns: [column],
        perSolution: (yStd) => tf.tidy(() => tf.square(miss(yStd))),
        missRatio: (yStd) => tf.tidy(() => tf.div(tf.abs(miss(yStd)), tolerance)),
    };
}
