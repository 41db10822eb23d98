/**
 * A language server as a real process (`node out/server.cjs --stdio`, or `inv lsp --stdio`)
 * driven over JSON-RPC with vscode-jsonrpc, as an editor would: the protocol tests of the
 * server and of runs use it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { InvResult } from '../../src/engine/contract/results.js';
import type { InvInitializationOptions, RunFinished, RunProgress } from '../../src/protocol.js';
import { progressNotification, resultNotification, resultsRequest } from '../../src/protocol.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const SERVER = join(REPO, 'out/server.cjs');
export const CLI = join(REPO, 'out/cli.cjs');

export interface Diagnostic {
    range: { start: { line: number; character: number } };
    severity?: number;
    code?: string | number;
    message: string;
}

/** A finished job as the client sees it: `inv/result`, and the result `inv/results` returns when it has one. */
export interface FinishedRun extends RunFinished {
    result: InvResult | null;
}

export interface ServerOptions {
    /** What node runs; default the server bundle (`out/server.cjs --stdio`). */
    args?: string[];
    env?: Record<string, string>;
    initializationOptions?: Partial<InvInitializationOptions>;
    /** The `inv` settings section the server gets through workspace/configuration; omitted: no configuration capability. */
    settings?: Record<string, unknown>;
    /** The workspace folder (also the server's working folder). */
    workspace: string;
}

export class LspProcess {
    readonly progress: RunProgress[] = [];
    /** Every `inv/result` notification, as sent. */
    readonly notified: RunFinished[] = [];
    readonly finished: FinishedRun[] = [];
    readonly diagnostics = new Map<string, Diagnostic[]>();
    private readonly waiters: Array<() => void> = [];
    stderr = '';
    /** What the server answered to `initialize`. */
    capabilities: Record<string, unknown> = {};

    private constructor(
        readonly child: ChildProcess,
        readonly rpc: MessageConnection,
    ) {}

    static async start(options: ServerOptions): Promise<LspProcess> {
        const args = options.args ?? [SERVER, '--stdio'];
        if (!existsSync(args[0]!)) throw new Error(`${args[0]} is missing: run \`npm run build\` first (npm test does)`);
        const child = spawn(process.execPath, args, {
            cwd: options.workspace,
            env: { ...process.env, ...options.env },
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        const rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
        const server = new LspProcess(child, rpc);
        child.stderr!.setEncoding('utf8').on('data', (t: string) => (server.stderr += t));
        rpc.onNotification(progressNotification, (p) => {
            server.progress.push(p);
            server.wake();
        });
        rpc.onNotification(resultNotification, (r) => {
            server.notified.push(r);
            // As the results panel does: pull the result when there is one.
            const result = r.hasResult ? rpc.sendRequest(resultsRequest, { uri: r.uri, name: r.name }) : Promise.resolve(null);
            void result.then((result) => {
                server.finished.push({ ...r, result });
                server.wake();
            });
        });
        rpc.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
            server.diagnostics.set(p.uri, p.diagnostics);
            server.wake();
        });
        rpc.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) =>
            p.items.map((i) => (i.section === 'inv' ? (options.settings ?? {}) : null)),
        );
        rpc.onRequest('client/registerCapability', () => null);
        rpc.onRequest('workspace/codeLens/refresh', () => null);
        rpc.onRequest('workspace/inlayHint/refresh', () => null);
        rpc.onRequest('workspace/diagnostic/refresh', () => null);
        rpc.onRequest('workspace/semanticTokens/refresh', () => null);
        rpc.onRequest('window/workDoneProgress/create', () => null);
        rpc.onNotification('window/logMessage', () => undefined);
        rpc.listen();
        const folder = pathToFileURL(options.workspace).toString();
        const init = await rpc.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
            processId: process.pid,
            rootUri: folder,
            workspaceFolders: [{ uri: folder, name: 'ws' }],
            capabilities: {
                workspace: { configuration: options.settings !== undefined, codeLens: { refreshSupport: true }, inlayHint: { refreshSupport: true } },
                textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, completion: { completionItem: { snippetSupport: true } } },
            },
            initializationOptions: { storagePath: null, workspaceTrusted: true, ...options.initializationOptions },
        });
        server.capabilities = init.capabilities;
        await rpc.sendNotification('initialized', {});
        return server;
    }

    /** Resolves when `ready()` holds, checking after every message from the server. */
    async until<T>(what: string, ready: () => T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
        const end = Date.now() + timeoutMs;
        for (;;) {
            const value = ready();
            if (value) return value;
            if (Date.now() > end) throw new Error(`timed out waiting for ${what}; server stderr:\n${this.stderr.slice(-2000)}`);
            await new Promise<void>((r) => {
                this.waiters.push(r);
                setTimeout(r, 200);
            });
        }
    }

    /** Opens a document; its diagnostics come with `diagnosticsOf`. */
    open(uri: string, text: string, version = 1): void {
        this.diagnostics.delete(uri);
        void this.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'inv', version, text } });
    }

    change(uri: string, text: string, version: number): void {
        void this.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    }

    /** The diagnostics published for `uri` once they satisfy `ok` (by default: any). */
    diagnosticsOf(uri: string, ok: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 60_000): Promise<Diagnostic[]> {
        return this.until(`diagnostics of ${uri}`, () => {
            const d = this.diagnostics.get(uri);
            return d && ok(d) ? d : undefined;
        }, timeoutMs);
    }

    finishedRun(runId: string): FinishedRun | undefined {
        return this.finished.find((f) => f.runId === runId);
    }

    async stop(): Promise<void> {
        try {
            await Promise.race([this.rpc.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
            void this.rpc.sendNotification('exit');
        } catch {
            // already gone
        }
        this.rpc.dispose();
        await new Promise((r) => setTimeout(r, 100));
        this.child.kill('SIGKILL');
    }

    private wake(): void {
        for (const w of this.waiters.splice(0)) w();
    }
}

const workspaces: string[] = [];

/** Removes every folder tempWorkspace made (call it once the servers using them have stopped). */
export function removeWorkspaces(): void {
    for (const dir of workspaces.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Workspace {
    dir: string;
    uri(name: string): string;
    text(name: string): string;
}

/** A fresh folder with the given files (paths relative to it; `from` copies a file or folder of the repository). */
export function tempWorkspace(files: Record<string, string | { from: string }>): Workspace {
    const dir = mkdtempSync(join(tmpdir(), 'inv-lsp-'));
    workspaces.push(dir);
    for (const [name, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        if (typeof content === 'string') writeFileSync(join(dir, name), content);
        else cpSync(join(REPO, content.from), join(dir, name), { recursive: true });
    }
    return {
        dir,
        uri: (name) => pathToFileURL(join(dir, name)).toString(),
        text: (name) => readFileSync(join(dir, name), 'utf8'),
    };
}

/** A fresh folder holding the paper's trained oracle (examples/paper/models), the given .inv files and a storage folder. */
export function paperWorkspace(files: Record<string, string>): Workspace {
    const ws = tempWorkspace({ models: { from: 'examples/paper/models' }, ...files });
    const dir = ws.dir;
    mkdirSync(join(dir, '.storage'), { recursive: true });
    return ws;
}

export const POLY4_ORACLE = `oracle Poly4 {
  model "models/poly4/model.json"
  inputs x1 in [0, 500], x2 in [0, 500], x3 in [0, 500], x4 in [0, 500]
  outputs y
}
`;
