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
import { TextDocument } from 'langium';

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

    test('keywords that fit in an inversion', async () => {
        await complete({
            text: `${FILE}inversion I { oracle Poly target y = 1\n <|> }`, index: 0, ...options(),
            assert: (list) => expect(labels(list)).toEqual(expect.arrayContaining(['fix', 'bound', 'method', 'solutions', 'steps', 'backend', 'tolerance', 'stop'])),
        });
    });
});

describe('hover', () => {
    const hover = expectHover(Inv);

    test('an oracle: model, inputs with domains, outputs with the recorded test error', async () => {
        await hover({
            text: `${FILE}inversion I { oracle Po<|>ly target y = 1 }`, index: 0, ...options(),
            hover: /oracle Poly[\s\S]*models\/poly\/model\.json` \(4 → 1; trained 2025-01-02 03:04 on `data\/poly\.csv`\)[\s\S]*\| `x1` \| real \| \[0, 500\] \(recorded in the model\) \|[\s\S]*\| `y` \| 2\.1 \|/,
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
        await fix(`${POLY}inversion I { oracle Poly target y = 1 fix x5 = 1 }`, IssueCodes.UnknownFeature,
            `${POLY}inversion I { oracle Poly target y = 1 fix x1 = 1 }`, opts());
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
