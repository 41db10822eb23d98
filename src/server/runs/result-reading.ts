/**
 * Reading a stored result for the inline views (inlay hints, hover, the not-met diagnostic):
 * the best solution's value and the spread of each free feature, and the achieved output and
 * miss of each target. Plain functions of an InvResult; no editor types.
 */
import type { InvResult, ResultTarget } from '../../engine/contract/results.js';
import { missOf, withinTolerance } from '../../engine/contract/target-miss.js';
import { formatSpread, formatValue } from './result-text.js';

export interface FeatureReading {
    feature: string;
    /** A number, or a categorical feature's label. */
    best: number | string;
    /** The result's importance spread (standard deviation / bound width); null when not reported. */
    spread: number | null;
}

export interface TargetReading {
    target: ResultTarget;
    achieved: number;
    /** Absolute miss (0 inside a range or one-sided goal); null for maximize/minimize. */
    miss: number | null;
    met: boolean | null;
}

export function featureReading(result: InvResult, feature: string): FeatureReading | null {
    const best = result.solutions[result.summary.best];
    const value = best?.inputs[feature];
    if (value === undefined) return null;
    const spread = result.summary.importance.find((i) => i.feature === feature)?.spread ?? null;
    return { feature, best: value, spread };
}

/** The free features: those the importance ranks, and categorical ones with their label shares (fixed ones have neither). */
export function freeFeatures(result: InvResult): string[] {
    return [...result.summary.importance.map((i) => i.feature), ...(result.summary.labelShares ?? []).map((l) => l.feature)];
}

export function targetReading(result: InvResult, output: string): TargetReading | null {
    const target = result.targets.find((t) => t.output === output);
    const achieved = result.solutions[result.summary.best]?.outputs[output];
    if (!target || achieved === undefined) return null;
    const miss = missOf(target, achieved);
    return { target, achieved, miss, met: withinTolerance(target, miss) };
}

export function describeFeature(r: FeatureReading): string {
    return `${r.feature} = ${formatValue(r.best)}${r.spread !== null ? ` · spread ${formatSpread(r.spread)}` : ''}`;
}

export function describeTargetReading(r: TargetReading): string {
    const miss = r.miss === null ? '' : r.met ? ` · miss ${formatValue(r.miss)} ✓` : ` · miss ${formatValue(r.miss)} ✗`;
    return `→ ${r.target.output} = ${formatValue(r.achieved)}${miss}`;
}
