/**
 * Runs through the language server, end to end over JSON-RPC: `node out/server.cjs --stdio`
 * (built by `npm run build`) with the paper's trained oracle. A run streams `inv/progress` and
 * ends with `inv/result`; cancel keeps the partial result within a second; completion and
 * hover answer while a run is going; a worker that dies or runs out of memory becomes a
 * clear error and the server answers on; results survive a restart and go stale on edit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-jsonrpc';
import { cpSync, existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { activeRunsRequest, cancelRequest, resultsRequest, runRequest, trainRequest } from '../../src/protocol.js';
import { LspProcess, paperWorkspace, QUICK_AND_LONG, removeWorkspaces, REPO } from './lsp-process.js';

afterAll(() => removeWorkspaces());

const QUICK = `${QUICK_AND_LONG}
// The box cannot reach 1900 (its maximum is about 787): the target is not met.
inversion Unreachable {
  oracle Poly4
  target y = 1900
  fix x4 = 100
  bound x1, x2, x3 in [0, 100]
  solutions 16
  steps 100
  seed 7
}

// Its steps come from the editor setting when one is given.
inversion Unset {
  oracle Poly4
  target y = 1000
  seed 1
}
`;

/** The position of the first `needle` in `text` (plus `offset` characters). */
function positionOf(text: string, needle: string, offset = 0): { line: number; character: number } {
    const index = text.indexOf(needle) + offset;
    const before = text.slice(0, index).split('\n');
    return { line: before.length - 1, character: before[before.length - 1]!.length };
}

