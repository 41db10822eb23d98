/**
 * The editor features through Langium's test helpers: completion, hover, go to definition,
 * find references, rename, quick fixes, code lenses, formatting, semantic tokens, outline,
 * folding. Documents live in test/language/fixtures/ so their model and CSV paths resolve.
 */
import {
    expectCompletion, expectFindReferences, expectFoldings, expectFormatting, expectGoToDefinition, expectHover,
    expectSymbols, highlightHelper, expectSemanticToken, parseHelper, testCodeAction,
} from 'langium/test';
import { SemanticTokenTypes, SymbolKind, type CompletionList } from 'vscode-languageserver';
import { describe, expect, test } from 'vitest';
import { Commands, type RunTarget, type TrainTarget } from '../../src/protocol.js';
import type { InvFile } from '../../src/language/generated/ast.js';
import { createInvServices } from '../../src/language/inv-module.js';
import type { RunLensState, RunStateSource } from '../../src/language/lsp/run-state-source.js';
import { IssueCodes } from '../../src/language/issue-codes.js';
import { fixtureUri, Inv, POLY } from '../language/inv-test-services.js';
import { NodeFileSystem } from 'langium/node';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TextDocument, URI } from 'langium';

const options = () => ({ parseOptions: { documentUri: fixtureUri() }, disposeAfterCheck: true });

const FILE = `${POLY}
oracle Plain {
  model "models/plain/model.json"
  inputs \`data\` in [0, 1], b in [0, 1]
  outputs y
}

constraint paper {
  when x >= 10: x / 10
  when x <= 1: x * 50
}
`;

function labels(list: CompletionList): string[] {
    return list.items.map((i) => i.label);
}

