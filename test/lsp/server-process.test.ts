/**
 * `inv lsp --stdio` as a real process, driven over JSON-RPC as an editor drives it:
 * diagnostics as files open and change, completion, hover, definition, code lenses; and a
 * server that keeps answering after a file of random bytes and one nested 100,000 deep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { CodeLens, CompletionList, Diagnostic, Hover, Location, LocationLink } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const CLI = fileURLToPath(new URL('../../out/cli.cjs', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../language/fixtures/', import.meta.url));

let dir: string;
let child: ChildProcess;
let rpc: MessageConnection;
let stderr = '';
const published = new Map<string, Diagnostic[]>();
const waiters: Array<() => void> = [];

function uriOf(name: string): string {
    return pathToFileURL(join(dir, name)).toString();
}

/** Waits until the diagnostics published for `uri` satisfy `ok`. */
async function diagnosticsOf(uri: string, ok: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 30_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const current = published.get(uri);
        if (current && ok(current)) return current;
        if (Date.now() > deadline) throw new Error(`no matching diagnostics for ${uri}; last: ${JSON.stringify(current)}; stderr: ${stderr}`);
        await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, 200); });
    }
}

let version = 1;
async function open(name: string, text: string): Promise<string> {
    const uri = uriOf(name);
    published.delete(uri);
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'inv', version: version++, text } });
    return uri;
}

async function change(uri: string, text: string): Promise<void> {
    published.delete(uri);
    await rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: version++ }, contentChanges: [{ text }] });
}

const FILE = `oracle Poly {
  model "models/poly/model.json"
  inputs x1, x2, x3, x4
  outputs y
}

oracle Fresh {
  model "models/fresh/model.json"
  data "data/poly.csv"
  inputs x1, x2, x3, x4
  outputs y
}

inversion I {
  oracle Poly
  target y = 1000
  fix x4 = 600
}
`;

beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    dir = mkdtempSync(join(tmpdir(), 'inv-lsp-'));
    cpSync(join(FIXTURES, 'models/poly'), join(dir, 'models/poly'), { recursive: true });
    cpSync(join(FIXTURES, 'data/poly.csv'), join(dir, 'data/poly.csv'));
    child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    rpc.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
        published.set(p.uri, p.diagnostics);
        for (const wake of waiters.splice(0)) wake();
    });
    rpc.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    rpc.onRequest('client/registerCapability', () => null);
    rpc.onRequest('workspace/codeLens/refresh', () => null);
    rpc.onRequest('workspace/semanticTokens/refresh', () => null);
    rpc.onRequest('workspace/inlayHint/refresh', () => null);
    rpc.onRequest('workspace/diagnostic/refresh', () => null);
    rpc.onNotification('window/logMessage', () => undefined);
    rpc.listen();
    const init = await rpc.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
        processId: process.pid,
        rootUri: pathToFileURL(dir).toString(),
        workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'ws' }],
        capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } }, hover: { contentFormat: ['markdown'] } } },
    });
    expect(init.capabilities).toMatchObject({ completionProvider: expect.anything(), hoverProvider: true, codeLensProvider: expect.anything() });
    await rpc.sendNotification('initialized', {});
});

afterAll(async () => {
    try {
        await rpc.sendRequest('shutdown');
        await rpc.sendNotification('exit');
    } catch { /* already gone */ }
    rpc?.dispose();
    child?.kill();
    rmSync(dir, { recursive: true, force: true });
});

describe('inv lsp --stdio', () => {
    test('diagnostics on open (file checks included) and after a change', async () => {
        const uri = await open('main.inv', FILE);
        const diagnostics = await diagnosticsOf(uri);
        expect(diagnostics.map((d) => [d.code, d.range.start.line + 1, d.severity])).toEqual([
            ['not-trained', 8, 2],
            ['fix-outside-domain', 17, 1],
        ]);
        await change(uri, FILE.replace('fix x4 = 600', 'fix x4 = 60\n  steps 2.5'));
        const after = await diagnosticsOf(uri, (d) => d.some((x) => x.code === 'not-integer'));
        expect(after.map((d) => d.code)).toEqual(['not-trained', 'not-integer']);
    });

    test('completion, hover, definition, code lenses', async () => {
        const text = FILE.replace('fix x4 = 600', 'fix x4 = 60\n  bound ');
        const uri = await open('features.inv', text);
        await diagnosticsOf(uri);
        const lines = text.split('\n');
        const boundLine = lines.findIndex((l) => l.startsWith('  bound'));
        const completion = await rpc.sendRequest<CompletionList>('textDocument/completion', {
            textDocument: { uri }, position: { line: boundLine, character: 8 },
        });
        expect(completion.items.map((i) => i.label)).toEqual(['x1', 'x2', 'x3']);

        const oracleLine = lines.findIndex((l) => l === '  oracle Poly');
        const hover = await rpc.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: oracleLine, character: 10 } });
        expect(JSON.stringify(hover.contents)).toMatch(/oracle Poly.*4 → 1.*recorded in the model/);

        const definition = await rpc.sendRequest<Location[] | LocationLink[]>('textDocument/definition', {
            textDocument: { uri }, position: { line: oracleLine, character: 10 },
        });
        const target = definition[0] as LocationLink;
        expect([target.targetUri, target.targetSelectionRange.start]).toEqual([uri, { line: 0, character: 7 }]);

        const lenses = await rpc.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
        expect(lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command])).toEqual([
            [6, '▶ Train', 'inv.train'],
            [13, '▶ Run', 'inv.run'],
        ]);
        expect(lenses[1].command?.arguments).toEqual([{ uri, name: 'I' }]);
    });

    test('a model written after the file opened (▶ Train): the file is checked again', async () => {
        const uri = await open('trains.inv', 'oracle Later {\n  model "models/later/model.json"\n  data "data/poly.csv"\n  inputs x1, x2, x3, x4\n  outputs y\n}\n');
        expect((await diagnosticsOf(uri)).map((d) => d.code)).toEqual(['not-trained']);
        cpSync(join(FIXTURES, 'models/poly'), join(dir, 'models/later'), { recursive: true });
        published.delete(uri);
        await rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('models/later/model.json'), type: 1 }] });
        expect(await diagnosticsOf(uri)).toEqual([]);
    });

    test('random bytes and 100,000 nested parentheses: diagnostics, and the server keeps answering', async () => {
        let state = 11;
        const random = Array.from({ length: 200_000 }, () => String.fromCharCode((state = (state * 1103515245 + 12345) % 2147483648) % 256)).join('');
        const randomUri = await open('random.inv', random);
        const deepUri = await open('deep.inv', `constraint c {\n  when x > 0: ${'('.repeat(100_000)}x${')'.repeat(100_000)}\n}\ninversion J { oracle Nope target y = 1 }\n`);
        const randomDiagnostics = await diagnosticsOf(randomUri);
        expect(randomDiagnostics.length).toBeGreaterThan(0);
        expect(randomDiagnostics.every((d) => d.code === 'syntax' || d.code === 'too-deep')).toBe(true);
        const deep = await diagnosticsOf(deepUri);
        expect(deep.map((d) => [d.code, d.range.start.line + 1, d.range.start.character + 1])).toEqual([
            ['too-deep', 2, 79],
            ['unknown-oracle', 4, 22],
        ]);
        // Still alive and answering.
        const hover = await rpc.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf('main.inv') }, position: { line: 0, character: 8 } });
        expect(JSON.stringify(hover?.contents)).toContain('oracle Poly');
        expect(child.exitCode).toBeNull();
    });
});