describe('runs through the language server', () => {
    const ws = paperWorkspace({ 'quick.inv': QUICK });
    const uri = ws.uri('quick.inv');
    let server: LspProcess;

    beforeAll(async () => {
        server = await LspProcess.start({ workspace: ws.dir, initializationOptions: { storagePath: `${ws.dir}/.storage` } });
        server.open(uri, QUICK);
        expect((await server.diagnosticsOf(uri)).filter((d) => d.severity === 1)).toEqual([]);
    });
    afterAll(() => server?.stop());

    it('a run streams progress and ends with the result, which inv/results returns', async () => {
        const { runId } = await server.rpc.sendRequest(runRequest, { uri, name: 'Quick' });
        const done = await server.until('Quick finished', () => server.finishedRun(runId), 120_000);
        expect(done.error).toBeNull();
        const result = done.result!;
        expect(result.name).toBe('Quick');
        expect(result.solutions).toHaveLength(32);
        expect(result.settings.steps).toBe(200);
        expect(['steps', 'tolerance']).toContain(result.stoppedBecause);
        const progress = server.progress.filter((p) => p.runId === runId);
        expect(progress.length).toBeGreaterThan(0);
        expect(progress.every((p) => p.name === 'Quick' && p.uri === uri && p.phase === 'running')).toBe(true);
        const cached = await server.rpc.sendRequest(resultsRequest, { uri, name: 'Quick' });
        expect(cached?.sourceHash).toBe(result.sourceHash);
    });

    it('inv/result says how the run ended in one line; the result itself is only pulled with inv/results', async () => {
        const quick = server.notified.find((n) => n.name === 'Quick');
        expect(quick).toBeDefined();
        expect(Object.keys(quick!).sort()).toEqual(['error', 'hasResult', 'job', 'name', 'runId', 'summary', 'uri']);
        expect(quick).toMatchObject({ job: 'run', hasResult: true, error: null });
        expect(quick!.summary).toMatch(/^[✓⚠] y = [0-9.]+ · \d+\/32 meet · [0-9.]+ s · [\w-]+$/);
    });

    it('inlay hints: the achieved output at the target, one short hint per bounded feature, the full figures in their tooltips', async () => {
        const hints = (await server.rpc.sendRequest('textDocument/inlayHint', {
            textDocument: { uri },
            range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
        })) as Array<{ label: string; position: { line: number }; tooltip: { kind: string; value: string } }>;
        const target = positionOf(QUICK, 'target y = 1900 tolerance 5');
        const atTarget = hints.filter((h) => h.position.line === target.line);
        expect(atTarget.map((h) => h.label)).toEqual([expect.stringMatching(/^→ y = [0-9.]+ · miss [0-9.e+-]+ [✓✗]$/)]);
        expect(atTarget[0]!.tooltip.value).toMatch(/^\*\*y\*\*: = 1900 \(tolerance 5\)\n\nbest solution: [0-9.]+, miss [0-9.e-]+ — (met|not met)\n\n\d+\/32 solutions meet/);
        // One hint right after each bounded feature's name.
        const bound = positionOf(QUICK, 'bound x1, x2 in [0, 500]');
        const atBound = hints.filter((h) => h.position.line === bound.line);
        expect(atBound.map((h) => h.label)).toEqual([
            expect.stringMatching(/^= [0-9.e+-]+$/),
            expect.stringMatching(/^= [0-9.e+-]+$/),
        ]);
        expect(atBound.map((h) => (h as unknown as { position: { character: number } }).position.character)).toEqual([
            positionOf(QUICK, 'x1, x2 in [0, 500]', 2).character, positionOf(QUICK, 'x1, x2 in [0, 500]', 6).character,
        ]);
        expect(atBound[0]!.tooltip.value).toMatch(/^\*\*x1\*\* = [0-9.]+ in the best of 32 solutions\n\nspread [0-9.e-]+ \(standard deviation \/ bound width\): importance rank [123] of 3/);
        // Each fits in VS Code's 43 characters; x3, named nowhere, is on the lens, not on the oracle line.
        expect(hints.every((h) => h.label.length <= 43)).toBe(true);
        const oracleLine = positionOf(QUICK, '  oracle Poly4').line;
        expect(hints.filter((h) => h.position.line === oracleLine)).toEqual([]);
        const lenses = (await server.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as Array<{ range: { start: { line: number } }; command: { title: string; command: string; tooltip?: string } }>;
        const quickLine = positionOf(QUICK, 'inversion Quick').line;
        const titles = lenses.filter((l) => l.range.start.line === quickLine).map((l) => l.command.title);
        expect(titles).toEqual(['▶ Run', expect.stringMatching(/^[✓⚠] y = [0-9.]+ · \d+\/32 meet/), expect.stringMatching(/^best x1 = [0-9.e+-]+ · x2 = [0-9.e+-]+ · x3 = [0-9.e+-]+$/)]);
        const best = lenses.find((l) => l.command.title.startsWith('best '))!;
        expect(best.command.command).toBe('inv.openResults');
        expect(best.command.tooltip).toMatch(/^Quick: .*\nbest: x1 = [0-9.]+, x2 = [0-9.]+, x3 = [0-9.]+, x4 = 10 \(fixed\)\n→ y = [0-9.]+ \(target = 1900, miss [0-9.e-]+ [✓✗]\)\nspread, most important first: /);
    });

    it('hover: on the block, everything its last run found; on a feature, one row per run, in a table', async () => {
        const hover = async (needle: string, offset: number) =>
            ((await server.rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(QUICK, needle, offset) })) as { contents: { value: string } }).contents.value;
        const block = (await hover('inversion Quick', 12)).split('\n\n');
        expect(block[0]).toBe('**inversion Quick** on oracle Poly4 — method generator');
        expect(block).toContainEqual(expect.stringMatching(/^\*\*last run\*\*: [✓⚠] y = [0-9.]+ · \d+\/32 meet · /));
        expect(block).toContainEqual(expect.stringMatching(/^\| input \| best \| spread \|\n\|---\|---\|---\|\n\| `x1` \| [0-9.]+ \| [0-9.e-]+ \|\n\| `x2` \| [0-9.]+ \| [0-9.e-]+ \|\n\| `x3` \| [0-9.]+ \| [0-9.e-]+ \|\n\| `x4` \| 10 \| fixed \|$/));
        expect(block).toContainEqual(expect.stringMatching(/^\| output \| best \| target \| miss \|\n\|---\|---\|---\|---\|\n\| `y` \| [0-9.]+ \| = 1900 \| [0-9.e-]+ [✓✗] \|$/));
        const feature = (await hover('inputs x1', 7)).split('\n\n');
        // This workspace has the paper's model but not its data (the oracle has no `data`): support is unknown.
        expect(feature.at(-1)).toMatch(/^\| last run of \| best \| spread \| meet \| data backs \|\n\|---\|---\|---\|---\|---\|\n\| \*\*Quick\*\* \| [0-9.]+ \| [0-9.e-]+ \| \d+\/32 \| unknown \|$/);
        expect(block).toContainEqual(expect.stringMatching(/^\*\*answers\*\*: spread [0-9.e-]+ · .*support unknown/));
    });

    it('completion and hover answer while a run is going, and cancel keeps the partial result within a second', async () => {
        const { runId } = await server.rpc.sendRequest(runRequest, { uri, name: 'Long' });
        await server.until('Long progress', () => server.progress.some((p) => p.runId === runId && p.step > 0), 60_000);

        const completion = await server.rpc.sendRequest('textDocument/completion', {
            textDocument: { uri },
            position: positionOf(QUICK, 'oracle Poly4\n  target y = 1900\n  fix x4 = 90', 'oracle '.length),
        });
        const hover = await server.rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(QUICK, 'fix x4', 4) });
        // Both answered while the run was still going (it has not reported a result).
        expect(server.finishedRun(runId)).toBeUndefined();
        const items = Array.isArray(completion) ? completion : (completion as { items: Array<{ label: string }> }).items;
        expect(items.map((i: { label: string }) => i.label)).toContain('Poly4');
        expect(hover === null || typeof hover === 'object').toBe(true);
        const active = await server.rpc.sendRequest(activeRunsRequest);
        expect(active.runs.map((r) => r.runId)).toContain(runId);

        const cancelledAt = Date.now();
        await server.rpc.sendRequest(cancelRequest, { runId });
        const done = await server.until('Long cancelled', () => server.finishedRun(runId), 5_000);
        expect(Date.now() - cancelledAt).toBeLessThan(1000);
        expect(done.error).toBeNull();
        expect(done.result!.stoppedBecause).toBe('cancelled');
        expect(done.result!.stepsRun).toBeGreaterThan(0);
        expect(done.result!.stepsRun).toBeLessThan(200_000);
        expect(done.result!.solutions).toHaveLength(64);
    });

    it('a target the run did not meet gets a warning diagnostic on it (target-not-met)', async () => {
        const { runId } = await server.rpc.sendRequest(runRequest, { uri, name: 'Unreachable' });
        const done = await server.until('Unreachable finished', () => server.finishedRun(runId), 120_000);
        expect(done.result!.summary.meeting).toBe(0);
        const target = positionOf(QUICK, 'target y = 1900\n  fix x4 = 100');
        const warning = await server.until('the not-met diagnostic', () =>
            server.diagnostics.get(uri)?.find((d) => d.code === 'target-not-met' && d.range.start.line === target.line),
        );
        expect(warning.severity).toBe(2);
        expect(warning.range.start.line).toBe(target.line);
        expect(warning.message).toMatch(/^Target not met by the last run: the best y is [0-9.]+, a miss of [0-9.]+/);
    });
    it('results survive a server restart; a result goes stale when what its run read changes, not when another block or a comment does', async () => {
        const again = await LspProcess.start({ workspace: ws.dir, initializationOptions: { storagePath: `${ws.dir}/.storage` } });
        const lensTitles = async () => {
            const lenses = (await again.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as Array<{ command: { title: string } }>;
            return lenses.map((l) => l.command.title);
        };
        const staleOf = async (name: string) => {
            const lenses = (await again.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as Array<{ command: { title: string; arguments?: Array<{ name?: string }> } }>;
            const summary = lenses.find((l) => l.command.arguments?.[0]?.name === name && l.command.title !== '▶ Run');
            if (!summary) throw new Error(`no summary lens for ${name}: ${JSON.stringify(await lensTitles())}`);
            return summary.command.title.startsWith('↻ stale');
        };
        let version = 1;
        const edit = async (text: string) => {
            again.diagnostics.delete(uri);
            again.change(uri, text, ++version);
            return again.diagnosticsOf(uri);
        };
        try {
            again.open(uri, QUICK);
            await again.diagnosticsOf(uri);
            const cached = await again.rpc.sendRequest(resultsRequest, { uri, name: 'Quick' });
            expect(cached?.name).toBe('Quick');
            expect(await staleOf('Quick')).toBe(false);
            expect(await staleOf('Unreachable')).toBe(false);

            // A comment, and layout, change nothing a run reads.
            await edit(`// edited\n${QUICK.replace('solutions 32', 'solutions   32 // the same')}`);
            expect(await staleOf('Quick')).toBe(false);

            // Quick's own block: Quick goes stale, Unreachable keeps its result and its warning.
            const quickEdited = QUICK.replace('steps 200\n', 'steps 250\n');
            const diagnostics = await edit(quickEdited);
            expect(await staleOf('Quick')).toBe(true);
            expect(await staleOf('Unreachable')).toBe(false);
            // (Long, cancelled in its unreachable box, did not meet its target either.)
            expect(diagnostics.filter((d) => d.code === 'target-not-met').map((d) => d.range.start.line)).toEqual([
                positionOf(QUICK, 'target y = 1900\n  fix x4 = 90').line, positionOf(QUICK, 'target y = 1900\n  fix x4 = 100').line,
            ]);
            const hints = (await again.rpc.sendRequest('textDocument/inlayHint', {
                textDocument: { uri },
                range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
            })) as Array<{ label: string; position: { line: number } }>;
            const quickLines = [positionOf(QUICK, 'target y = 1900 tolerance 5').line, positionOf(QUICK, 'bound x1, x2').line];
            const unreachableLines = [positionOf(QUICK, 'bound x1, x2, x3 in [0, 100]').line];
            expect(hints.filter((h) => quickLines.includes(h.position.line)).every((h) => h.label.endsWith('(stale)'))).toBe(true);
            expect(hints.filter((h) => unreachableLines.includes(h.position.line)).some((h) => h.label.endsWith('(stale)'))).toBe(false);
            expect(hints.filter((h) => unreachableLines.includes(h.position.line))).toHaveLength(3);

            // The oracle both read: every result goes stale, and the warning goes with it.
            const oracleEdited = quickEdited.replace('x4 in [0, 500]', 'x4 in [0, 501]');
            const after = await edit(oracleEdited);
            expect(await staleOf('Unreachable')).toBe(true);
            expect(after.some((d) => d.code === 'target-not-met')).toBe(false);

            // Back to the text that ran: fresh again; then the model file changes on disk: stale.
            await edit(QUICK);
            expect(await staleOf('Unreachable')).toBe(false);
            const model = join(ws.dir, 'models/poly4/model.json');
            const later = new Date(Date.now() + 5000);
            utimesSync(model, later, later);
            expect(await staleOf('Unreachable')).toBe(true);
        } finally {
            await again.stop();
        }
    });
});