describe('completion', () => {
    const complete = expectCompletion(Inv);

    test('oracle names after `oracle` in an inversion', async () => {
        await complete({
            text: `${FILE}inversion I { oracle <|> }`, index: 0, ...options(),
            assert: (list) => expect(labels(list)).toEqual(['Poly', 'Plain']),
        });
    });

    test('the block oracle\'s inputs after `fix`, minus those already fixed or bounded', async () => {
        await complete({
            text: `${FILE}inversion I { oracle Poly target y = 1 bound x2 in [0, 1] fix x1 = 1, <|> }`, index: 0, ...options(),
            assert: (list) => expect(labels(list)).toEqual(['x3', 'x4']),
        });
    });

    test('its outputs (and the objectives) after `target`', async () => {
        await complete({
            text: `${FILE}inversion I { oracle Poly target <|> }`, index: 0, ...options(),
            assert: (list) => expect(labels(list).sort()).toEqual(['maximize', 'minimize', 'y']),
        });
    });

    test('constraints after `using`', async () => {
        await complete({
            text: `${FILE}inversion I { oracle Poly target y = 1 bound x1 in [0, 1] using <|> }`, index: 0, ...options(),
            assert: (list) => expect(labels(list)).toEqual(['paper']),
        });
    });

    test('a name that is a keyword is inserted in backticks', async () => {
        await complete({
            text: `${FILE}inversion I { oracle Plain target y = 1 bound <|> }`, index: 0, ...options(),
            assert: (list) => {
                const data = list.items.find((i) => i.label === 'data');
                expect(data?.textEdit?.newText).toBe('`data`');
                expect(labels(list)).toContain('b');
            },
        });
    });

    test('`x` and the functions in a constraint body', async () => {
        await complete({
            text: `constraint c { when x > 0: <|> }`, index: 0, ...options(),
            assert: (list) => {
                expect(labels(list)).toEqual(expect.arrayContaining(['x', 'exp', 'log', 'sqrt', 'abs', 'tanh', 'sigmoid', 'min', 'max']));
                expect(list.items.find((i) => i.label === 'max')?.textEdit?.newText).toBe('max(${1:x}, ${2:0})');
            },
        });
    });

    test('keywords that fit in an inversion: the fields it may still have, `stop outside bounds` whole', async () => {
        await complete({
            text: `${FILE}inversion I { oracle Poly target y = 1\n <|> }`, index: 0, ...options(),
            assert: (list) => {
                expect(labels(list)).toEqual(expect.arrayContaining(['fix', 'bound', 'method', 'solutions', 'steps', 'backend', 'tolerance', 'stop outside bounds', 'target']));
                const stop = list.items.find((i) => i.label === 'stop outside bounds');
                expect(stop?.textEdit?.newText).toBe('stop outside bounds');
                expect(stop?.documentation).toEqual({ kind: 'markdown', value: expect.stringMatching(/^`stop outside bounds`: stop once more than half/) });
            },
        });
    });

    test("a goal's own tolerance does not count as the block's: `tolerance` is still offered", async () => {
        // The end-to-end test's Quick block (test/e2e/workspace.mjs), on a new line after `seed 7`.
        await complete({
            text: `${FILE}inversion Quick {\n  oracle Poly\n  target y = 1900 tolerance 5\n  fix x4 = 10\n  bound x1, x2 in [0, 500]\n  solutions 64\n  steps 300\n  seed 7\n  <|>\n}`, index: 0, ...options(),
            assert: (list) => {
                expect(labels(list)).toEqual(expect.arrayContaining(['tolerance', 'support', 'stop outside bounds', 'method', 'target']));
                for (const present of ['oracle', 'seed', 'solutions', 'steps']) expect(labels(list)).not.toContain(present);
            },
        });
    });

    test('a request that comes right after an edit, before its rebuild, completes on the text after it', async () => {
        // Typing `bound ` on a new line then Ctrl+Space: the client sends the edit just before
        // the request, whose handler finds the document still linked, with the AST of the empty
        // line (the edit's rebuild is queued, not begun). Without waiting for it, the inputs
        // were looked up on `seed 7` ("Property features of type NumberField is not a reference").
        const shared = Inv.shared.workspace;
        const uri = fixtureUri();
        const text = (last: string) => `${FILE}inversion Quick {\n  oracle Poly\n  target y = 1900 tolerance 5\n  fix x4 = 10\n  bound x1, x2 in [0, 500]\n  seed 7\n  ${last}\n}`;
        const textDocument = TextDocument.create(uri, 'inv', 1, text(''));
        shared.TextDocuments!.set(textDocument);
        try {
            const document = Inv.shared.workspace.LangiumDocumentFactory.fromTextDocument(textDocument);
            shared.LangiumDocuments.addDocument(document);
            await shared.DocumentBuilder.build([document], { validation: true });
            TextDocument.update(textDocument, [{ text: text('bound ') }], 2);
            void shared.WorkspaceLock.write((token) => shared.DocumentBuilder.update([document.uri], [], token));
            const position = textDocument.positionAt(text('bound ').lastIndexOf('bound ') + 'bound '.length);
            const list = await Inv.lsp.CompletionProvider!.getCompletion(document, { textDocument: { uri }, position });
            expect(labels(list!)).toEqual(['x3']);
        } finally {
            shared.TextDocuments!.delete(uri);
            await shared.DocumentBuilder.update([], [URI.parse(uri)]);
        }
    });

    test('fields a block already has are not offered again; those that repeat are', async () => {
        await complete({
            text: `${FILE}inversion I {\n  oracle Poly\n  target y = 1\n  fix x1 = 2\n  seed 7\n  support 0.5\n  tolerance 0.5\n  stop outside bounds\n  <|>\n}`, index: 0, ...options(),
            assert: (list) => {
                expect(labels(list)).not.toEqual(expect.arrayContaining(['oracle']));
                for (const present of ['oracle', 'seed', 'support', 'tolerance', 'stop outside bounds']) expect(labels(list)).not.toContain(present);
                expect(labels(list)).toEqual(expect.arrayContaining(['target', 'fix', 'bound', 'steps', 'solutions', 'method']));
            },
        });
        // The field being written is not "already there".
        await complete({
            text: `${FILE}inversion I {\n  oracle Poly\n  target y = 1\n  se<|>\n}`, index: 0, ...options(),
            assert: (list) => expect(labels(list)).toContain('seed'),
        });
        // In a generator block, its own fields.
        await complete({
            text: `${FILE}inversion I {\n  oracle Poly\n  target y = 1\n  method generator { latent 8 <|> }\n}`, index: 0, ...options(),
            assert: (list) => expect(labels(list).sort()).toEqual(['activation', 'layers']),
        });
        // A synthesis has one reference (`like` or `target`), and no objectives.
        await complete({
            text: `${FILE}synthesize S {\n  oracle Poly\n  target y in [0, 1]\n  <|>\n}`, index: 0, ...options(),
            assert: (list) => {
                for (const absent of ['oracle', 'like', 'target', 'maximize', 'minimize']) expect(labels(list)).not.toContain(absent);
                expect(labels(list)).toEqual(expect.arrayContaining(['count', 'output', 'steps']));
            },
        });
    });

    test('an input shows its domain, declared or recorded in the model', async () => {
        await complete({
            text: `${FILE}inversion I { oracle Poly target y = 1 bound <|> }`, index: 0, ...options(),
            assert: (list) => {
                const x1 = list.items.find((i) => i.label === 'x1');
                expect(x1?.detail).toBe('input in [0, 500]');
                expect(x1?.documentation).toEqual({ kind: 'markdown', value: 'input of oracle Poly: domain [0, 500] (recorded in the model)' });
            },
        });
        await complete({
            text: `oracle Bare { model "models/none.json" inputs a in [1, 2], b outputs y }\ninversion I { oracle Bare target y = 1 fix <|> }`, index: 0, ...options(),
            assert: (list) => expect(list.items.map((i) => [i.label, i.detail])).toEqual([['a', 'input in [1, 2]'], ['b', 'input, no domain']]),
        });
    });

    test('completing on a name already written offers that name too', async () => {
        for (const cursor of ['x<|>4', 'x4<|>']) {
            await complete({
                text: `${FILE}inversion I { oracle Poly target y = 1 fix x1 = 1, ${cursor} = 2 }`, index: 0, ...options(),
                assert: (list) => {
                    expect(labels(list)).toContain('x4');
                    expect(labels(list)).not.toContain('x1');
                },
            });
        }
    });

    test('snippets for whole blocks at the top level, filled in with the file\'s oracle', async () => {
        await complete({
            text: `${FILE}<|>`, index: 0, ...options(),
            assert: (list) => {
                expect(labels(list)).toEqual(expect.arrayContaining(['oracle { … }', 'constraint { … }', 'inversion { … }', 'synthesize { … }', 'inversion']));
                const inversion = list.items.find((i) => i.label === 'inversion { … }');
                expect(inversion?.insertTextFormat).toBe(2);
                expect(inversion?.textEdit?.newText).toBe('inversion ${1:Name} {\n  oracle ${2:Poly}\n  target ${3:y} = ${4:0}\n  bound ${5:x1} in [${6:0}, ${7:1}]\n}');
            },
        });
        // Not inside a block.
        await complete({
            text: `${FILE}inversion I { <|> }`, index: 0, ...options(),
            assert: (list) => expect(labels(list).some((l) => l.endsWith('{ … }'))).toBe(false),
        });
    });
});

