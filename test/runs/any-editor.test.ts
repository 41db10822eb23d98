/**
 * Runs from any editor (LANGUAGE.md, "Runs from any editor"), over JSON-RPC against
 * `inv lsp --stdio` as a plain LSP client that knows nothing of inv: the lens commands are
 * listed in `executeCommandProvider` and run, cancel and show results through
 * `workspace/executeCommand`; the client hears of a run through work-done progress and
 * `window/showMessage`, never through inv's own notifications; the server sends no request
 * the client did not declare. Also: one progress state for every surface (the lens says what
 * the last progress said), and the server's log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProgress } from '../../src/engine/contract/progress-text.js';
import { Commands } from '../../src/protocol.js';
import { PUBLISH_MS } from '../../src/server/runs/inv-run-reporter.js';
import { CLI, LspProcess, paperWorkspace, POLY4_ORACLE, QUICK_AND_LONG, removeWorkspaces } from './lsp-process.js';

afterAll(() => removeWorkspaces());

const FILE = QUICK_AND_LONG;

/**
 * What Neovim 0.10 declares that matters here: configuration, inlay hint refresh and work-done
 * progress; no code lens refresh, no dynamic registration.
 */
const NEOVIM_LIKE = {
    workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false }, inlayHint: { refreshSupport: true }, executeCommand: { dynamicRegistration: false } },
    window: { workDoneProgress: true, showMessage: {} },
    textDocument: { codeLens: {}, inlayHint: {}, hover: { contentFormat: ['markdown', 'plaintext'] } },
};

interface Lens {
    range: { start: { line: number } };
    command: { title: string; command: string; arguments?: unknown[]; tooltip?: string };
}

function lineOf(text: string, needle: string): number {
    return text.slice(0, text.indexOf(needle)).split('\n').length - 1;
}

