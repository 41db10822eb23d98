/**
 * Every custom message between the extension (client) and the language server, typed once
 * and imported by both ends (like rust-analyzer's lsp_ext.ts). Code lenses carry these
 * command ids and typed arguments; the client turns them into requests.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { InvResult } from './engine/results.js';

/** Command ids that code lenses carry (registered by the extension). */
export const Commands = {
    run: 'inv.run',
    train: 'inv.train',
    cancel: 'inv.cancel',
    openResults: 'inv.openResults',
} as const;

/** The argument of a `▶ Run` lens: which inversion or synthesis in which document. */
export interface RunTarget {
    uri: string;
    name: string;
}

/** The argument of a `▶ Train` lens. */
export interface TrainTarget {
    uri: string;
    oracle: string;
}

export interface RunStarted {
    runId: string;
}

export interface CancelParams {
    runId: string;
}

export interface RunProgress {
    runId: string;
    uri: string;
    name: string;
    phase: 'training-oracle' | 'running';
    step: number;
    steps: number;
    loss: number;
    /** Solutions meeting their targets at this step, when known. */
    meeting: number | null;
    elapsedSeconds: number;
}

export interface RunFinished {
    runId: string;
    uri: string;
    name: string;
    /** Present when the run produced results (also when cancelled or diverged). */
    result: InvResult | null;
    /** Present when the run failed: what went wrong and what to do. */
    error: string | null;
}

export const runRequest = new RequestType<RunTarget, RunStarted, void>('inv/run');
export const trainRequest = new RequestType<TrainTarget, RunStarted, void>('inv/train');
export const cancelRequest = new RequestType<CancelParams, void, void>('inv/cancel');
export const progressNotification = new NotificationType<RunProgress>('inv/progress');
export const resultNotification = new NotificationType<RunFinished>('inv/result');
