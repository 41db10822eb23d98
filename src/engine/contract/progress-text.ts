/**
 * How a run's progress reads, in one format for every surface that shows it: the `■ Cancel`
 * lens, the status item and the notification, the results panel, and the work-done progress
 * other LSP editors show (`step 1200/3000 · loss 3.1e-4 · 12 meet`). Plain data in, text out;
 * the webview imports it too.
 */

/** What a progress report says (the engine worker's `WorkerProgress`, the protocol's `RunProgress`). */
export interface ProgressFacts {
    phase: 'training-oracle' | 'running';
    step: number;
    steps: number;
    /** NaN (null in JSON) before the first loss is read. */
    loss: number | null;
    meeting: number | null;
}

/** `step 1200/3000 · loss 3.1e-4 · 12 meet`, or `training oracle · epoch 12/200 · loss 0.031`. */
export function describeProgress(p: ProgressFacts): string {
    const what = p.phase === 'training-oracle' ? `training oracle · epoch ${p.step}/${p.steps}` : `step ${p.step}/${p.steps}`;
    // The loss is not known before the first step is read (NaN, which JSON carries as null).
    const loss = typeof p.loss === 'number' && Number.isFinite(p.loss) ? ` · loss ${formatLoss(p.loss)}` : '';
    const meeting = p.meeting !== null && p.meeting !== undefined ? ` · ${p.meeting} meet` : '';
    return `${what}${loss}${meeting}`;
}

/** Share of the job done, 0–100 (for progress bars). */
export function progressPercent(p: ProgressFacts): number {
    return p.steps > 0 ? Math.min(100, Math.max(0, (100 * p.step) / p.steps)) : 0;
}

/** A loss moves over orders of magnitude while it trains: two significant digits say where it is. */
export function formatLoss(v: number): string {
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-2 || a >= 1e4)) return v.toExponential(1).replace('e+', 'e');
    if (a >= 100) return String(Math.round(v));
    return String(Number(v.toPrecision(2)));
}
