/**
 * How runs reach the client, the one place that decides what is sent. Progress is published
 * on one beat (PUBLISH_MS): at each beat the latest progress of every run becomes the run
 * state the `■ Cancel` lens reads, and the same snapshot goes out as `inv/progress` (the VS
 * Code extension's status item, notification and panel) or as work-done progress (`$/progress`,
 * any other LSP editor); the lenses are refreshed on the same beat. So every surface shows the
 * same step in the same words (engine/contract/progress-text.ts). When a job ends, the client
 * hears it as `inv/result` or as `window/showMessage`. Refresh requests go only to clients that
 * declared them; others see new lenses when they ask again (on their next edit or redraw) and
 * new diagnostics by push.
 */
import type { LangiumSharedServices } from 'langium/lsp';
import {
    CodeLensRefreshRequest, InlayHintRefreshRequest, MessageType, ShowMessageNotification, WorkDoneProgress,
    WorkDoneProgressCancelNotification, WorkDoneProgressCreateRequest,
} from 'vscode-languageserver';
import { describeProgress, progressPercent } from '../../engine/contract/progress-text.js';
import { progressNotification, resultNotification, type RunFinished, type RunProgress } from '../../protocol.js';
import type { InvServerServices } from '../inv-server-module.js';
import { PLAIN_CLIENT, type RunClient } from './run-client.js';
import type { ActiveJob, RunStates } from './run-state.js';

/**
 * The beat. VS Code asks for lenses again at least 250 ms after a refresh (more on a busy
 * machine: it adapts the wait to how long the server took), and a refresh that comes sooner
 * restarts that wait. A beat of a second leaves the lens, once redrawn, showing the same step
 * as the status item for most of each beat (measured in code-server: a 400 ms beat kept the
 * lens one beat behind); the panel's curve still gets every loss the engine read.
 */
export const PUBLISH_MS = 1000;

interface Pending {
    job: ActiveJob;
    latest: RunProgress;
    losses: Array<[number, number]>;
}

export class InvRunReporter {
    private client: RunClient = PLAIN_CLIENT;
    private readonly shared: LangiumSharedServices;
    private readonly states: RunStates;
    private readonly pending = new Map<string, Pending>();
    /** Per job, the token of its work-done progress once the client created it (null: it refused). */
    private readonly workDone = new Map<string, Promise<string | null>>();
    /** How to cancel the job a work-done progress token shows. */
    private readonly cancels = new Map<string, () => void>();
    private cancelHandler = false;
    private beat: NodeJS.Timeout | undefined;
    private lastBeat = 0;
    private lensesChanged = false;

    constructor(services: InvServerServices) {
        this.shared = services.shared;
        this.states = services.runs.RunStates;
        // A run started, ended or failed, or the trust changed: the lenses say so on the next beat.
        this.states.onDidChange(() => this.lensesNeedRefresh());
    }

    /** From `initialize`. */
    setClient(client: RunClient): void {
        this.client = client;
    }

    get runClient(): RunClient {
        return this.client;
    }

    /**
     * A job started: other editors get a work-done progress they can cancel. Its token names
     * the job (`Quick · run-3`), since some editors (Helix) show the token with each report.
     */
    started(job: ActiveJob, cancel: () => void): void {
        const connection = this.shared.lsp.Connection;
        if (!connection || this.client.showsRuns || !this.client.workDoneProgress) return;
        const what = job.job === 'train' ? `training ${job.name}` : job.name;
        const token = `${what} · ${job.runId}`;
        this.listenForCancel();
        this.cancels.set(token, cancel);
        this.workDone.set(job.runId, connection.sendRequest(WorkDoneProgressCreateRequest.type, { token }).then(() => {
            void connection.sendProgress(WorkDoneProgress.type, token, { kind: 'begin', title: `inv: ${what}`, message: 'starting…', percentage: 0, cancellable: true });
            return token;
        }, () => null));
    }