describe('a plain LSP client (inv lsp --stdio) runs the lens commands through workspace/executeCommand', () => {
    const ws = paperWorkspace({ 'quick.inv': FILE });
    const uri = ws.uri('quick.inv');
    let client: LspProcess;
    const lenses = async () => (await client.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as Lens[];
    /** The lens over block `name` whose title matches. */
    const lensOf = async (name: string, title: RegExp) =>
        (await lenses()).find((l) => l.range.start.line === lineOf(FILE, `inversion ${name} {`) && title.test(l.command.title));
    const execute = (lens: Lens) => client.rpc.sendRequest('workspace/executeCommand', { command: lens.command.command, arguments: lens.command.arguments });

    beforeAll(async () => {
        client = await LspProcess.start({
            workspace: ws.dir,
            args: [CLI, 'lsp', '--stdio'],
            capabilities: NEOVIM_LIKE,
            initializationOptions: { showsRuns: false },
        });
        client.open(uri, FILE);
        await client.diagnosticsOf(uri);
    });
    afterAll(() => client?.stop());

    it('lists the lens commands in executeCommandProvider', () => {
        const provider = client.capabilities.executeCommandProvider as { commands: string[] };
        expect(provider.commands.sort()).toEqual([Commands.cancel, Commands.openResults, Commands.run, Commands.train].sort());
    });

    it('▶ Run: the lens command starts the run; work-done progress shows it; a message says how it ended; lenses, hints and diagnostics show the result', async () => {
        const run = await lensOf('Quick', /^▶ Run$/);
        expect(run?.command.command).toBe(Commands.run);
        const { runId } = (await execute(run!)) as { runId: string };
        expect(runId).toMatch(/^run-\d+$/);
        const shown = await client.until('the message that Quick ended', () => client.shown.find((m) => m.message.startsWith('inv: Quick: ')), 120_000);
        expect(shown.type).toBe(3);
        expect(shown.message).toMatch(/^inv: Quick: [✓⚠] y = [0-9.]+ · \d+\/32 meet · [0-9.]+ s · [\w-]+$/);

        // Work-done progress: created by the server, begun cancellable, reported in the lens's words, ended.
        expect(client.serverRequests).toContain('window/workDoneProgress/create');
        const kinds = client.workDone.map((p) => p.value.kind);
        expect(kinds[0]).toBe('begin');
        expect(kinds.at(-1)).toBe('end');
        expect(client.workDone[0]).toMatchObject({ token: `Quick · ${runId}`, value: { title: 'inv: Quick', cancellable: true } });
        expect(client.workDone.at(-1)!.value.message).toBe(shown.message.slice('inv: Quick: '.length));
        const reports = client.workDone.filter((p) => p.value.kind === 'report');
        expect(reports.length).toBeGreaterThan(0);
        expect(reports.every((r) => /^step \d+\/200( · loss [0-9.e+-]+)?( · \d+ meet)?$/.test(r.value.message ?? ''))).toBe(true);
        expect(reports.map((r) => r.value.percentage!)).toEqual([...reports.map((r) => r.value.percentage!)].sort((a, b) => a - b));

        // Nothing of inv's own protocol, and no request the client did not declare.
        expect(client.progress).toEqual([]);
        expect(client.notified).toEqual([]);
        await client.until('the inlay hint refresh (declared)', () => client.serverRequests.includes('workspace/inlayHint/refresh'));
        expect(client.serverRequests).not.toContain('workspace/codeLens/refresh');
        // Nor a dynamic registration (Langium asks every client for one of didChangeConfiguration).
        expect(client.serverRequests).not.toContain('client/registerCapability');

        // The lenses, asked again (as an editor does on its next redraw), show the result.
        const summary = await lensOf('Quick', /meet/);
        expect(summary?.command.command).toBe(Commands.openResults);
        const hints = (await client.rpc.sendRequest('textDocument/inlayHint', {
            textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
        })) as Array<{ label: string; position: { line: number } }>;
        expect(hints.find((h) => h.position.line === lineOf(FILE, 'target y = 1900 tolerance 5'))?.label).toMatch(/^→ y = /);
    });

    it('the summary lens (inv.openResults) shows every figure of the best solution as a message', async () => {
        const summary = await lensOf('Quick', /meet/);
        const before = client.shown.length;
        const answer = (await execute(summary!)) as { name: string; details: string[] };
        expect(answer.name).toBe('Quick');
        const shown = await client.until('the details message', () => client.shown.slice(before).find((m) => m.message.startsWith('Quick: ')));
        expect(shown.message.split('\n').slice(0, 4)).toEqual([
            expect.stringMatching(/^Quick: [✓⚠] y = /),
            expect.stringMatching(/^best: x1 = [0-9.]+, x2 = [0-9.]+, x3 = [0-9.]+, x4 = 10 \(fixed\)$/),
            expect.stringMatching(/^→ y = [0-9.]+ \(target = 1900, miss [0-9.e-]+ [✓✗]\)$/),
            expect.stringMatching(/^spread, most important first: x\d [0-9.e-]+, x\d [0-9.e-]+, x\d [0-9.e-]+$/),
        ]);
        expect(answer.details).toEqual(shown.message.split('\n'));
    });

    it('■ Cancel: the lens a long run shows carries the command that cancels it, and what was found is kept', async () => {
        const run = await lensOf('Long', /^▶ Run$/);
        const { runId } = (await execute(run!)) as { runId: string };
        let lens: Lens | undefined;
        for (let i = 0; i < 200 && !lens; i++) {
            lens = await lensOf('Long', /^■ Cancel · step \d+\/200000/);
            if (!lens) await new Promise((r) => setTimeout(r, 100));
        }
        expect(lens, 'a ■ Cancel lens with the step').toBeDefined();
        expect(lens!.command).toMatchObject({ command: Commands.cancel, arguments: [{ runId }] });
        expect(await execute(lens!)).toEqual({ cancelled: [runId] });
        const shown = await client.until('the message that Long ended', () => client.shown.find((m) => m.message.startsWith('inv: Long: ')), 10_000);
        expect(shown.message).toMatch(/· cancelled$/);
        expect((await lensOf('Long', /cancelled/))?.command.command).toBe(Commands.openResults);
    });

    it('cancelling the work-done progress (the editor\'s own cancel) cancels the run', async () => {
        const run = await lensOf('Long', /^▶ Run$/);
        const before = client.workDone.length;
        await execute(run!);
        const begin = await client.until('the progress begins', () => client.workDone.slice(before).find((p) => p.value.kind === 'begin' && p.value.title === 'inv: Long'));
        await client.until('a report', () => client.workDone.slice(before).some((p) => p.token === begin.token && p.value.kind === 'report'), 60_000);
        const shownBefore = client.shown.length;
        await client.rpc.sendNotification('window/workDoneProgress/cancel', { token: begin.token });
        const shown = await client.until('Long cancelled', () => client.shown.slice(shownBefore).find((m) => m.message.startsWith('inv: Long: ')), 10_000);
        expect(shown.message).toMatch(/· cancelled$/);
    });

    it('a command with a bad argument, or on a file with errors, is an error that says why', async () => {
        await expect(client.rpc.sendRequest('workspace/executeCommand', { command: Commands.run, arguments: [] })).rejects.toThrow(
            'inv.run takes one argument { uri: string, name: string }, as its code lens carries it.',
        );
        await expect(client.rpc.sendRequest('workspace/executeCommand', { command: Commands.run, arguments: [{ uri, name: 'Nope' }] })).rejects.toThrow(
            'quick.inv has no inversion or synthesis named `Nope`.',
        );
        const broken = ws.uri('broken.inv');
        client.open(broken, `${FILE}\ninversion Bad { oracle Nowhere target y = 1 }\n`);
        await client.diagnosticsOf(broken);
        await expect(client.rpc.sendRequest('workspace/executeCommand', { command: Commands.run, arguments: [{ uri: broken, name: 'Quick' }] })).rejects.toThrow(
            /^broken\.inv has 1 error; fix it first \(line \d+: unknown oracle `Nowhere`/,
        );
    });
});

describe('a client that declares neither refreshes nor work-done progress', () => {
    it('gets no server request it did not declare: the run still ends with a message and pushed diagnostics', async () => {
        const ws = paperWorkspace({ 'quick.inv': FILE });
        const uri = ws.uri('quick.inv');
        const client = await LspProcess.start({ workspace: ws.dir, args: [CLI, 'lsp', '--stdio'], capabilities: {}, initializationOptions: { showsRuns: false } });
        try {
            client.open(uri, FILE);
            await client.diagnosticsOf(uri);
            await client.rpc.sendRequest('workspace/executeCommand', { command: Commands.run, arguments: [{ uri, name: 'Quick' }] });
            await client.until('the message that Quick ended', () => client.shown.find((m) => m.message.startsWith('inv: Quick: ')), 120_000);
            await new Promise((r) => setTimeout(r, 1000)); // a refresh would come within a beat
            expect(client.serverRequests).toEqual([]);
            expect(client.workDone).toEqual([]);
        } finally {
            await client.stop();
        }
    });
});

describe('the VS Code extension (showsRuns, every refresh declared)', () => {
    const ws = paperWorkspace({ 'quick.inv': FILE });
    const uri = ws.uri('quick.inv');
    let client: LspProcess;

    beforeAll(async () => {
        client = await LspProcess.start({ workspace: ws.dir, settings: { logLevel: 'info' } });
        client.open(uri, FILE);
        await client.diagnosticsOf(uri);
    });
    afterAll(() => client?.stop());

    it('one progress state: the ■ Cancel lens says what the last inv/progress said, in the same words, on one beat', async () => {
        const { runId } = await client.rpc.sendRequest('inv/run', { uri, name: 'Long' }) as { runId: string };
        const agreed: string[] = [];
        for (let i = 0; i < 40 && agreed.length < 3; i++) {
            const seen = client.progress.filter((p) => p.runId === runId).length;
            await client.until('a new progress', () => client.progress.filter((p) => p.runId === runId).length > seen, 10_000);
            const last = client.progress.filter((p) => p.runId === runId).at(-1)!;
            const lenses = (await client.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as Lens[];
            // Unless the next beat came while the lens was asked for, it shows that very progress.
            if (client.progress.filter((p) => p.runId === runId).at(-1) !== last) continue;
            const cancel = lenses.find((l) => l.command.command === Commands.cancel);
            expect(cancel?.command.title).toBe(`■ Cancel · ${describeProgress(last)}`);
            agreed.push(cancel!.command.title);
        }
        expect(agreed.length).toBe(3);
        expect(agreed.every((t) => / · \d+ meet$/.test(t) || !/meet/.test(t))).toBe(true);
        // Published on the beat, each with every loss the engine read since the last.
        const times = client.progress.filter((p) => p.runId === runId).map((p) => p.elapsedSeconds);
        const gaps = times.slice(1).map((t, i) => t - times[i]!);
        expect(Math.min(...gaps.slice(1, -1))).toBeGreaterThan(PUBLISH_MS / 1000 - 0.3);
        expect(client.progress.filter((p) => p.runId === runId).some((p) => (p.losses?.length ?? 0) > 1)).toBe(true);
        expect(client.serverRequests).toContain('workspace/codeLens/refresh');
        await client.rpc.sendRequest('inv/cancel', { runId });
        await client.until('Long ended', () => client.notified.find((n) => n.runId === runId), 10_000);
        expect(client.shown).toEqual([]);
        expect(client.workDone).toEqual([]);
    });

    it('logs runs, workers and refusals in the server\'s output', async () => {
        const messages = () => client.logged.map((l) => l.message);
        await client.until('the log of Long', () => messages().some((m) => /^run-\d+: Long ended: ■ /.test(m)));
        expect(messages()).toEqual(expect.arrayContaining([
            expect.stringMatching(/^run-\d+: inversion Long of quick\.inv \(generator, 64 solutions, 200000 steps, seed 3, backend auto\) started\.$/),
            expect.stringMatching(/^run-\d+: engine worker started \(process \d+\)\.$/),
            expect.stringMatching(/^run-\d+: cancel requested \(Long\)\.$/),
        ]));
        await client.rpc.sendRequest('inv/run', { uri, name: 'Nope' }).catch(() => undefined);
        const refusal = await client.until('the refusal', () => client.logged.find((l) => l.message.startsWith('refused')));
        expect(refusal).toEqual({ type: 2, message: 'refused (Nope): quick.inv has no inversion or synthesis named `Nope`.' });
    });
});

describe('inv.logLevel', () => {
    it('error: only failures reach the log', async () => {
        const ws = paperWorkspace({ 'quick.inv': FILE });
        const uri = ws.uri('quick.inv');
        const client = await LspProcess.start({ workspace: ws.dir, settings: { logLevel: 'error' }, env: { INV_TEST_WORKER_FAULT: 'exit' } });
        try {
            client.open(uri, FILE);
            await client.diagnosticsOf(uri);
            const { runId } = await client.rpc.sendRequest('inv/run', { uri, name: 'Quick' }) as { runId: string };
            await client.until('the failure', () => client.notified.find((n) => n.runId === runId), 60_000);
            await client.until('the logged failure', () => client.logged.length > 0);
            expect(client.logged).toEqual([{ type: 1, message: expect.stringMatching(/^run-\d+: Quick failed: The engine worker exited with code 70/) }]);
        } finally {
            await client.stop();
        }
    });
});

describe('code actions carry the lens commands, for editors without code lenses (Helix, Emacs)', () => {
    it('▶ Run NAME in a run block, ■ Cancel while it runs, ▶ Train in an oracle with data; none when only quick fixes are asked for', async () => {
        const file = `oracle Fresh {
  model "models/fresh/model.json"
  data "data/poly4-train.csv"
  inputs x1 in [0, 500], x2 in [0, 500], x3 in [0, 500], x4 in [0, 500]
  outputs y
}
${FILE.slice(POLY4_ORACLE.length)}`;
        const ws = paperWorkspace({ 'quick.inv': `${POLY4_ORACLE}${file}`, 'data/poly4-train.csv': 'x1,x2,x3,x4,y\n1,2,3,4,5\n' });
        const uri = ws.uri('quick.inv');
        const text = ws.text('quick.inv');
        const client = await LspProcess.start({ workspace: ws.dir, args: [CLI, 'lsp', '--stdio'], capabilities: NEOVIM_LIKE, initializationOptions: { showsRuns: false } });
        const actionsAt = async (needle: string, only?: string[]) => {
            const line = lineOf(text, needle);
            return (await client.rpc.sendRequest('textDocument/codeAction', {
                textDocument: { uri }, range: { start: { line, character: 0 }, end: { line, character: 0 } },
                context: { diagnostics: [], ...(only ? { only } : {}) },
            })) as Array<{ title: string; kind: string; command: { command: string; arguments: unknown[] } }>;
        };
        try {
            client.open(uri, text);
            await client.diagnosticsOf(uri);
            // On blank space inside the block, as on its first line.
            expect(await actionsAt('  solutions 64')).toEqual([
                { title: '▶ Run Long', kind: 'source.inv', command: { title: '▶ Run Long', command: Commands.run, arguments: [{ uri, name: 'Long' }] } },
            ]);
            expect((await actionsAt('oracle Fresh')).map((a) => a.command)).toEqual([{ title: '▶ Train Fresh', command: Commands.train, arguments: [{ uri, oracle: 'Fresh' }] }]);
            expect(await actionsAt('oracle Poly4 {')).toEqual([]); // no data: nothing to train
            expect(await actionsAt('  solutions 64', ['quickfix'])).toEqual([]);
            expect((await actionsAt('  solutions 64', ['source'])).map((a) => a.title)).toEqual(['▶ Run Long']);

            const { runId } = (await client.rpc.sendRequest('workspace/executeCommand', (await actionsAt('  solutions 64'))[0]!.command)) as { runId: string };
            let action: { title: string; command: { command: string; arguments: unknown[] } } | undefined;
            for (let i = 0; i < 100 && !action; i++) {
                action = (await actionsAt('  solutions 64')).find((a) => /^■ Cancel Long \(step \d+\/200000/.test(a.title));
                if (!action) await new Promise((r) => setTimeout(r, 200));
            }
            expect(action?.command).toEqual({ title: action!.title, command: Commands.cancel, arguments: [{ runId }] });
            await client.rpc.sendRequest('workspace/executeCommand', action!.command);
            await client.until('Long ended', () => client.shown.find((m) => m.message.startsWith('inv: Long: ')), 10_000);
            expect((await actionsAt('  solutions 64')).map((a) => a.title)).toEqual(['▶ Run Long', 'Show the results of Long']);
        } finally {
            await client.stop();
        }
    });
});
