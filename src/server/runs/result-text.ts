/**
 * The summary lens's words for a result (also the line `inv/result` and other editors'
 * messages carry). Numbers in the one format of every surface (engine/contract/number-format.ts).
 */
import { formatPercent, formatSeconds, formatValue } from '../../engine/contract/number-format.js';
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
        ? `${formatPercent(r.synthesis.meeting)} meet`
        : `${r.summary.meeting}/${r.solutions.length} meet`;
    const why = r.stoppedBecause === 'cancelled' ? ' · cancelled' : r.stoppedBecause === 'diverged' ? ' · diverged' : '';
    return `${mark} ${outputs ? outputs + ' · ' : ''}${meeting} · ${formatSeconds(r.seconds)} · ${r.backend}${why}`;
}

/** An input of a solution: a number in the one format, or a categorical feature's label. */
export function formatInput(v: number | string): string {
    return typeof v === 'string' ? v : formatValue(v);
}
