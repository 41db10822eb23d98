/**
 * How a result reads in the editor: the summary lens's words and numbers as a person reads
 * them (the lenses, inlay hints, hover and diagnostics all use these).
 */
import type { InvResult } from '../../engine/contract/results.js';

/** The summary lens's words, e.g. `✓ y = 1899.7 · 250/256 meet · 2.4 s · wasm`. */
export function resultSummary(r: InvResult): string {
    const best = r.solutions[r.summary.best];
    const outputs = r.targets
        .map((t) => (best ? `${t.output} = ${formatValue(best.outputs[t.output] ?? NaN)}` : ''))
        .filter(Boolean)
        .join(', ');
    const mark = r.stoppedBecause === 'cancelled' ? '■' : r.stoppedBecause === 'diverged' ? '✗' : r.summary.meeting > 0 ? '✓' : '⚠';
    const meeting = r.synthesis
        ? `${Math.round(r.synthesis.meeting * 100)}% meet`
        : `${r.summary.meeting}/${r.solutions.length} meet`;
    const why = r.stoppedBecause === 'cancelled' ? ' · cancelled' : r.stoppedBecause === 'diverged' ? ' · diverged' : '';
    return `${mark} ${outputs ? outputs + ' · ' : ''}${meeting} · ${r.seconds.toFixed(1)} s · ${r.backend}${why}`;
}

/** A spread (standard deviation / bound width) is a rough relative measure: two digits say it. */
export function formatSpread(v: number): string {
    if (!Number.isFinite(v)) return String(v);
    return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(1) : Number(v.toPrecision(2)).toString();
}

export function formatValue(v: number | string): string {
    if (typeof v === 'string') return v; // a categorical feature's label
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
    return Number(v.toPrecision(5)).toString();
}
