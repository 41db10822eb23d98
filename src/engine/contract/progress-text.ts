/**
 * How a run's progress reads, in one format for every surface that shows it: the `■ Cancel`
 * lens, the status item and the notification, the results panel, and the work-done progress
 * other LSP editors show (`step 1200/3000 · loss 3.1e-4 · 12 meet`; numbers in the one format,
 * number-format.ts). Plain data in, text out; the webview imports it too.
 */
import { formatLoss } from './number-format.js';

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
    return `${p.phase === 'training-oracle' ? 'training oracle · ' : ''}${describeSteps(p)}`;
}

/** The same without `training oracle` (for a surface whose heading already says what is trained). */
export function describeSteps(p: ProgressFacts): string {
    const what = p.phase === 'training-oracle' ? `epoch ${p.step}/${p.steps}` : `step ${p.step}/${p.steps}`;
    // The loss is not known before the first step is read (NaN, which JSON carries as null).
    const loss = typeof p.loss === 'number' && Number.isFinite(p.loss) ? ` · loss ${formatLoss(p.loss)}` : '';
    const meeting = p.meeting !== null && p.meeting !== undefined ? ` · ${p.meeting} meet` : '';
    return `${what}${loss}${meeting}`;
}

/** Share of the job done, 0–100 (for progress bars). */
export function progressPercent(p: ProgressFacts): number {
    return p.steps > 0 ? Math.min(100, Math.max(0, (100 * p.step) / p.steps)) : 0;
}
