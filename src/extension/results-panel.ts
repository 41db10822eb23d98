/**
 * The results panel's host side (the webview sample's one panel class): `createOrShow` opens
 * or reveals it, `revive` restores it after a reload (WebviewPanelSerializer), `dispose`
 * releases everything it registered. The page itself is src/webview (out/webview.js); it
 * keeps its own state with getState/setState, so the panel is not retained while hidden.
 * The host forwards the run's live progress, pulls a run's result from the server when it
 * shows it (`inv/results`: when opened, and when the run it shows finishes), follows an
 * oracle's training (▶ Train) as a curve, answers export (save dialog, the CLI's writers)
 * and rerun.
 *
 * Where it opens: beside the editor the first time, at PANEL_SHARE of the width when that
 * made a new editor group; after that it stays where the user put it, at the size they gave
 * it: a run reveals it in its own column, and only when it is not already visible.
 */
import * as vscode from 'vscode';
import { writeFileAtomically } from '../engine/contract/atomic-write.js';
import { resultsToCsv, resultsToJson } from '../engine/contract/results-file.js';
import type { InvResult } from '../engine/contract/results.js';
import type { FromPanel, PanelState, RunFinished, RunProgress, RunTarget, ToPanel, TrainTarget } from '../protocol.js';
import { Commands, resultsRequest } from '../protocol.js';
import type { Ctx } from './ctx.js';
import { panelHtml } from './panel-html.js';

/** Which run the panel showed last (workspace memento), for a revival without page state. */
const LAST_TARGET_KEY = 'inv.resultsPanel.target';
/** The panel's share of the width when it opens a new editor group beside the only one. */
const PANEL_SHARE = 0.4;

/** What the panel follows besides a run's results: an oracle's own training. */
interface TrainingSubject {
    oracle: string;
    /** The server's one line once it ended; null while it runs. */
    summary: string | null;
}

export class ResultsPanel {
    static readonly viewType = 'inv.results';
    private static current: ResultsPanel | undefined;

    private readonly disposables: vscode.Disposable[] = [];
    private target: RunTarget | null;
    private result: InvResult | null = null;
    private training: TrainingSubject | null = null;

    /** Opens the panel on a run's last result (or reveals it and switches to that run). */
    static async createOrShow(ctx: Ctx, target: RunTarget, preserveFocus = false): Promise<ResultsPanel> {
        const panel = await ResultsPanel.open(ctx, target, preserveFocus);
        panel.training = null;
        await panel.show(target);
        return panel;
    }

    /** Opens (or reveals) the panel on an oracle's training: its progress draws the training curve. */
    static async showTraining(ctx: Ctx, target: TrainTarget, preserveFocus = true): Promise<ResultsPanel> {
        const subject = { uri: target.uri, name: target.oracle };
        const panel = await ResultsPanel.open(ctx, subject, preserveFocus);
        panel.target = subject;
        panel.result = null;
        panel.training = { oracle: target.oracle, summary: null };
        panel.panel.title = `inv: training ${target.oracle}`;
        panel.post({ type: 'training', oracle: target.oracle });
        return panel;
    }

