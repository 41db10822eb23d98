/**
 * A language server as a real process (`node out/server.cjs --stdio`, or `inv lsp --stdio`)
 * driven over JSON-RPC with vscode-jsonrpc, as an editor would: the protocol tests of the
 * server and of runs use it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';
import type { InvResult } from '../../src/engine/contract/results.js';
import type { InvInitializationOptions, RunFinished, RunProgress } from '../../src/protocol.js';
import { progressNotification, resultNotification, resultsRequest } from '../../src/protocol.js';
import { tempFolder } from '../support/temp-folder.js';

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
    /**
     * The client's capabilities, as an editor declares them; default: VS Code's (refreshes,
     * work-done progress). `initializationOptions.showsRuns` defaults to true (the VS Code
     * extension); a test of another editor sets it false.
     */
    capabilities?: Record<string, unknown>;
    /** The workspace folder (also the server's working folder). */
    workspace: string;
}

export class LspProcess {
    readonly progress: RunProgress[] = [];
    /** Every `inv/result` notification, as sent. */
    readonly notified: RunFinished[] = [];
    readonly finished: FinishedRun[] = [];
    readonly diagnostics = new Map<string, Diagnostic[]>();
    /** `window/logMessage` (the server's log), `window/showMessage`, `$/progress`, and the server's requests by method. */
    readonly logged: Array<{ type: number; message: string }> = [];
    readonly shown: Array<{ type: number; message: string }> = [];
    readonly workDone: Array<{ token: string | number; value: { kind: string; title?: string; message?: string; percentage?: number; cancellable?: boolean } }> = [];
    readonly serverRequests: string[] = [];
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
        // Every request the server makes is answered (as an editor would) and recorded, so a
        // test can tell which the server sent to a client that did not declare them.
        rpc.onRequest((method: string) => {
            server.serverRequests.push(method);
            server.wake();
            return null;
        });
        rpc.onNotification('window/logMessage', (p: { type: number; message: string }) => {
            server.logged.push(p);
            server.wake();
        });
        rpc.onNotification('window/showMessage', (p: { type: number; message: string }) => {
            server.shown.push(p);
            server.wake();
        });
        rpc.onNotification('$/progress', (p: LspProcess['workDone'][number]) => {
            server.workDone.push(p);
            server.wake();
        });
        rpc.listen();
        const folder = pathToFileURL(options.workspace).toString();
        const init = await rpc.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
            processId: process.pid,
            rootUri: folder,
            workspaceFolders: [{ uri: folder, name: 'ws' }],
            capabilities: options.capabilities ?? {
                workspace: { configuration: options.settings !== undefined, codeLens: { refreshSupport: true }, inlayHint: { refreshSupport: true } },
                window: { workDoneProgress: true },
                textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, completion: { completionItem: { snippetSupport: true } } },
            },
            initializationOptions: { storagePath: null, workspaceTrusted: true, showsRuns: true, ...options.initializationOptions },
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
    const dir = tempFolder('inv-lsp-');
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

/** The paper's oracle with a run that ends in seconds (Quick) and one that runs until cancelled (Long). */
export const QUICK_AND_LONG = `${POLY4_ORACLE}
inversion Quick {
  oracle Poly4
  target y = 1900 tolerance 5
  fix x4 = 10
  bound x1, x2 in [0, 500]
  solutions 32
  steps 200
  seed 7
}

// Long enough to still be running when a test watches its progress or cancels it: its box
// cannot reach 1900 (its maximum is about 720), so no early stop.
inversion Long {
  oracle Poly4
  target y = 1900
  fix x4 = 90
  bound x1, x2, x3 in [0, 90]
  solutions 64
  steps 200000
  seed 3
}
`;