describe('training through the language server', () => {
    it('▶ Train fits an oracle with `data` in the worker; a run on an untrained oracle trains it first', async () => {
        const trainable = (model: string) => `oracle Fresh {
  model "${model}"
  data "data/poly4-train.csv"
  inputs x1 in [0, 500], x2 in [0, 500], x3 in [0, 500], x4 in [0, 500]
  outputs y
  layers 8
  epochs 2
}

inversion OnFresh {
  oracle Fresh
  target y = 1000
  solutions 8
  steps 20
}
`;
        const ws = paperWorkspace({ 'train.inv': trainable('models/fresh/model.json'), 'first.inv': trainable('models/first/model.json') });
        cpSync(join(REPO, 'examples/paper/data'), join(ws.dir, 'data'), { recursive: true });
        const server = await LspProcess.start({ workspace: ws.dir });
        try {
            const train = ws.uri('train.inv');
            server.open(train, ws.text('train.inv'));
            await server.diagnosticsOf(train);
            const { runId } = await server.rpc.sendRequest(trainRequest, { uri: train, oracle: 'Fresh' });
            const trained = await server.until('training finished', () => server.finishedRun(runId), 120_000);
            expect(trained.error).toBeNull();
            expect(trained.job).toBe('train');
            expect(trained.summary).toMatch(/^Trained Fresh: test RMSE y = [0-9.]+ \(2 epochs, [0-9.]+ s, [\w-]+\)\.$/);
            expect(existsSync(join(ws.dir, 'models/fresh/model.json'))).toBe(true);
            expect(server.progress.filter((p) => p.runId === runId).every((p) => p.phase === 'training-oracle')).toBe(true);

            const first = ws.uri('first.inv');
            server.open(first, ws.text('first.inv'));
            await server.diagnosticsOf(first);
            const run = await server.rpc.sendRequest(runRequest, { uri: first, name: 'OnFresh' });
            const done = await server.until('run finished', () => server.finishedRun(run.runId), 120_000);
            expect(done.error).toBeNull();
            expect(done.result!.stepsRun).toBeGreaterThan(0);
            const phases = server.progress.filter((p) => p.runId === run.runId).map((p) => p.phase);
            expect(phases[0]).toBe('training-oracle');
            expect(phases.at(-1)).toBe('running');
            expect(existsSync(join(ws.dir, 'models/first/model.json'))).toBe(true);
        } finally {
            await server.stop();
        }
    });
});

