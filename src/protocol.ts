/**
 * Every custom message between the extension (client) and the language server, typed once
 * and imported by both ends (like rust-analyzer's lsp_ext.ts). Code lenses carry these
 * command ids and typed arguments; the client turns them into requests.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { InvResult } from './engine/contract/results.js';

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
    /** NaN before the first step is read, which JSON carries as null: check Number.isFinite. */
    loss: number;
    /** Solutions meeting their targets at this step, when known. */
    meeting: number | null;
    elapsedSeconds: number;
}

/**
 * How a job ended (`inv/result`): enough for a notification and the status item. The result
 * itself stays with the server: `inv/results` returns it, and the results panel asks for it
 * when it shows it.
 */
export interface RunFinished {
    runId: string;
    uri: string;
    name: string;
    /** 'run' for an inversion or synthesis; 'train' for a `▶ Train` job (which has no result). */
    job: 'run' | 'train';
    /** The run produced a result (also when cancelled or diverged): `inv/results` returns it. */
    hasResult: boolean;
    /**
     * One line, when the job did not fail: the result's summary as the lens shows it
     * ("✓ y = 1899.7 · 250/256 meet · 2.4 s · wasm"), or what was trained
     * ("Trained Poly4: test RMSE y = 2.1 (200 epochs, 12.3 s, wasm).").
     */
    summary: string | null;
    /** Present when the job failed: what went wrong and what to do. */
    error: string | null;
}

export const runRequest = new RequestType<RunTarget, RunStarted, void>('inv/run');
export const trainRequest = new RequestType<TrainTarget, RunStarted, void>('inv/train');
export const cancelRequest = new RequestType<CancelParams, void, void>('inv/cancel');
export const progressNotification = new NotificationType<RunProgress>('inv/progress');
export const resultNotification = new NotificationType<RunFinished>('inv/result');

// ---------------------------------------------------------------- results panel (webview)
// Messages between the extension and the results panel (src/webview). Types only: the
// webview imports them with `import type`, so nothing of vscode-jsonrpc is bundled into it.

/** Extension -> panel (`webview.postMessage`). */
export type ToPanel =
    /** Show a result (a finished run, or one opened from the cache). `uri` is the .inv document's
     *  URI when known; the panel echoes it back in `export` and `rerun`. */
    | { type: 'result'; result: InvResult; uri: string | null }
    /** A live progress event of a run (forwarded `inv/progress`); a new runId starts a new curve. */
    | { type: 'progress'; progress: RunProgress }
    /** The run failed: what went wrong and what to do (RunFinished.error). */
    | { type: 'error'; name: string; message: string };

/** Panel -> extension (`acquireVsCodeApi().postMessage`). The panel never touches files:
 *  the extension shows the save dialog and writes them. */
export type FromPanel =
    /** The panel's script has loaded and listens; send it the current result or progress. */
    | { type: 'ready' }
    | { type: 'export'; format: 'csv' | 'json'; name: string; uri: string | null }
    | { type: 'rerun'; name: string; uri: string | null };

/** What the panel keeps with `setState` (and what a WebviewPanelSerializer receives to revive it). */
export interface PanelState {
    version: 1;
    result: InvResult | null;
    uri: string | null;
    sort: { column: string; direction: 'ascending' | 'descending' };
    tab: 'overview' | 'solutions' | 'spread';
    /** scrollTop of the solutions table. */
    tableScroll: number;
}

// ---------------------------------------------------------------- extension <-> server (runs)

/** What the extension passes to the server when it starts it (`initializationOptions`). */
export interface InvInitializationOptions {
    /**
     * Folder where the server caches each document's last results (VS Code's workspace
     * storage), so inline results survive a reload; null: kept in memory only.
     */
    storagePath: string | null;
    /** Untrusted workspaces edit and validate but never train or run (models load code paths and write files). */
    workspaceTrusted: boolean;
}

/** The user granted trust to the workspace (VS Code never revokes it without a reload). */
export interface TrustParams {
    trusted: boolean;
}

/** The runs in progress on the server; the client's status item shows them. */
export interface ActiveRuns {
    runs: RunProgress[];
}

export const trustNotification = new NotificationType<TrustParams>('inv/trust');
/** The last result of one inversion or synthesis (also after a reload: the server caches it); null when it never ran. */
export const resultsRequest = new RequestType<RunTarget, InvResult | null, void>('inv/results');
export const activeRunsRequest = new RequestType0<ActiveRuns, void>('inv/activeRuns');
