import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DocumentState, URI } from 'langium';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { NodeFileSystem } from 'langium/node';
import { createInvServices } from '../../src/language/inv-module.js';

it('phases', async () => {
    const { shared } = createInvServices(NodeFileSystem);
    for (const f of ['pieces-2000', 'pieces-30000', 'inv-8000']) {
        const text = readFileSync(`/tmp/i15-perf/${f}.inv`, 'utf8');
        const doc = shared.workspace.LangiumDocumentFactory.fromString(text, URI.file(`/tmp/i15-perf/x-${f}.inv`));
        shared.workspace.LangiumDocuments.addDocument(doc);
        let last = performance.now();
        let maxGap = 0;
        let phase = 'start';
        const gaps: Record<string, number> = {};
        const timer = setInterval(() => { const now = performance.now(); const gap = now - last; gaps[phase] = Math.max(gaps[phase] ?? 0, gap); maxGap = Math.max(maxGap, gap); last = now; }, 2);
        const t0 = performance.now();
        const times: string[] = [];
        const ds = [DocumentState.Parsed, DocumentState.IndexedContent, DocumentState.ComputedScopes, DocumentState.Linked, DocumentState.IndexedReferences, DocumentState.Validated];
        const subs = ds.map((s) => shared.workspace.DocumentBuilder.onBuildPhase(s, () => { times.push(`${DocumentState[s]}@${(performance.now() - t0).toFixed(0)}`); phase = `after-${DocumentState[s]}`; }));
        await shared.workspace.DocumentBuilder.build([doc], { validation: true }, new CancellationTokenSource().token);
        clearInterval(timer);
        subs.forEach((s) => s.dispose());
        console.log(f, times.join(' '), 'gaps', JSON.stringify(Object.fromEntries(Object.entries(gaps).map(([k, v]) => [k, Math.round(v)]))));
    }
}, 600_000);
