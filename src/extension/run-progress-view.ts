/**
 * How runs in progress look in the window: one notification per run (with a Cancel button)
 * and one status bar item with a spinner while any run is going. Both are driven by the
 * server's `inv/progress` and `inv/result` notifications, never guessed by the client, so a
 * run started from a lens, the command palette or the results panel shows the same way.
 */
import * as vscode from 'vscode';
import type { CancelParams, RunFinished, RunProgress } from '../protocol.js';
import { Commands } from '../protocol.js';

interface ActiveRun {
    last: RunProgress;
    report(p: RunProgress): void;
    finish(): void;
}

export class RunProgressView implements vscode.Disposable {
    private readonly active = new Map<string, ActiveRun>();
    private readonly status = vscode.window.createStatusBarItem('inv.runs', vscode.StatusBarAlignment.Left, 10);
    private readonly progressEmitter = new vscode.EventEmitter<RunProgress>();
    private readonly finishedEmitter = new vscode.EventEmitter<RunFinished>();
    /** Every progress event of every run (the results panel draws its live curve from it). */
    readonly onDidProgress = this.progressEmitter.event;
    readonly onDidFinish = this.finishedEmitter.event;

    constructor() {
        this.status.name = 'inv runs';
    }

    onProgress(p: RunProgress): void {
        let run = this.active.get(p.runId);
        if (!run) {
            run = this.showNotification(p);
            this.active.set(p.runId, run);
        }
        run.last = p;
        run.report(p);
        this.updateStatus();
        this.progressEmitter.fire(p);
    }

    onFinished(r: RunFinished): void {
        this.active.get(r.runId)?.finish();
        this.active.delete(r.runId);
        this.updateStatus();
        this.finishedEmitter.fire(r);
        if (r.error) {
            void vscode.window.showErrorMessage(`inv: ${r.name}: ${r.error}`);
        } else if (r.summary) {
            void vscode.window.showInformationMessage(`inv: ${r.summary}`);
        }
    }

    /** The client stopped: its runs ended with it. */
    clear(): void {
        for (const run of this.active.values()) run.finish();
        this.active.clear();
        this.updateStatus();
    }

    dispose(): void {
        this.clear();
        this.status.dispose();
        this.progressEmitter.dispose();
        this.finishedEmitter.dispose();
    }

    private showNotification(first: RunProgress): ActiveRun {
        let finish!: () => void;
        const done = new Promise<void>((resolve) => (finish = resolve));
        let reported = 0;
        const run: ActiveRun = { last: first, report: () => undefined, finish: () => finish() };
        void vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `inv: ${first.name}`, cancellable: true },
            (progress, token) => {
                token.onCancellationRequested(() => void cancelRun(first.runId));
                run.report = (p) => {
                    // withProgress takes increments; report the step's share of the whole.
                    const share = p.steps > 0 ? Math.min(100, (100 * p.step) / p.steps) : 0;
                    const increment = p.phase === 'running' ? Math.max(0, share - reported) : undefined;
                    if (increment !== undefined) reported = share;
                    progress.report({ message: describeProgress(p), increment });
                };
                run.report(first);
                return done;
            },
        );
        return run;
    }

    private updateStatus(): void {
        const runs = [...this.active.values()].map((r) => r.last);
        if (runs.length === 0) {
            this.status.hide();
            return;
        }
        const first = runs[0]!;
        this.status.text = `$(sync~spin) inv: ${first.name} ${describeProgress(first)}${runs.length > 1 ? ` (+${runs.length - 1})` : ''}`;
        this.status.tooltip = `${runs.map((r) => `${r.name}: ${describeProgress(r)}`).join('\n')}\nClick to cancel ${first.name}.`;
        this.status.command = { title: 'Cancel run', command: Commands.cancel, arguments: [{ runId: first.runId } satisfies CancelParams] };
        this.status.show();
    }
}

/** Cancels as the status item and the lenses do: through the `inv.cancel` command. */
function cancelRun(runId: string): Thenable<unknown> {
    return vscode.commands.executeCommand(Commands.cancel, { runId } satisfies CancelParams);
}

export function describeProgress(p: RunProgress): string {
    const what = p.phase === 'training-oracle' ? `training oracle · epoch ${p.step}/${p.steps}` : `step ${p.step}/${p.steps}`;
    const meeting = p.meeting !== null ? ` · ${p.meeting} meet` : '';
    // The loss is not known before the first step is read (NaN, which JSON sends as null).
    const loss = typeof p.loss === 'number' && Number.isFinite(p.loss) ? ` · loss ${p.loss.toExponential(1)}` : '';
    return `${what}${loss}${meeting}`;
}