    /** The panel, revealed where it is; created beside the editor the first time. */
    private static async open(ctx: Ctx, target: RunTarget, preserveFocus: boolean): Promise<ResultsPanel> {
        const existing = ResultsPanel.current;
        if (existing) {
            // Its own column (undefined keeps it), and nothing at all when it is in view: the
            // user's layout and sizes stay.
            if (!existing.panel.visible) existing.panel.reveal(undefined, preserveFocus);
            return existing;
        }
        // Beside the only editor group, VS Code would split the window in half: make the second
        // group first, at PANEL_SHARE of the width, and open the panel in it.
        let viewColumn = vscode.ViewColumn.Beside;
        const groups = (): number => vscode.window.tabGroups.all.length;
        if (groups() === 1) {
            const laidOut = await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups: [{ size: 1 - PANEL_SHARE }, { size: PANEL_SHARE }] })
                .then(() => true, () => false);
            if (laidOut && groups() === 2) viewColumn = vscode.ViewColumn.Two;
        }
        const webviewPanel = vscode.window.createWebviewPanel(ResultsPanel.viewType, 'inv results', { viewColumn, preserveFocus }, webviewOptions(ctx));
        return new ResultsPanel(ctx, webviewPanel, target);
    }

    /**
     * Restores a panel VS Code kept across a reload. The page restores its own state from
     * getState; when that state is missing (a browser workbench may not have saved it), the
     * panel shows the last result of the run it showed, from the server's cache.
     */
    static revive(ctx: Ctx, webviewPanel: vscode.WebviewPanel, state: PanelState | undefined): void {
        webviewPanel.webview.options = webviewOptions(ctx);
        const name = state?.result?.name;
        const target = state?.uri && name ? { uri: state.uri, name } : ctx.extension.workspaceState.get<RunTarget>(LAST_TARGET_KEY) ?? null;
        const panel = new ResultsPanel(ctx, webviewPanel, target);
        panel.result = state?.result ?? null;
        if (!panel.result && target) void panel.show(target);
    }

    static registerSerializer(ctx: Ctx): vscode.Disposable {
        return vscode.window.registerWebviewPanelSerializer(ResultsPanel.viewType, {
            deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
                ResultsPanel.revive(ctx, panel, state as PanelState | undefined);
            },
        });
    }

    private constructor(
        private readonly ctx: Ctx,
        private readonly panel: vscode.WebviewPanel,
        target: RunTarget | null,
    ) {
        this.target = target;
        ResultsPanel.current = this;
        panel.webview.html = shellFor(panel.webview, ctx.extension.extensionUri);
        this.disposables.push(
            panel.onDidDispose(() => this.dispose()),
            panel.webview.onDidReceiveMessage((m: FromPanel) => void this.onMessage(m)),
            ctx.runs.onDidProgress((p) => this.onProgress(p)),
            ctx.runs.onDidFinish((r) => this.onFinished(r)),
        );
    }

    dispose(): void {
        if (ResultsPanel.current === this) ResultsPanel.current = undefined;
        this.panel.dispose();
        for (const d of this.disposables.splice(0)) d.dispose();
    }

    /** Shows a run's last result, pulled from the server (the one way results reach the panel). */
    private async show(target: RunTarget): Promise<void> {
        this.target = target;
        void this.ctx.extension.workspaceState.update(LAST_TARGET_KEY, target);
        const client = await this.ctx.client();
        const result = await client.sendRequest(resultsRequest, target);
        // Another run was chosen while this one's result was on its way.
        if (!this.isShown(target.uri, target.name)) return;
        this.result = result;
        this.panel.title = `inv: ${target.name}`;
        if (result) this.post({ type: 'result', result, uri: target.uri });
    }

    private post(message: ToPanel): void {
        void this.panel.webview.postMessage(message);
    }

    private isShown(uri: string, name: string): boolean {
        return this.target !== null && this.target.uri === uri && this.target.name === name;
    }

    private onProgress(p: RunProgress): void {
        if (this.isShown(p.uri, p.name)) this.post({ type: 'progress', progress: p });
    }

    private onFinished(r: RunFinished): void {
        if (!this.isShown(r.uri, r.name)) return;
        if (r.job === 'train') {
            if (!this.training || this.training.oracle !== r.name) return;
            if (r.error) {
                this.post({ type: 'error', name: r.name, message: r.error });
            } else {
                this.training.summary = r.summary ?? `${r.name} trained.`;
                this.post({ type: 'trained', oracle: r.name, summary: this.training.summary });
            }
            return;
        }
        if (this.training) return; // a run with an oracle's name: not this panel's subject
        if (r.hasResult) {
            void this.show({ uri: r.uri, name: r.name });
        } else if (r.error) {
            this.post({ type: 'error', name: r.name, message: r.error });
        }
    }

    private async onMessage(m: FromPanel): Promise<void> {
        switch (m.type) {
            case 'ready':
                if (this.training) {
                    this.post({ type: 'training', oracle: this.training.oracle });
                    if (this.training.summary !== null) this.post({ type: 'trained', oracle: this.training.oracle, summary: this.training.summary });
                } else if (this.result) {
                    this.post({ type: 'result', result: this.result, uri: this.target?.uri ?? null });
                }
                return;
            case 'rerun':
                if (m.uri) await vscode.commands.executeCommand(Commands.run, { uri: m.uri, name: m.name } satisfies RunTarget);
                return;
            case 'export':
                await this.export(m.format);
                return;
        }
    }

    private async export(format: 'csv' | 'json'): Promise<void> {
        const result = this.result;
        if (!result) return;
        const near = this.target ? vscode.Uri.parse(this.target.uri) : undefined;
        const defaultUri = near ? vscode.Uri.joinPath(near, '..', `${result.name}.${format}`) : undefined;
        const uri = await vscode.window.showSaveDialog({
            defaultUri,
            filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
            saveLabel: `Export ${format.toUpperCase()}`,
        });
        if (!uri) return;
        // The CLI's writers: the same file `inv run --out` writes.
        const text = format === 'csv' ? resultsToCsv([result]) : resultsToJson([result]);
        try {
            await writeFileAtomically(uri.fsPath, text);
            void vscode.window.showInformationMessage(`inv: wrote ${vscode.workspace.asRelativePath(uri)}`);
        } catch (e) {
            void vscode.window.showErrorMessage(`inv: could not write ${uri.fsPath}: ${(e as Error).message}`);
        }
    }
}

function webviewOptions(ctx: Ctx): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
        enableScripts: true,
        // Only the bundle folder: the page loads nothing else.
        localResourceRoots: [vscode.Uri.joinPath(ctx.extension.extensionUri, 'out')],
    };
}

/** The shell (panel-html.ts) with the bundle's URIs as this webview loads them. */
function shellFor(webview: vscode.Webview, extensionUri: vscode.Uri): string {
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'out', file)).toString();
    return panelHtml({ cspSource: webview.cspSource, styleUri: asset('webview.css'), scriptUri: asset('webview.js') });
}
