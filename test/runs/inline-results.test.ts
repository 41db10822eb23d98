/**
 * The inline results on their own (no server process): hints where each value is named, and
 * only as many on a line as VS Code shows whole (43 characters for all the hints of a line);
 * a result is stale exactly when what its run read changed (its block, its oracle, its
 * constraints, the files), not when another block or a comment does.
 */
import { NodeFileSystem } from 'langium/node';
import { parseHelper } from 'langium/test';
import { describe, expect, it } from 'vitest';
import type { InvResult } from '../../src/engine/contract/results.js';
import { isInversion, type InvFile, type Inversion } from '../../src/language/generated/ast.js';
import { createInvServices } from '../../src/language/inv-module.js';
import type { InvServerServices } from '../../src/server/inv-server-module.js';
import { InvResultInlayHints, LINE_HINT_CHARS } from '../../src/server/runs/inv-result-inlay-hints.js';
import { ResultStore } from '../../src/server/runs/result-store.js';
import { runInputsHash } from '../../src/server/runs/run-inputs.js';
import { fixtureUri } from '../language/inv-test-services.js';

const store = new ResultStore();
const { Inv } = createInvServices(NodeFileSystem, {
    runs: { ResultStore: () => store },
    lsp: { InlayHintProvider: (services: unknown) => new InvResultInlayHints(services as InvServerServices) },
} as never);
const parse = parseHelper<InvFile>(Inv);

const FILE = `oracle Five {
  model "models/none/model.json"
  inputs a in [0, 1], b in [0, 1], c in [0, 1], d in [0, 1], e in [0, 1]
  outputs y
}

constraint soft { when x > 1: x / 10 }

inversion Wide {
  oracle Five
  target y = 1
  bound a, b, c, d, e in [0, 1]
}

// another block
inversion Other {
  oracle Five
  target y = 2
  bound a in [0, 1] using soft
}
`;

function resultOf(name: string, y: number): InvResult {
    const inputs = { a: 0.123456, b: 0.234567, c: 0.345678, d: 0.456789, e: 0.567891 };
    return {
        schema: 'inv-result/1', inv: '0.3.0', source: 'x.inv', sourceHash: 'whole-file', name, kind: 'inversion', method: 'generator', backend: 'cpu', seed: 0,
        settings: {} as InvResult['settings'], oracle: { name: 'Five', model: 'm', inputs: Object.keys(inputs), outputs: ['y'], testRmse: {} },
        steps: 10, stepsRun: 10, stoppedBecause: 'steps', seconds: 1,
        targets: [{ output: 'y', kind: 'equal', value: y, low: null, high: null, tolerance: 0.001 }],
        solutions: [{ inputs, outputs: { y }, error: 0, meets: true, inBounds: true, inDomain: true }],
        summary: { best: 0, meeting: 1, meanAbsError: 0, importance: Object.keys(inputs).map((feature, i) => ({ feature, spread: 0.1 * (i + 1), rank: i + 1 })), note: null },
        loss: [],
    } as InvResult;
}

async function open(text: string) {
    const document = await parse(text, { documentUri: fixtureUri() });
    const block = (name: string) => document.parseResult.value.elements.find((e): e is Inversion => isInversion(e) && e.name === name)!;
    const hints = async () => (await Inv.lsp.InlayHintProvider!.getInlayHints(document, { textDocument: { uri: document.uri.toString() }, range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } } }))!;
    return { document, block, hints };
}

describe('inline results', () => {
    it('a line gets the hints that fit whole in 43 characters; the lens and hover have the rest', async () => {
        const { document, block, hints } = await open(FILE);
        store.set(document.uri.toString(), resultOf('Wide', 1), runInputsHash(block('Wide')));
        const line = FILE.split('\n').findIndex((l) => l.includes('bound a, b, c, d, e'));
        const onBound = (await hints()).filter((h) => h.position.line === line);
        expect(onBound.map((h) => h.label)).toEqual(['= 0.123456', '= 0.234567', '= 0.345678']);
        expect(onBound.reduce((n, h) => n + String(h.label).length + 1, 0)).toBeLessThanOrEqual(LINE_HINT_CHARS);
        // Each right after its feature's name.
        const text = FILE.split('\n')[line]!;
        expect(onBound.map((h) => h.position.character)).toEqual([text.indexOf('a,') + 1, text.indexOf('b,') + 1, text.indexOf('c,') + 1]);
    });

    it('goes stale with its block, oracle or constraint; not with another block or a comment', async () => {
        const first = await open(FILE);
        const uri = first.document.uri.toString();
        store.set(uri, resultOf('Wide', 1), runInputsHash(first.block('Wide')));
        store.set(uri, resultOf('Other', 2), runInputsHash(first.block('Other')));
        const staleness = async (text: string) => {
            const { block } = await open(text);
            // The store is keyed by URI: read the stored results against this text's blocks.
            const judge = (name: string) => {
                const stored = store.stored(uri, name)!;
                return stored.inputs !== runInputsHash(block(name));
            };
            return { Wide: judge('Wide'), Other: judge('Other') };
        };
        expect(await staleness(FILE)).toEqual({ Wide: false, Other: false });
        expect(await staleness(FILE.replace('// another block', '// another block, commented'))).toEqual({ Wide: false, Other: false });
        expect(await staleness(FILE.replace('  target y = 2', '  target    y = 2   // reformatted'))).toEqual({ Wide: false, Other: false });
        expect(await staleness(FILE.replace('target y = 2', 'target y = 3'))).toEqual({ Wide: false, Other: true });
        expect(await staleness(FILE.replace('x / 10', 'x / 20'))).toEqual({ Wide: false, Other: true });
        expect(await staleness(FILE.replace('e in [0, 1]', 'e in [0, 2]'))).toEqual({ Wide: true, Other: true });
        expect(await staleness(FILE.replace('models/none/model.json', 'models/other/model.json'))).toEqual({ Wide: true, Other: true });
    });
});
