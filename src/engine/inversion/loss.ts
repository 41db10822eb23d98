/**
 * The accuracy part of the inversion loss (LANGUAGE.md, "Loss"), on standardised outputs so
 * that outputs of different sizes weigh alike: squared error for `=`, a squared hinge (zero
 * inside) for `in`, `>=` and `<=`, and -y / y for `maximize` / `minimize`; summed over the
 * targets, averaged over the solutions. With `diversity 0` this is the whole loss.
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';

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
    /**
     * The loss a solution settles with at the end of a run: its goals alone when it has an
     * objective beside them (the objective was followed until then), else the same loss.
     */
    settling(): TargetLoss;
}

/**
 * Beside an objective, a goal's miss also costs this much per standard deviation of its
 * output: the objective pulls with 1, so a miss outweighs it ten times over.
 */
const GOAL_PENALTY = 10;

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
    const goals = targets.filter(hasTolerance);
    const withoutObjectives = goals.length > 0 && goals.length < targets.length ? targetLoss(goals, oracle) : null;
    const terms: StandardisedTarget[] = targets.map((spec) => {
        const column = oracle.outputs.indexOf(spec.output);
        const z = (v: number) => oracle.standardiseOutput(column, v);
        const [lo, hi] =
            spec.kind === 'range' ? [z(spec.low), z(spec.high)] : spec.kind === 'maximize' || spec.kind === 'minimize' ? [0, 0] : [z(spec.value), z(spec.value)];
        return { column, spec, lo, hi, tolerance: hasTolerance(spec) ? oracle.standardiseLength(column, spec.tolerance) : Infinity };
    });
    const column = (yStd: Tensor2D, c: number): Tensor1D => tf.reshape(tf.slice(yStd, [0, c], [-1, 1]), [-1]);
    const missRatio = (yStd: Tensor2D): Tensor1D =>
        tf.tidy(() => {
            const ratios = terms
                .filter((t) => Number.isFinite(t.tolerance))
                .map((t) => {
                    const y = column(yStd, t.column);
                    // A one-sided goal misses on one side only (below a `>=`, above a `<=`).
                    const below = t.spec.kind === 'atMost' ? null : tf.relu(tf.sub(t.lo, y));
                    const above = t.spec.kind === 'atLeast' ? null : tf.relu(tf.sub(y, t.hi));
                    const miss = below && above ? tf.maximum(below, above) : (below ?? above)!;
                    return tf.div(miss, t.tolerance);
                });
            if (ratios.length === 0) return tf.zeros([yStd.shape[0]]) as Tensor1D;
            return ratios.reduce((a, b) => tf.maximum(a, b)) as Tensor1D;
        });
    // Objectives beside goals: the objective's constant pull would hold every solution past
    // its goal, where the squared hinge's pull grows to match it (half a standard deviation
    // of the output past a `<=`, whatever the tolerance: the showcase's lightest beam met 0 of
    // 128). So (1) a solution follows the objective only while its goals hold with room to
    // spare: its weight falls from 1 (all goals met exactly) to 0 at half their tolerance, a
    // constant of the step (no gradient through the gate); (2) a miss also costs
    // GOAL_PENALTY x |miss| (standardised), a pull that does not fade near the goal and
    // outweighs the objectives of the solutions that share the generator's weights; and (3)
    // at the end each solution settles onto its goals alone (`settling`, EarlyStopRule).
    const gated = terms.some((t) => Number.isFinite(t.tolerance)) && terms.some((t) => !Number.isFinite(t.tolerance));
    /** How far a goal is missed, standardised (0 inside): [n]. */
    const miss = (t: StandardisedTarget, y: Tensor1D): Tensor1D => {
        switch (t.spec.kind) {
            case 'equal': return tf.abs(tf.sub(y, t.lo)) as Tensor1D;
            case 'range': return tf.add(tf.relu(tf.sub(t.lo, y)), tf.relu(tf.sub(y, t.hi))) as Tensor1D;
            case 'atLeast': return tf.relu(tf.sub(t.lo, y)) as Tensor1D;
            default: return tf.relu(tf.sub(y, t.hi)) as Tensor1D;
        }
    };

    return {
        columns: terms.map((t) => t.column),
        perSolution: (yStd) =>
            tf.tidy(() => {
                const gate = gated ? constantOfTheStep(tf.relu(tf.sub(1, tf.mul(2, missRatio(yStd)))) as Tensor1D) : null;
                const parts = terms.map((t) => {
                    const y = column(yStd, t.column);
                    switch (t.spec.kind) {
                        case 'maximize':
                            return gate ? tf.mul(gate, tf.neg(y)) : tf.neg(y);
                        case 'minimize':
                            return gate ? tf.mul(gate, y) : y;
                        default: {
                            // Squared error for `=`, a squared hinge (zero inside) for `in`, `>=`, `<=`.
                            const m = miss(t, y);
                            return gated ? tf.add(tf.square(m), tf.mul(GOAL_PENALTY, m)) : tf.square(m);
                        }
                    }
                });
                return (parts.length === 1 ? parts[0] : tf.addN(parts)) as Tensor1D;
            }),
        missRatio,
        settling() {
            return withoutObjectives ?? this;
        },
    };
}

/** The same values with no gradient through them (TF.js has no stopGradient). */
const constantOfTheStep = tf.customGrad((x, save) => {
    void save;
    return { value: tf.clone(x as Tensor1D), gradFunc: (dy: Tensor) => tf.zerosLike(dy) };
}) as (x: Tensor1D) => Tensor1D;

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
        settling() {
            return this;
        },
    };
}
