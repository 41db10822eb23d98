/** Reading a result's targets: how each one is written, and by how much a value misses it. */
import type { ResultTarget } from '../engine/contract/results.js';
import { formatNumber } from './number-format.js';

export function describeTarget(target: ResultTarget): string {
    const tolerance = target.tolerance !== null && target.kind !== 'distribution' ? ` ± ${formatNumber(target.tolerance)}` : '';
    switch (target.kind) {
        case 'equal': return `= ${formatNumber(target.value)}${tolerance}`;
        case 'range': return `in [${formatNumber(target.low)}, ${formatNumber(target.high)}]${tolerance}`;
        case 'atLeast': return `≥ ${formatNumber(target.value)}${tolerance}`;
        case 'atMost': return `≤ ${formatNumber(target.value)}${tolerance}`;
        case 'maximize': return 'maximize';
        case 'minimize': return 'minimize';
        case 'distribution': return 'follows a distribution';
    }
}

/** Absolute miss of `achieved` (0 inside a range or one-sided goal); null for objectives. */
export function missOf(target: ResultTarget, achieved: number): number | null {
    switch (target.kind) {
        case 'equal': return target.value === null ? null : Math.abs(achieved - target.value);
        case 'range': return Math.max((target.low ?? -Infinity) - achieved, achieved - (target.high ?? Infinity), 0);
        case 'atLeast': return target.value === null ? null : Math.max(target.value - achieved, 0);
        case 'atMost': return target.value === null ? null : Math.max(achieved - target.value, 0);
        case 'maximize':
        case 'minimize':
        case 'distribution':
            return null;
    }
}

/** Whether a miss is within the target's tolerance (objectives and distributions: null). */
export function withinTolerance(target: ResultTarget, miss: number | null): boolean | null {
    if (miss === null) return null;
    return miss <= (target.tolerance ?? 0);
}
