/**
 * The extension's one context object (rust-analyzer's `ctx.ts`): it owns the language
 * client's whole life (start, stop, restart) and the disposables that live as long as the
 * extension or as long as one client. Commands receive it and ask it for a running client.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { InvInitializationOptions } from '../protocol.js';
import { progressNotification, resultNotification, trustNotification } from '../protocol.js';
import { RunProgressView } from './run-progress-view.js';

export class Ctx {
    private _client: LanguageClient | undefined;
    /** Disposed when the client stops (handlers bound to one client). */
    private clientDisposables: vscode.Disposable[] = [];
    readonly runs: RunProgressView;

    constructor(readonly extension: vscode.ExtensionContext) {
        this.runs = new RunProgressView();
        extension.subscriptions.push(this.runs, { dispose: () => void this.stop() });
        // A limited extension in an untrusted workspace: the server learns when trust is granted.
        extension.subscriptions.push(
            vscode.workspace.onDidGrantWorkspaceTrust(() => {
                void this._client?.sendNotification(trustNotification, { trusted: true });
            }),
        );
    }

    get outputChannel(): vscode.OutputChannel | undefined {
        return this._client?.outputChannel;
    }

    /** The running client; starts it when it is not running (commands never see undefined). */
    async client(): Promise<LanguageClient> {
        if (!this._client) await this.start();
        return this._client!;
    }

    async start(): Promise<void> {
        if (this._client) return;
        const serverModule = this.extension.asAbsolutePath('out/server.cjs');
        const serverOptions: ServerOptions = {
            run: { module: serverModule, transport: TransportKind.ipc },
            debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
        };
        const initializationOptions: InvInitializationOptions = {
            storagePath: this.extension.storageUri?.fsPath ?? null,
            workspaceTrusted: vscode.workspace.isTrusted,
        };
        const clientOptions: LanguageClientOptions = {
            documentSelector: [{ language: 'inv' }],
            initializationOptions,
            // The server reads the `inv` section (defaults for runs, inlay hints) with workspace/configuration.
            synchronize: { configurationSection: 'inv' },
        };
        const client = new LanguageClient('inv', 'inv language server', serverOptions, clientOptions);
        this.clientDisposables.push(
            client.onNotification(progressNotification, (p) => this.runs.onProgress(p)),
            client.onNotification(resultNotification, (r) => this.runs.onFinished(r)),
        );
        this._client = client;
        await client.start();
    }

    async stop(): Promise<void> {
        const client = this._client;
        this._client = undefined;
        for (const d of this.clientDisposables.splice(0)) d.dispose();
        this.runs.clear();
        if (client) await client.stop().catch(() => undefined);
    }

    async restart(): Promise<void> {
        await this.stop();
        await this.start();
    }
}
