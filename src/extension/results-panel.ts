/**
 * The results panel's host side (the webview sample's one panel class): `createOrShow` opens
 * or reveals it, `revive` restores it after a reload (WebviewPanelSerializer), `dispose`
 * releases everything it registered. The page itself is src/webview (out/webview.js); it
 * keeps its own state with getState/setState, so the panel is not retained while hidden.
 * The host forwards the run's live progress, pulls a run's result from the server when it
 * shows it (`inv/results`: when opened, and when the run it shows finishes), answers export
 * (save dialog, the CLI's writers) and rerun.
 */
import * as vscode from 'vscode';
import { writeFileAtomically } from '../engine/contract/atomic-write.js';
import { resultsToCsv, resultsToJson } from '../engine/contract/results-file.js';
import type { InvResult } from '../engine/contract/results.js';
import type { FromPanel, PanelState, RunFinished, RunProgress, RunTarget, ToPanel } from '../protocol.js';
import { Commands, resultsRequest } from '../protocol.js';
import type { Ctx } from './ctx.js';
import { panelHtml } from './panel-html.js';

/** Which run the panel showed last (workspace memento), for a revival without page state. */
const LAST_TARGET_KEY = 'inv.resultsPanel.target';

export class ResultsPanel {
    static readonly viewType = 'inv.results';
    private static current: ResultsPanel | undefined;

    private readonly disposables: vscode.Disposable[] = [];
    private target: RunTarget | null;
    private result: InvResult | null = null;

    /** Opens the panel on a run's last result (or reveals it and switches to that run). */
    static async createOrShow(ctx: Ctx, target: RunTarget, preserveFocus = false): Promise<ResultsPanel> {
        const column = vscode.ViewColumn.Beside;
        let panel = ResultsPanel.current;
        if (panel) {
            panel.panel.reveal(column, preserveFocus);
        } else {
            const webviewPanel = vscode.window.createWebviewPanel(
                ResultsPanel.viewType, 'inv results', { viewColumn: column, preserveFocus }, webviewOptions(ctx));
            panel = new ResultsPanel(ctx, webviewPanel, target);
        }
        await panel.show(target);
        return panel;
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
        if (!this.isShown(r.uri, r.name) || r.job === 'train') return;
        if (r.hasResult) {
            void this.show({ uri: r.uri, name: r.name });
        } else if (r.error) {
            this.post({ type: 'error', name: r.name, message: r.error });
        }
    }

    private async onMessage(m: FromPanel): Promise<void> {
        switch (m.type) {
            case 'ready':
                if (this.result) this.post({ type: 'result', result: this.result, uri: this.target?.uri ?? null });
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