describe('hover', () => {
    const hover = expectHover(Inv);

    test('an oracle: model, inputs with domains, outputs with the recorded test error', async () => {
        await hover({
            text: `${FILE}inversion I { oracle Po<|>ly target y = 1 }`, index: 0, ...options(),
            hover: /oracle Poly[\s\S]*models\/poly\/model\.json` \(4 → 1; trained 2025-01-02 03:04 on `data\/poly\.csv`\)[\s\S]*\| `x1` \| real \| \[0, 500\] \(recorded in the model\) \|[\s\S]*\| `y` \| \[0, 2000\] \| 2\.1 \|/,
        });
    });

    test('a classifier oracle: its test accuracy and log-loss, and the RMSE of each class probability', async () => {
        // The penguins example's committed classifier (examples/penguins), by its absolute path.
        const model = fileURLToPath(new URL('../../examples/penguins/models/species/model.json', import.meta.url));
        const meta = JSON.parse(readFileSync(model, 'utf8')).userDefinedMetadata.inv;
        const text = `oracle Species {\n  model "${model}"\n  inputs a, b, c, d\n  outputs Adelie, Chinstrap, Gentoo\n}\ninversion I { oracle Spe<|>cies target Chinstrap >= 0.9 }`;
        const percent = (100 * meta.accuracy).toFixed(1).replace('.', '\\.');
        await hover({
            text, index: 0, ...options(),
            hover: new RegExp(`test accuracy: ${percent} %, log-loss 0\\.\\d+\\n\\n\\| class \\| test RMSE of its probability \\|[\\s\\S]*\\| \`Chinstrap\` \\| 0\\.\\d+ \\|`),
        });
    });

    test('a feature: its domain', async () => {
        await hover({
            text: `${FILE}inversion I { oracle Plain target y = 1 fix <|>b = 0.5 }`, index: 0, ...options(),
            hover: /input `b`\*\* of oracle Plain\n\ntype: real\n\ndomain: \[0, 1\] \(declared\)/,
        });
    });

    test('an output: its training range', async () => {
        await hover({
            text: `${FILE}inversion I { oracle Poly target <|>y = 1 }`, index: 0, ...options(),
            hover: /output `y`\*\* of oracle Poly\n\nseen in training: \[0, 2000\]\n\ntest RMSE: 2\.1/,
        });
    });

    test('a constraint: its pieces', async () => {
        await hover({
            text: `${FILE}inversion I { oracle Poly target y = 1 bound x1 in [0, 1] using pa<|>per }`, index: 0, ...options(),
            hover: /constraint paper[\s\S]*when x >= 10: x \/ 10\nwhen x <= 1: x \* 50\nelse x/,
        });
    });

    test('an oracle whose model is not there yet', async () => {
        await hover({
            text: `oracle N<|>ew { model "models/new/model.json" data "data/poly.csv" inputs x1 outputs y }`, index: 0, ...options(),
            hover: /models\/new\/model\.json` — not trained yet/,
        });
    });

    test('a feature\'s hover is sections apart, an oracle\'s says where it trained once', async () => {
        const hovered = async (text: string) => {
            const document = await parseHelper<InvFile>(Inv)(text.replace('<|>', ''), { documentUri: fixtureUri() });
            const h = await Inv.lsp.HoverProvider!.getHoverContent(document, { textDocument: { uri: document.textDocument.uri }, position: document.textDocument.positionAt(text.indexOf('<|>')) });
            return (h?.contents as { value: string } | undefined)?.value;
        };
        expect(await hovered(`${FILE}inversion I { oracle Poly target y = 1 fix x<|>1 = 1 }`)).toBe(
            '**input `x1`** of oracle Poly\n\ntype: real\n\ndomain: [0, 500] (recorded in the model)\n\ntraining data: mean 250, std 125',
        );
        const oracle = await hovered(`oracle P<|>oly {\n  model "models/poly/model.json"\n  data "data/poly.csv"\n  inputs x1, x2, x3, x4\n  outputs y\n}`);
        expect(oracle).toContain('trained 2025-01-02 03:04 on `data/poly.csv`');
        expect(oracle).not.toContain('trains on');
        expect(oracle).toContain('| output | seen in training | test RMSE |\n|---|---|---|\n| `y` | [0, 2000] | 2.1 |');
    });

    test('a keyword with a diagnostic on it: the diagnostic explains, no keyword hint under it', async () => {
        const text = `${FILE}inversion I { oracle Poly target y = 1 st<|>op outside bounds }`;
        const document = await parseHelper<InvFile>(Inv)(text.replace('<|>', ''), { documentUri: fixtureUri(), validation: true });
        expect(document.diagnostics?.map((d) => d.code)).toContain(IssueCodes.StopNeedsUsing);
        const at = (needle: string) => document.textDocument.positionAt(text.replace('<|>', '').indexOf(needle) + 2);
        const hover = (position: ReturnType<typeof at>) => Inv.lsp.HoverProvider!.getHoverContent(document, { textDocument: { uri: document.textDocument.uri }, position });
        expect(await hover(at('stop outside'))).toBeUndefined();
        expect(((await hover(at('target y')))?.contents as { value: string }).value).toMatch(/^`target OUT = NUM/);
    });

    test('a keyword: what it means', async () => {
        await hover({
            text: `${FILE}inversion I { oracle Poly target y = 1 divers<|>ity 0 }`, index: 0, ...options(),
            hover: /weight of the term that spreads solutions apart/,
        });
    });
});