    /** A progress report from the engine; published on the next beat (at once when its phase changes). */
    progress(job: ActiveJob, progress: RunProgress): void {
        const held = this.pending.get(job.runId);
        if (held && held.latest.phase !== progress.phase) this.publishOne(held);
        const entry = this.pending.get(job.runId) ?? { job, latest: progress, losses: [] };
        entry.latest = progress;
        if (typeof progress.loss === 'number' && Number.isFinite(progress.loss)) entry.losses.push([progress.step, progress.loss]);
        this.pending.set(job.runId, entry);
        this.schedule();
    }

    /** A job ended: say how, close its progress, and refresh what shows results. */
    async finished(job: ActiveJob, finished: RunFinished): Promise<void> {
        // The last step is always shown before the end.
        const held = this.pending.get(job.runId);
        if (held) this.publishOne(held);
        const connection = this.shared.lsp.Connection;
        const token = await this.workDone.get(job.runId);
        this.workDone.delete(job.runId);
        if (token !== undefined && token !== null) {
            this.cancels.delete(token);
            void connection?.sendProgress(WorkDoneProgress.type, token, { kind: 'end', message: finished.error ? 'failed' : finished.summary ?? undefined });
        }
        if (!connection) return;
        if (this.client.showsRuns) {
            await connection.sendNotification(resultNotification, finished);
        } else if (finished.error) {
            this.showMessage(MessageType.Error, `inv: ${finished.name}: ${finished.error}`);
        } else if (finished.summary) {
            this.showMessage(MessageType.Info, finished.job === 'train' ? `inv: ${finished.summary}` : `inv: ${finished.name}: ${finished.summary}`);
        }
    }

    /** `window/showMessage` (a notification, which every client takes; not the request, which needs a declared capability). */
    showMessage(type: MessageType, message: string): void {
        void this.shared.lsp.Connection?.sendNotification(ShowMessageNotification.type, { type, message });
    }

    /** New results: inlay hints change (diagnostics are pushed; lenses follow the run state). */
    resultsChanged(): void {
        if (this.client.inlayHintRefresh) void this.shared.lsp.Connection?.sendRequest(InlayHintRefreshRequest.type).catch(() => undefined);
        this.lensesNeedRefresh();
    }

    lensesNeedRefresh(): void {
        this.lensesChanged = true;
        this.schedule();
    }

    private schedule(): void {
        if (this.beat) return;
        const wait = Math.max(0, this.lastBeat + PUBLISH_MS - Date.now());
        this.beat = setTimeout(() => this.publish(), wait);
    }

    private publish(): void {
        this.beat = undefined;
        this.lastBeat = Date.now();
        const connection = this.shared.lsp.Connection;
        for (const entry of [...this.pending.values()]) this.publishOne(entry);
        if (this.lensesChanged && this.client.codeLensRefresh) {
            void connection?.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
        }
        this.lensesChanged = false;
    }

    /** One run's latest progress becomes its state, and goes to the client. */
    private publishOne({ job, latest, losses }: Pending): void {
        this.pending.delete(job.runId);
        const snapshot: RunProgress = { ...latest, losses };
        this.states.progress(snapshot, job.job, { silent: true });
        this.lensesChanged = true;
        if (this.client.showsRuns) {
            void this.shared.lsp.Connection?.sendNotification(progressNotification, snapshot);
        } else {
            void this.workDone.get(job.runId)?.then((token) => {
                if (token !== null) {
                    void this.shared.lsp.Connection?.sendProgress(WorkDoneProgress.type, token, {
                        kind: 'report', message: describeProgress(snapshot), percentage: Math.floor(progressPercent(snapshot)),
                    });
                }
            });
        }
    }

    /**
     * `window/workDoneProgress/cancel` for the tokens above. (vscode-languageserver's own handler,
     * which this replaces, serves only the progress reporters it creates, which inv does not use.)
     */
    private listenForCancel(): void {
        if (this.cancelHandler) return;
        this.cancelHandler = true;
        this.shared.lsp.Connection?.onNotification(WorkDoneProgressCancelNotification.type, ({ token }) => {
            this.cancels.get(String(token))?.();
        });
    }
}
