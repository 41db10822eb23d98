/**
 * The language server is never stuck (issue 15), as a real process driven over JSON-RPC:
 * - completion answers within 200 ms while a file of 30,000 constraint pieces is validated
 *   (validation is linear and yields to requests between slices);
 * - a FIFO named as `model` or `data` gives its diagnostics at once, and other files answer;
 * - a large file nobody opened is validated at low priority: after the open files, never
 *   before them, and it gets its diagnostics all the same.
 * Latencies are compared with the same server's own when idle, so a loaded machine does not
 * make the test fail, while a server blocked for a second or more always does.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { LspProcess, POLY4_ORACLE, removeWorkspaces, tempWorkspace } from '../runs/lsp-process.js';

afterAll(() => removeWorkspaces());

const SMALL = `${POLY4_ORACLE}
inversion Small {
  oracle Poly4
  target y = 1900
  fix x4 = 10
}
`;
/** Where completion is asked for in SMALL: after `fix ` (the oracle's inputs are offered). */
const AT = { line: SMALL.split('\n').findIndex((l) => l.includes('fix x4')), character: '  fix '.length };

/** A constraint of `pieces` pieces (each reachable), used by one inversion; `tail` is added at the end. */
function manyPieces(pieces: number, tail = ''): string {
    const lines = [POLY4_ORACLE, 'constraint c {'];
    for (let i = 0; i < pieces; i++) lines.push(`  when x >= ${i} and x < ${i + 1}: x * ${(i % 7) + 1} + ${i}`);
    lines.push('}', 'inversion Big { oracle Poly4 target y = 1900 bound x1 in [0, 100] using c }', tail);
    return lines.join('\n');
}

async function completionMs(server: LspProcess, uri: string): Promise<number> {
    const started = performance.now();
    const answer = await server.rpc.sendRequest<{ items: Array<{ label: string }> } | Array<{ label: string }>>('textDocument/completion', {
        textDocument: { uri },
        position: AT,
    });
    const items = Array.isArray(answer) ? answer : answer.items;
    expect(items.map((i) => i.label)).toContain('x1');
    return performance.now() - started;
}

function quantile(values: number[], q: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Requests on `uri` are answered once it is parsed: retried until the server has the document. */
async function whenParsed(server: LspProcess, uri: string): Promise<void> {
    for (;;) {
        try {
            await server.rpc.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
            return;
        } catch {
            await new Promise((r) => setTimeout(r, 20));
        }
    }
}

describe('a heavy file does not hold the server up', () => {
    test('completion answers within 200 ms while a 30,000-piece file is validated', async () => {
        const ws = tempWorkspace({ models: { from: 'examples/paper/models' }, 'small.inv': SMALL });
        const server = await LspProcess.start({ workspace: ws.dir });
        try {
            const small = ws.uri('small.inv');
            server.open(small, SMALL);
            await server.diagnosticsOf(small);
            const idle: number[] = [];
            for (let i = 0; i < 15; i++) idle.push(await completionMs(server, small));
            // Within 200 ms (or four times what this machine takes when the server is idle: a loaded
            // CI machine) for 95 % of the requests, and never a second: a server blocked by
            // validation takes seconds and fails either way; a garbage collection stretched by a
            // busy machine now and then does not.
            const limit = Math.max(200, 4 * quantile(idle, 0.9));

            const big = ws.uri('big.inv');
            // Ends with an error, so its diagnostics say when its validation is done.
            server.open(big, manyPieces(30_000, 'inversion Late { oracle Nope target y = 1 }'));
            await whenParsed(server, big);
            const during: number[] = [];
            while (!server.diagnostics.get(big)?.length) {
                during.push(await completionMs(server, small));
                await new Promise((r) => setTimeout(r, 10));
            }
            const diagnostics = server.diagnostics.get(big)!;
            expect(diagnostics.map((d) => d.code)).toEqual(['unknown-oracle']);
            // It was measured while the file was being validated, not after.
            expect(during.length).toBeGreaterThanOrEqual(5);
            const seen = `idle p90 ${quantile(idle, 0.9).toFixed(0)} ms; during validation: ${during.map((d) => d.toFixed(0)).join(', ')} ms`;
            console.log(`completion: idle p90 ${quantile(idle, 0.9).toFixed(0)} ms; during validation p95 ${quantile(during, 0.95).toFixed(0)} ms, max ${Math.max(...during).toFixed(0)} ms over ${during.length}`);
            expect(quantile(during, 0.95), seen).toBeLessThan(limit);
            expect(Math.max(...during), seen).toBeLessThan(1000);
        } finally {
            await server.stop();
        }
    });

    test('a FIFO as `model` or `data`: diagnostics at once, and the server answers on', async () => {
        const ws = tempWorkspace({ models: { from: 'examples/paper/models' }, 'small.inv': SMALL });
        execFileSync('mkfifo', [join(ws.dir, 'pipe.json'), join(ws.dir, 'pipe.csv')]);
        const file = (model: string, data: string) => `oracle P {\n  model "${model}"\n  data "${data}"\n  inputs a in [0, 1]\n  outputs y\n}\n`;
        const server = await LspProcess.start({ workspace: ws.dir });
        try {
            const small = ws.uri('small.inv');
            server.open(small, SMALL);
            await server.diagnosticsOf(small);
            // The same file with files that are simply missing: what a diagnostic costs here.
            let started = performance.now();
            server.open(ws.uri('missing.inv'), file('none.json', 'none.csv'));
            await server.diagnosticsOf(ws.uri('missing.inv'), (d) => d.length > 0);
            const baseline = performance.now() - started;
            started = performance.now();
            server.open(ws.uri('fifo.inv'), file('pipe.json', 'pipe.csv'));
            const diagnostics = await server.diagnosticsOf(ws.uri('fifo.inv'), (d) => d.length > 0, 10_000);
            const took = performance.now() - started;
            expect(diagnostics.map((d) => [d.code, d.message.replace(/\/.*\//, '/…/')])).toEqual([
                ['model-unreadable', 'cannot use pipe.json: /…/pipe.json is a named pipe (FIFO), not a regular file; inv reads only regular files'],
                ['data-missing', 'cannot read pipe.csv: it is a named pipe (FIFO), not a regular file; inv reads only regular files'],
            ]);
            expect(took).toBeLessThan(baseline + 1000);
            // And every other file is still served.
            expect(await completionMs(server, small)).toBeLessThan(5000);
        } finally {
            await server.stop();
        }
    });

    test('a large file nobody opened is validated at low priority: after the open files, and all the same', async () => {
        const ws = tempWorkspace({
            models: { from: 'examples/paper/models' },
            'small.inv': SMALL,
            'zz-big.inv': manyPieces(20_000, 'inversion Late { oracle Nope target y = 1 }'),
        });
        const server = await LspProcess.start({ workspace: ws.dir });
        try {
            const small = ws.uri('small.inv');
            server.open(small, SMALL);
            await server.diagnosticsOf(small);
            expect(server.diagnostics.has(ws.uri('zz-big.inv'))).toBe(false);
            await completionMs(server, small);
            const big = await server.diagnosticsOf(ws.uri('zz-big.inv'), (d) => d.length > 0, 120_000);
            expect(big.map((d) => d.code)).toEqual(['unknown-oracle']);
        } finally {
            await server.stop();
        }
    });
});