describe('editor settings fill what the file leaves unset', () => {
    it('inv.defaultSteps applies to a block without `steps`, not to one with it', async () => {
        const ws = paperWorkspace({ 'quick.inv': QUICK });
        const uri = ws.uri('quick.inv');
        const server = await LspProcess.start({ workspace: ws.dir, settings: { defaultSteps: 60, defaultSolutions: 8, defaultBackend: 'cpu' } });
        try {
            server.open(uri, QUICK);
            await server.diagnosticsOf(uri);
            const unset = await server.rpc.sendRequest(runRequest, { uri, name: 'Unset' });
            const quick = await server.rpc.sendRequest(runRequest, { uri, name: 'Quick' });
            const a = await server.until('Unset finished', () => server.finishedRun(unset.runId), 120_000);
            const b = await server.until('Quick finished', () => server.finishedRun(quick.runId), 120_000);
            expect(a.result!.settings.steps).toBe(60);
            expect(a.result!.solutions).toHaveLength(8);
            expect(a.result!.backend).toBe('cpu');
            expect(b.result!.settings.steps).toBe(200);
            expect(b.result!.solutions).toHaveLength(32);
        } finally {
            await server.stop();
        }
    });

    it('inv.inlayHints.enabled: false hides the inline results', async () => {
        const ws = paperWorkspace({ 'quick.inv': QUICK });
        const uri = ws.uri('quick.inv');
        const server = await LspProcess.start({ workspace: ws.dir, settings: { inlayHints: { enabled: false }, defaultSteps: 20 } });
        try {
            server.open(uri, QUICK);
            await server.diagnosticsOf(uri);
            const { runId } = await server.rpc.sendRequest(runRequest, { uri, name: 'Unset' });
            expect((await server.until('finished', () => server.finishedRun(runId), 120_000)).result).not.toBeNull();
            const hints = await server.rpc.sendRequest('textDocument/inlayHint', {
                textDocument: { uri },
                range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
            });
            expect(hints).toEqual([]);
        } finally {
            await server.stop();
        }
    });
});

