import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { DocumentState, URI } from 'langium';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { NodeFileSystem } from 'langium/node';
import { createInvServices } from '../../src/language/inv-module.js';

it('gaps', async () => {
    const { shared } = createInvServices(NodeFileSystem);
    const text = readFileSync(`/tmp/i15-perf/pieces-30000.inv`, 'utf8');
    const doc = shared.workspace.LangiumDocumentFactory.fromString(text, URI.file(`/tmp/i15-perf/x.inv`));
    shared.workspace.LangiumDocuments.addDocument(doc);
    const gcs: number[] = [];
    const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcs.push(e.duration); });
    obs.observe({ entryTypes: ['gc'] });
    let last = performance.now();
    const gaps: Array<[number, string]> = [];
    let phase = 'start';
    const timer = setInterval(() => { const now = performance.now(); gaps.push([now - last, phase]); last = now; }, 2);
    const subs = [DocumentState.Linked, DocumentState.IndexedReferences, DocumentState.Validated].map((s) => shared.workspace.DocumentBuilder.onBuildPhase(s, () => { phase = `after-${DocumentState[s]}`; }));
    await shared.workspace.DocumentBuilder.build([doc], { validation: true }, new CancellationTokenSource().token);
    clearInterval(timer); obs.disconnect(); subs.forEach((s) => s.dispose());
    gaps.sort((a, b) => b[0] - a[0]);
    console.log('top gaps', gaps.slice(0, 8).map(([g, p]) => `${g.toFixed(0)}@${p}`).join(' '), 'gc max', Math.max(...gcs).toFixed(0), 'gc>50', gcs.filter((g) => g > 50).map((g) => g.toFixed(0)).join(','));
}, 600_000);
