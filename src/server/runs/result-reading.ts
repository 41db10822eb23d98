/**
 * Reading a stored result for the inline views (inlay hints, hover, the not-met diagnostic):
 * the best solution's value and the spread of each free feature, and the achieved output and
 * miss of each target. Plain functions of an InvResult; no editor types.
 */
import type { InvResult, ResultTarget } from '../../engine/contract/results.js';
import { missOf, withinTolerance } from '../../engine/contract/target-miss.js';
import { formatCount, formatMiss, formatSeconds, formatSpread, formatValue } from '../../engine/contract/number-format.js';
import { formatInput, resultSummary } from './result-text.js';

export interface FeatureReading {
    feature: string;
    /** A number, or a categorical feature's label. */
    best: number | string;
    /** The result's importance spread (standard deviation / bound width); null when not reported. */
    spread: number | null;
    /** Its importance rank (1 = least spread = most important) among `ranked` free features; null for a fixed one. */
    rank: number | null;
    ranked: number;
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
    const importance = result.summary.importance.find((i) => i.feature === feature);
    return { feature, best: value, spread: importance?.spread ?? null, rank: importance?.rank ?? null, ranked: result.summary.importance.length };
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

/** The hint after a feature's name: `= 391.32` (its spread is in the tooltip: a line has room for a few values only). */
export function describeFeatureValue(r: FeatureReading): string {
    return `= ${formatInput(r.best)}`;
}

export function describeTargetReading(r: TargetReading): string {
    const miss = r.miss === null ? '' : ` · miss ${formatMiss(r.miss)} ${r.met ? '✓' : '✗'}`;
    return `→ ${r.target.output} = ${formatValue(r.achieved)}${miss}`;
}

/** A hint's tooltip for a feature: every figure in full, and where it comes from. */
export function explainFeature(r: FeatureReading, result: InvResult): string {
    const lines = [`**${r.feature}** = ${formatInput(r.best)} in the best of ${result.solutions.length} solutions`];
    if (r.spread !== null) {
        lines.push(`spread ${formatSpread(r.spread)} (standard deviation / bound width)${r.rank !== null ? `: importance rank ${r.rank} of ${r.ranked} (least spread = most important)` : ''}`);
    }
    lines.push(fromRun(result));
    return lines.join('\n\n');
}

/** A hint's tooltip for a target: the goal, what the best solution achieved, how many meet. */
export function explainTarget(r: TargetReading, result: InvResult): string {
    const lines = [`**${r.target.output}**: ${describeGoal(r.target)}${r.target.tolerance !== null ? ` (tolerance ${formatValue(r.target.tolerance)})` : ''}`];
    const verdict = r.met === null ? '' : r.met ? ' — met' : ' — not met';
    lines.push(`best solution: ${formatValue(r.achieved)}${r.miss !== null ? `, miss ${formatMiss(r.miss)}` : ''}${verdict}`);
    lines.push(`${formatCount(result.summary.meeting)}/${formatCount(result.solutions.length)} solutions meet every target`);
    lines.push(fromRun(result));
    return lines.join('\n\n');
}

/** `= 1900`, `in [10, 20]`, `>= 0.9`, `maximize`. */
export function describeGoal(t: ResultTarget): string {
    switch (t.kind) {
        case 'equal': return `= ${formatValue(t.value ?? NaN)}`;
        case 'range': return `in [${formatValue(t.low ?? NaN)}, ${formatValue(t.high ?? NaN)}]`;
        case 'atLeast': return `>= ${formatValue(t.value ?? NaN)}`;
        case 'atMost': return `<= ${formatValue(t.value ?? NaN)}`;
        case 'distribution': return t.low !== null && t.high !== null ? `in [${formatValue(t.low)}, ${formatValue(t.high)}] (each row its own)` : 'like the reference (each row its own)';
        default: return t.kind;
    }
}

function fromRun(result: InvResult): string {
    return `From the last run of ${result.name} (${result.backend}, ${formatSeconds(result.seconds)}, stopped: ${result.stoppedBecause}).`;
}

/** The best solution's free features in one line, for the lens that has room for all: `best x1 = 391.32 · x2 = 482.3`. */
export function describeBestInputs(result: InvResult): string | null {
    const readings = freeFeatures(result).flatMap((f) => featureReading(result, f) ?? []);
    return readings.length ? `best ${readings.map((r) => `${r.feature} = ${formatInput(r.best)}`).join(' · ')}` : null;
}

/**
 * Everything the last run found, in lines of plain text (a hover, a tooltip, the message
 * `inv.openResults` shows in editors without the results panel): the summary, the best
 * solution's inputs and outputs, each target's miss, the spread of each free feature.
 */
export function resultDetails(result: InvResult): string[] {
    const best = result.solutions[result.summary.best];
    const free = new Set(freeFeatures(result));
    const lines = [`${result.name}: ${resultSummary(result)}`];
    if (best) {
        lines.push(`best: ${Object.entries(best.inputs).map(([k, v]) => `${k} = ${formatInput(v)}${free.has(k) ? '' : ' (fixed)'}`).join(', ')}`);
        for (const target of result.targets) {
            const reading = targetReading(result, target.output);
            if (!reading) continue;
            const miss = reading.miss === null ? '' : `, miss ${formatMiss(reading.miss)}${reading.met === null ? '' : reading.met ? ' ✓' : ' ✗'}`;
            lines.push(`→ ${target.output} = ${formatValue(reading.achieved)} (target ${describeGoal(target)}${miss})`);
        }
    }
    const ranked = [...result.summary.importance].sort((a, b) => a.rank - b.rank);
    if (ranked.length) lines.push(`spread, most important first: ${ranked.map((i) => `${i.feature} ${formatSpread(i.spread)}`).join(', ')}`);
    if (result.summary.note) lines.push(result.summary.note);
    return lines;
}