describe('a worker that dies', () => {
    const quick = paperWorkspace({ 'quick.inv': QUICK });

    async function runWithFault(env: Record<string, string>) {
        const server = await LspProcess.start({ workspace: quick.dir, env });
        const uri = quick.uri('quick.inv');
        server.open(uri, QUICK);
        await server.diagnosticsOf(uri);
        const { runId } = await server.rpc.sendRequest(runRequest, { uri, name: 'Quick' });
        const done = await server.until('the failed run', () => server.finishedRun(runId), 60_000);
        // The server lives on: completion still answers.
        const completion = await server.rpc.sendRequest('textDocument/completion', {
            textDocument: { uri },
            position: positionOf(QUICK, 'oracle Poly4\n  target y = 1900 tolerance 5', 'oracle '.length),
        });
        const items = Array.isArray(completion) ? completion : (completion as { items: unknown[] }).items;
        return { server, done, labels: (items as Array<{ label: string }>).map((i) => i.label) };
    }

    it('exiting without an answer becomes a clear error on the run; the server answers on', async () => {
        const { server, done, labels } = await runWithFault({ INV_TEST_WORKER_FAULT: 'exit' });
        try {
            expect(done.result).toBeNull();
            expect(done.error).toMatch(/engine worker exited with code 70 before answering.*language server is still running/);
            expect(labels).toContain('Poly4');
        } finally {
            await server.stop();
        }
    });

    it('running out of memory becomes an out-of-memory error that says what to do', async () => {
        const { server, done, labels } = await runWithFault({ INV_TEST_WORKER_FAULT: 'oom', INV_WORKER_HEAP_MB: '64' });
        try {
            expect(done.error).toMatch(/ran out of memory \(the engine's limit is 64 MiB of JavaScript heap\) \(its estimate before it started: about \d+ MiB\) and was stopped\. Reduce .*`solutions`/);
            expect(labels).toContain('Poly4');
        } finally {
            await server.stop();
        }
    });
});

describe('a worker killed, or past its memory limit (issue 15)', () => {
    const quick = paperWorkspace({ 'quick.inv': QUICK });

    async function failedRun(env: Record<string, string>) {
        const server = await LspProcess.start({ workspace: quick.dir, env });
        const uri = quick.uri('quick.inv');
        server.open(uri, QUICK);
        await server.until('diagnostics', () => server.diagnostics.get(uri));
        const { runId } = await server.rpc.sendRequest(runRequest, { uri, name: 'Quick' });
        const done = await server.until('the failed run', () => server.finishedRun(runId), 60_000);
        return { server, done };
    }

    it('a kill from outside is reported as a kill, not as running out of memory', async () => {
        const { server, done } = await failedRun({ INV_TEST_WORKER_FAULT: 'sigkill' });
        try {
            expect(done.result).toBeNull();
            expect(done.error).toMatch(/^The engine worker was killed \(SIGKILL\) from outside inv, by a user or a tool, or by the system when it was short of memory/);
            expect(done.error).not.toMatch(/ran out of memory/);
            expect(server.child.exitCode).toBeNull();
        } finally {
            await server.stop();
        }
    });

    it('memory outside the JavaScript heap (as tensors take) is watched: past the limit the run is stopped and says so', async () => {
        const { server, done } = await failedRun({ INV_TEST_WORKER_FAULT: 'grow', INV_MEMORY_LIMIT_MB: '400' });
        try {
            expect(done.result).toBeNull();
            expect(done.error).toMatch(/^The run ran out of memory: the engine's resident memory reached \d+ MiB, past its limit of 400 MiB \(INV_MEMORY_LIMIT_MB, else 80 % of this machine's memory\) \(its estimate before it started: about \d+ MiB\), and it was stopped\. Reduce .*`solutions`/);
            expect(server.child.exitCode).toBeNull();
        } finally {
            await server.stop();
        }
    });
});

describe('a worker that does not stop when cancelled', () => {
    it('is killed after the grace period and the run says so', async () => {
        const ws = paperWorkspace({ 'quick.inv': QUICK });
        const uri = ws.uri('quick.inv');
        const server = await LspProcess.start({ workspace: ws.dir, env: { INV_TEST_WORKER_FAULT: 'hang' } });
        try {
            server.open(uri, QUICK);
            await server.diagnosticsOf(uri);
            const { runId } = await server.rpc.sendRequest(runRequest, { uri, name: 'Quick' });
            await new Promise((r) => setTimeout(r, 300));
            const cancelledAt = Date.now();
            await server.rpc.sendRequest(cancelRequest, { runId });
            const done = await server.until('the killed run', () => server.finishedRun(runId), 10_000);
            expect(Date.now() - cancelledAt).toBeGreaterThanOrEqual(1900); // the grace period (2 s) was given
            expect(done.result).toBeNull();
            expect(done.error).toMatch(/^Cancelled: the engine did not stop within the grace period and was ended; nothing was kept\.$/);
        } finally {
            await server.stop();
        }
    });
});

describe('an untrusted workspace', () => {
    it('refuses to run, and says why', async () => {
        const ws = paperWorkspace({ 'quick.inv': QUICK });
        const uri = ws.uri('quick.inv');
        const server = await LspProcess.start({ workspace: ws.dir, initializationOptions: { workspaceTrusted: false } });
        try {
            server.open(uri, QUICK);
            await server.diagnosticsOf(uri);
            const refused = await server.rpc.sendRequest(runRequest, { uri, name: 'Quick' }).then(
                () => null,
                (e: unknown) => e,
            );
            expect(refused).toBeInstanceOf(ResponseError);
            expect((refused as ResponseError<void>).message).toMatch(/untrusted workspace/);
            // and the lens over the block says so
            const lenses = (await server.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as Array<{ command?: { title: string } }>;
            expect(lenses.map((l) => l.command?.title)).toContain('⚠ Untrusted workspace: inv edits and checks, but does not run or train');
        } finally {
            await server.stop();
        }
    });
});