describe('definition, references, rename', () => {
    test('go to definition: an oracle, a feature, an output, a constraint', async () => {
        const go = expectGoToDefinition(Inv);
        const text = `oracle <|P|> { model "models/poly/model.json" inputs <|x1|>, x2, x3, x4 outputs <|y|> }
constraint <|c|> { when x > 0: x }
inversion I { oracle <|>P target <|>y = 1 bound <|>x1 in [0, 1] using <|>c }`;
        // index: the reference (P, y, x1, c); rangeIndex: its declaration (P, x1, y, c).
        for (const [index, rangeIndex] of [[0, 0], [1, 2], [2, 1], [3, 3]]) await go({ text, index, rangeIndex, ...options() });
    });

    test('find references of a feature across the blocks of its file', async () => {
        await expectFindReferences(Inv)({
            text: `oracle P { model "models/poly/model.json" inputs <|x1|>, x2, x3, x4 outputs y }
inversion I { oracle P target y = 1 fix <|x<|>1|> = 2 }
inversion J { oracle P target y = 1 bound <|x1|> in [0, 1] }`,
            includeDeclaration: true, ...options(),
        });
    });

    test('rename a feature writes backticks where the new name needs them', async () => {
        const document = await parseHelper<InvFile>(Inv)(`oracle P { model "models/poly/model.json" inputs x1, x2, x3, x4 outputs y }
inversion I { oracle P target y = 1 fix x1 = 2 }`, { documentUri: fixtureUri() });
        const offset = document.textDocument.getText().indexOf('x1');
        const edit = await Inv.lsp.RenameProvider!.rename(document, {
            textDocument: { uri: document.textDocument.uri }, position: document.textDocument.positionAt(offset), newName: 'Beak Length',
        });
        const edits = edit?.changes?.[document.textDocument.uri] ?? [];
        expect(edits.map((e) => e.newText)).toEqual(['`Beak Length`', '`Beak Length`']);
    });

    test('nothing links across files: another file\'s oracle is unknown here', async () => {
        const parse = parseHelper<InvFile>(Inv);
        await parse(POLY, { documentUri: fixtureUri() });
        const other = await parse('inversion I { oracle Poly target y = 1 }', { documentUri: fixtureUri(), validation: true });
        expect(other.diagnostics?.map((d) => d.code)).toEqual([IssueCodes.UnknownOracle]);
    });
});

