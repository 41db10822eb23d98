/**
 * A synthesis through the language server and its engine worker (out/server.cjs,
 * out/worker.cjs): the worker runs it like an inversion, the rows are written next to the
 * .inv file, and the result carries the synthesis block.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsRequest, runRequest } from '../../src/protocol.js';
import { LspProcess, paperWorkspace, POLY4_ORACLE, removeWorkspaces } from './lsp-process.js';

afterAll(() => removeWorkspaces());

const FILE = `${POLY4_ORACLE}
synthesize High {
  oracle Poly4
  target y in [1500, 1800]
  fix x4 = 250
  count 50
  output "out/high.csv"
  steps 300
  seed 2
}
`;

describe('a synthesis through the language server', () => {
    const ws = paperWorkspace({ 'synth.inv': FILE });
    const uri = ws.uri('synth.inv');
    let server: LspProcess;

    beforeAll(async () => {
        server = await LspProcess.start({ workspace: ws.dir, initializationOptions: { storagePath: `${ws.dir}/.storage` } });
        server.open(uri, FILE);
        expect((await server.diagnosticsOf(uri)).filter((d) => d.severity === 1)).toEqual([]);
    });
    afterAll(() => server?.stop());

    it('runs in the worker, writes the rows and returns the synthesis block', async () => {
        const { runId } = await server.rpc.sendRequest(runRequest, { uri, name: 'High' });
        const done = await server.until('High finished', () => server.finishedRun(runId), 120_000);
        expect(done.error).toBeNull();
        const result = done.result!;
        expect(result.kind).toBe('synthesis');
        expect(result.synthesis).toMatchObject({ output: 'out/high.csv', count: 50, overwritten: false });
        expect(result.solutions).toHaveLength(50);
        const csv = join(ws.dir, 'out', 'high.csv');
        expect(existsSync(csv)).toBe(true);
        const lines = readFileSync(csv, 'utf8').trim().split('\n');
        expect(lines[0]).toBe('x1,x2,x3,x4,y');
        expect(lines).toHaveLength(51);
        const cached = await server.rpc.sendRequest(resultsRequest, { uri, name: 'High' });
        expect(cached?.synthesis?.count).toBe(50);
    });
});
