/**
 * How far an output is from its target, in the user's units (LANGUAGE.md, "Inversion"): the
 * absolute miss for `=`, the distance outside the range for `in`, the shortfall for `>=` and
 * `<=`; 0 inside. `maximize`/`minimize` are objectives: they have no miss. A solution meets
 * its targets when every miss is within the target's tolerance; its `error` is the largest
 * miss. The tensor counterpart (for the loss and the diversity gate) is in loss.ts.
 */
import type { ResultTarget } from './results.js';
import type { TargetSpec } from './spec.js';

/** Targets that have a tolerance (every kind but maximize/minimize). */
export type ToleranceTarget = Extract<TargetSpec, { tolerance: number }>;

export function hasTolerance(t: TargetSpec): t is ToleranceTarget {
    return t.kind !== 'maximize' && t.kind !== 'minimize';
}

export function targetMiss(t: ToleranceTarget, y: number): number {
    return t.kind === 'range' ? missOutside(t.low, t.high, y) : missOf1(t.kind, t.value, y);
}

/**
 * The same miss read from a results file's target (the panel, the editor's hints and
 * diagnostics); null for objectives and distributions, which have no miss.
 */
export function missOf(target: ResultTarget, achieved: number): number | null {
    switch (target.kind) {
        case 'range':
            return missOutside(target.low ?? -Infinity, target.high ?? Infinity, achieved);
        case 'equal':
        case 'atLeast':
        case 'atMost':
            return target.value === null ? null : missOf1(target.kind, target.value, achieved);
        case 'maximize':
        case 'minimize':
        case 'distribution':
            return null;
    }
}

/** Whether a miss is within the target's tolerance (objectives and distributions: null). */
export function withinTolerance(target: ResultTarget, miss: number | null): boolean | null {
    return miss === null ? null : miss <= (target.tolerance ?? 0);
}

function missOutside(low: number, high: number, y: number): number {
    return Math.max(low - y, y - high, 0);
}

function missOf1(kind: 'equal' | 'atLeast' | 'atMost', value: number, y: number): number {
    switch (kind) {
        case 'equal':
            return Math.abs(y - value);
        case 'atLeast':
            return Math.max(value - y, 0);
        case 'atMost':
            return Math.max(y - value, 0);
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
