/**
 * `inv lsp --stdio` as a real process, driven over JSON-RPC as an editor drives it:
 * diagnostics as files open and change, completion, hover, definition, code lenses; and a
 * server that keeps answering after a file of random bytes and one nested 100,000 deep.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeLens, CompletionList, Hover, Location, LocationLink } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI, LspProcess, removeWorkspaces, tempWorkspace, type Workspace } from '../runs/lsp-process.js';

const FIXTURES = fileURLToPath(new URL('../language/fixtures/', import.meta.url));

let ws: Workspace;
let server: LspProcess;

let version = 1;
function open(name: string, text: string): string {
    const uri = ws.uri(name);
    server.open(uri, text, version++);
    return uri;
}

function change(uri: string, text: string): void {
    server.diagnostics.delete(uri);
    server.change(uri, text, version++);
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
    ws = tempWorkspace({ 'models/poly': { from: 'test/language/fixtures/models/poly' }, 'data/poly.csv': { from: 'test/language/fixtures/data/poly.csv' } });
    server = await LspProcess.start({ args: [CLI, 'lsp', '--stdio'], workspace: ws.dir });
    expect(server.capabilities).toMatchObject({ completionProvider: expect.anything(), hoverProvider: true, codeLensProvider: expect.anything() });
});

afterAll(async () => {
    await server?.stop();
    removeWorkspaces();
});

describe('inv lsp --stdio', () => {
    test('diagnostics on open (file checks included) and after a change', async () => {
        const uri = open('main.inv', FILE);
        const diagnostics = await server.diagnosticsOf(uri);
        expect(diagnostics.map((d) => [d.code, d.range.start.line + 1, d.severity])).toEqual([
            ['not-trained', 8, 2],
            ['fix-outside-domain', 17, 1],
        ]);
        change(uri, FILE.replace('fix x4 = 600', 'fix x4 = 60\n  steps 2.5'));
        const after = await server.diagnosticsOf(uri, (d) => d.some((x) => x.code === 'not-integer'));
        expect(after.map((d) => d.code)).toEqual(['not-trained', 'not-integer']);
    });

    test('completion, hover, definition, code lenses', async () => {
        const text = FILE.replace('fix x4 = 600', 'fix x4 = 60\n  bound ');
        const uri = open('features.inv', text);
        await server.diagnosticsOf(uri);
        const lines = text.split('\n');
        const boundLine = lines.findIndex((l) => l.startsWith('  bound'));
        const completion = await server.rpc.sendRequest<CompletionList>('textDocument/completion', {
            textDocument: { uri }, position: { line: boundLine, character: 8 },
        });
        expect(completion.items.map((i) => i.label)).toEqual(['x1', 'x2', 'x3']);

        const oracleLine = lines.findIndex((l) => l === '  oracle Poly');
        const hover = await server.rpc.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: oracleLine, character: 10 } });
        expect(JSON.stringify(hover.contents)).toMatch(/oracle Poly.*4 → 1.*recorded in the model/);

        const definition = await server.rpc.sendRequest<Location[] | LocationLink[]>('textDocument/definition', {
            textDocument: { uri }, position: { line: oracleLine, character: 10 },
        });
        const target = definition[0] as LocationLink;
        expect([target.targetUri, target.targetSelectionRange.start]).toEqual([uri, { line: 0, character: 7 }]);

        const lenses = await server.rpc.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
        expect(lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command])).toEqual([
            [6, '▶ Train', 'inv.train'],
            [13, '▶ Run', 'inv.run'],
        ]);
        expect(lenses[1].command?.arguments).toEqual([{ uri, name: 'I' }]);
    });

    test('a model written after the file opened (▶ Train): the file is checked again', async () => {
        const uri = open('trains.inv', 'oracle Later {\n  model "models/later/model.json"\n  data "data/poly.csv"\n  inputs x1, x2, x3, x4\n  outputs y\n}\n');
        expect((await server.diagnosticsOf(uri)).map((d) => d.code)).toEqual(['not-trained']);
        cpSync(join(FIXTURES, 'models/poly'), join(ws.dir, 'models/later'), { recursive: true });
        server.diagnostics.delete(uri);
        await server.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('models/later/model.json'), type: 1 }] });
        expect(await server.diagnosticsOf(uri)).toEqual([]);
    });

    test('random bytes and 100,000 nested parentheses: diagnostics, and the server keeps answering', async () => {
        let state = 11;
        // No NUL characters: with them the file is "not a text file" (one `encoding` diagnostic).
        const random = Array.from({ length: 200_000 }, () => String.fromCharCode((state = (state * 1103515245 + 12345) % 2147483648) % 255 + 1)).join('');
        const randomUri = open('random.inv', random);
        const deepUri = open('deep.inv', `constraint c {\n  when x > 0: ${'('.repeat(100_000)}x${')'.repeat(100_000)}\n}\ninversion J { oracle Nope target y = 1 }\n`);
        const randomDiagnostics = await server.diagnosticsOf(randomUri);
        expect(randomDiagnostics.length).toBeGreaterThan(0);
        expect(randomDiagnostics.every((d) => d.code === 'syntax' || d.code === 'too-deep')).toBe(true);
        const deep = await server.diagnosticsOf(deepUri);
        expect(deep.map((d) => [d.code, d.range.start.line + 1, d.range.start.character + 1])).toEqual([
            ['too-deep', 2, 79],
            ['unknown-oracle', 4, 22],
        ]);
        // Still alive and answering.
        const hover = await server.rpc.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: ws.uri('main.inv') }, position: { line: 0, character: 8 } });
        expect(JSON.stringify(hover?.contents)).toContain('oracle Poly');
        expect(server.child.exitCode).toBeNull();
    });
});