describe('quick fixes', () => {
    // testCodeAction parses the text before and after the fix under one URI; leave it the
    // default (these fixes do not depend on the files an oracle names).
    const fix = testCodeAction(Inv);
    const opts = () => undefined;

    test('swap lo and hi', async () => {
        await fix(`${POLY}inversion I { oracle Poly target y = 1 bound x1 in [100, 5] }`, IssueCodes.BadBound,
            `${POLY}inversion I { oracle Poly target y = 1 bound x1 in [5, 100] }`, opts());
    });

    test('rename to the suggestion', async () => {
        await fix(`${POLY}inversion I { oracle Poly target y = 1 fix x11 = 1 }`, IssueCodes.UnknownFeature,
            `${POLY}inversion I { oracle Poly target y = 1 fix x1 = 1 }`, opts());
    });

    test('one fix for each name equally close', async () => {
        const text = `oracle P { model "models/poly/model.json" inputs x4, x6, speed outputs y }\ninversion I { oracle P target y = 1 fix x5 = 1 }`;
        const document = await parseHelper<InvFile>(Inv)(text, { documentUri: fixtureUri(), validation: true });
        const diagnostic = document.diagnostics!.find((d) => d.code === IssueCodes.UnknownFeature)!;
        expect(diagnostic.message).toBe('oracle P has no input `x5` (did you mean `x4` or `x6`?)');
        const actions = await Inv.lsp.CodeActionProvider!.getCodeActions(document, { textDocument: { uri: document.textDocument.uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
        expect(actions?.map((a) => [a.title, (a as { isPreferred?: boolean }).isPreferred])).toEqual([['Change to x4', false], ['Change to x6', false]]);
    });

    test('rename an unknown function', async () => {
        await fix('constraint c { when x > 0: sqr(x) }', IssueCodes.UnknownFunction, 'constraint c { when x > 0: sqrt(x) }', opts());
    });

    test('remove a duplicate field (its whole line)', async () => {
        await fix(`${POLY}inversion I {\n  oracle Poly\n  target y = 1\n  steps 10\n  steps 20\n}`, IssueCodes.DuplicateField,
            `${POLY}inversion I {\n  oracle Poly\n  target y = 1\n  steps 10\n}`, opts());
    });

    test('remove a duplicate field from a line it shares', async () => {
        await fix(`${POLY}inversion I { oracle Poly target y = 1 seed 1 seed 2 steps 5 }`, IssueCodes.DuplicateField,
            `${POLY}inversion I { oracle Poly target y = 1 seed 1 steps 5 }`, opts());
    });

    test('add the missing bound', async () => {
        const plain = 'oracle Plain { model "models/plain/model.json" inputs a, b outputs y }\n';
        await fix(`${plain}inversion I {\n  oracle Plain\n  target y = 1\n  fix a = 1\n}`, IssueCodes.UnboundedFeature,
            `${plain}inversion I {\n  oracle Plain\n  bound b in [0, 1]\n  target y = 1\n  fix a = 1\n}`, opts());
    });
});

describe('code lenses', () => {
    const text = `oracle Trainable { model "models/new/model.json" data "data/poly.csv" inputs x1, x2, x3, x4 outputs y }
${POLY}inversion I { oracle Poly target y = 1 }
synthesize S { oracle Poly target y in [0, 1] count 10 output "out.csv" }`;

    test('▶ Train over an oracle with data, ▶ Run over each inversion and synthesis', async () => {
        const document = await parseHelper<InvFile>(Inv)(text, { documentUri: fixtureUri() });
        const uri = document.textDocument.uri;
        const lenses = await Inv.lsp.CodeLensProvider!.provideCodeLens(document, { textDocument: { uri } });
        expect(lenses?.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments?.[0]])).toEqual([
            [0, '▶ Train', Commands.train, { uri, oracle: 'Trainable' } satisfies TrainTarget],
            [6, '▶ Run', Commands.run, { uri, name: 'I' } satisfies RunTarget],
            [7, '▶ Run', Commands.run, { uri, name: 'S' } satisfies RunTarget],
        ]);
    });

    test('a run-state source turns them into ■ Cancel and a summary lens', async () => {
        const states: RunStateSource = {
            runState: (t): RunLensState | undefined => t.name === 'I' ? { kind: 'running', runId: 'r1', label: 'step 10/100' }
                : { kind: 'finished', summary: '✓ y = 0.5', hasResults: true },
            trainState: () => undefined,
        };
        const { Inv: withRuns } = createInvServices(NodeFileSystem, { runs: { RunStateSource: () => states } });
        const document = await parseHelper<InvFile>(withRuns)(text, { documentUri: fixtureUri() });
        const uri = document.textDocument.uri;
        const lenses = await withRuns.lsp.CodeLensProvider!.provideCodeLens(document, { textDocument: { uri } });
        expect(lenses?.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments?.[0]])).toEqual([
            [0, '▶ Train', Commands.train, { uri, oracle: 'Trainable' }],
            [6, '■ Cancel · step 10/100', Commands.cancel, { runId: 'r1' }],
            [7, '▶ Run', Commands.run, { uri, name: 'S' }],
            [7, '✓ y = 0.5', Commands.openResults, { uri, name: 'S' }],
        ]);
    });
});

