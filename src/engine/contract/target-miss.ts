/**
 * How far an output is from its target, in the user's units (LANGUAGE.md, "Inversion"): the
 * absolute miss for `=`, the distance outside the range for `in`, the shortfall for `>=` and
 * `<=`; 0 inside. `maximize`/`minimize` are objectives: they have no miss. A solution meets
 * its targets when every miss is within the target's tolerance; its `error` is the largest
 * miss. The tensor counterpart (for the loss and the diversity gate) is in loss.ts.
 */
import type { TargetSpec } from './spec.js';

/** Targets that have a tolerance (every kind but maximize/minimize). */
export type ToleranceTarget = Extract<TargetSpec, { tolerance: number }>;

export function hasTolerance(t: TargetSpec): t is ToleranceTarget {
    return t.kind !== 'maximize' && t.kind !== 'minimize';
}

export function targetMiss(t: ToleranceTarget, y: number): number {
    switch (t.kind) {
        case 'equal':
            return Math.abs(y - t.value);
        case 'range':
            return Math.max(t.low - y, y - t.high, 0);
        case 'atLeast':
            return Math.max(t.value - y, 0);
        case 'atMost':
            return Math.max(y - t.value, 0);
    }
}

/** Per solution: the largest miss over the targets, and whether every miss is within tolerance. */
export function solutionMiss(targets: TargetSpec[], outputIndex: (name: string) => number, outputs: ArrayLike<number>, row: number, width: number): { error: number; meets: boolean } {
    let error = 0;
    let meets = true;
    for (const t of targets) {
        if (!hasTolerance(t)) continue;
        const y = outputs[row * width + outputIndex(t.output)];
        const miss = Number.isNaN(y) ? Infinity : targetMiss(t, y);
        error = Math.max(error, miss);
        if (!(miss <= t.tolerance)) meets = false;
    }
    return { error, meets };
}