describe('formatting, semantic tokens, outline, folding', () => {
    test('format a squeezed file', async () => {
        await expectFormatting(Inv)({
            before: `oracle P{model "models/poly/model.json" inputs x1 in [ 0,500 ],x2,x3,x4 outputs y}
constraint c{when x>=10 and x<20:x/10 when x<=1:-x*50 else max(x , 0)^2}
inversion I{oracle P target y=3 tolerance 0.5 fix x4=1 bound x1 , x2 in [0,1] using c stop outside bounds method generator{latent 4 layers 8,8}}`,
            after: `oracle P {
  model "models/poly/model.json"
  inputs x1 in [0, 500], x2, x3, x4
  outputs y
}

constraint c {
  when x >= 10 and x < 20: x / 10
  when x <= 1: -x * 50
  else max(x, 0)^2
}

inversion I {
  oracle P
  target y = 3 tolerance 0.5
  fix x4 = 1
  bound x1, x2 in [0, 1] using c
  stop outside bounds
  method generator { latent 4 layers 8, 8 }
}`,
            parseOptions: { documentUri: fixtureUri() },
            options: { tabSize: 2, insertSpaces: true },
        });
    });

    test('comments above blocks stay attached; the examples are already formatted', async () => {
        const format = async (text: string) => {
            const document = await parseHelper<InvFile>(Inv)(text, { documentUri: fixtureUri() });
            const edits = await Inv.lsp.Formatter!.formatDocument(document, { textDocument: { uri: document.textDocument.uri }, options: { tabSize: 2, insertSpaces: true } });
            return TextDocument.applyEdits(document.textDocument, edits);
        };
        expect(await format('constraint a { when x > 0: x }\n\n\n// about b\nconstraint b { when x > 0: x }'))
            .toBe('constraint a {\n  when x > 0: x\n}\n\n\n// about b\nconstraint b {\n  when x > 0: x\n}');
        for (const example of ['paper/paper.inv', 'showcase/showcase.inv']) {
            const text = readFileSync(fileURLToPath(new URL(`../../examples/${example}`, import.meta.url)), 'utf8');
            expect(await format(text)).toBe(text);
        }
    });

    test('a file with syntax errors is left as it is', async () => {
        const document = await parseHelper<InvFile>(Inv)('oracle P{ model }', { documentUri: fixtureUri() });
        const edits = await Inv.lsp.Formatter!.formatDocument(document, { textDocument: { uri: document.textDocument.uri }, options: { tabSize: 2, insertSpaces: true } });
        expect(edits).toEqual([]);
    });

    test('semantic tokens say what each name is', async () => {
        const tokens = await highlightHelper(Inv)(`oracle <|P|> { model "models/poly/model.json" inputs <|x1|>, x2, x3, x4 outputs <|y|> }
constraint <|c|> { when <|x|> > 0: <|exp|>(x) }
inversion <|I|> { oracle <|P|> target <|y|> = 1 bound <|x1|> in [0, 1] using <|c|> }`, { documentUri: fixtureUri() });
        const expected = [SemanticTokenTypes.class, SemanticTokenTypes.parameter, SemanticTokenTypes.property, SemanticTokenTypes.function,
            SemanticTokenTypes.parameter, SemanticTokenTypes.function, SemanticTokenTypes.namespace, SemanticTokenTypes.class,
            SemanticTokenTypes.property, SemanticTokenTypes.parameter, SemanticTokenTypes.function];
        expected.forEach((tokenType, rangeIndex) => expectSemanticToken(tokens, { rangeIndex, tokenType }));
    });

    test('outline: blocks and an oracle\'s columns', async () => {
        await expectSymbols(Inv)({
            text: `${POLY}constraint c { when x > 0: x }\ninversion I { oracle Poly target y = 1 }`,
            parseOptions: { documentUri: fixtureUri() },
            assert: (symbols) => {
                expect(symbols.map((s) => [s.name, s.kind])).toEqual([
                    ['Poly', SymbolKind.Class], ['c', SymbolKind.Function], ['I', SymbolKind.Event]]);
                expect(symbols[0].children?.map((s) => [s.name, s.kind])).toEqual([
                    ['x1', SymbolKind.Field], ['x2', SymbolKind.Field], ['x3', SymbolKind.Field], ['x4', SymbolKind.Field], ['y', SymbolKind.Property]]);
            },
        });
    });

    test('folding: each block', async () => {
        await expectFoldings(Inv)({
            // A fold ends on the line before the closing brace, which stays visible.
            text: `<|${POLY.trimEnd().replace(/\n}$/, '|>\n}')}\n<|constraint c {\n  when x > 0: x|>\n}`,
            parseOptions: { documentUri: fixtureUri() },
        });
    });
});
