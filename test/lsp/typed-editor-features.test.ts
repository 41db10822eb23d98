/**
 * The editor features for typed inputs and relations: completion of a feature's labels,
 * hover showing a feature's type, quick fixes of the new diagnostics, formatting, semantic
 * tokens of labels.
 */
import { expectCompletion, expectFormatting, expectHover, expectSemanticToken, highlightHelper, testCodeAction } from 'langium/test';
import { SemanticTokenTypes, type CompletionList } from 'vscode-languageserver';
import { describe, expect, test } from 'vitest';
import { IssueCodes } from '../../src/language/issue-codes.js';
import { fixtureUri, Inv } from '../language/inv-test-services.js';

const options = () => ({ parseOptions: { documentUri: fixtureUri() }, disposeAfterCheck: true });

const MIX = `oracle Mix {
  model "models/mix/model.json"
  inputs material of { wood, glass, steel }, n integer in [0, 10], a in [0, 100], b in [0, 100], c in [0, 100]
  outputs y
}
`;

const labels = (list: CompletionList) => list.items.map((i) => i.label);

describe('completion', () => {
    const complete = expectCompletion(Inv);

    test('a feature\'s labels after `fix material =`', async () => {
        await complete({
            text: `${MIX}inversion I { oracle Mix target y = 1 fix material = <|> }`, index: 0, ...options(),
            assert: (list) => {
                expect(labels(list)).toEqual(['wood', 'glass', 'steel']);
                expect(list.items[0].detail).toBe('label');
            },
        });
    });

    test('its labels inside `bound material in { … }`', async () => {
        await complete({
            text: `${MIX}inversion I { oracle Mix target y = 1 bound material in { wood, <|> } }`, index: 0, ...options(),
            assert: (list) => expect(labels(list)).toEqual(['wood', 'glass', 'steel']),
        });
    });

    test('the oracle\'s inputs in a relation', async () => {
        await complete({
            text: `${MIX}inversion I { oracle Mix target y = 1 require a + <|> }`, index: 0, ...options(),
            assert: (list) => expect(labels(list)).toEqual(expect.arrayContaining(['a', 'b', 'c', 'n'])),
        });
    });
});

describe('hover', () => {
    const hover = expectHover(Inv);

    test('a feature shows its type', async () => {
        await hover({ text: `${MIX}inversion I { oracle Mix target y = 1 fix <|>material = steel }`, index: 0, hover: /type: one of \{ wood, glass, steel \}/, ...options() });
        await hover({ text: `${MIX}inversion I { oracle Mix target y = 1 bound <|>n in [1, 2] }`, index: 0, hover: /type: integer[\s\S]*domain: \[0, 10\]/, ...options() });
        await hover({ text: `${MIX}inversion I { oracle Mix target y = 1 fix material = <|>steel }`, index: 0, hover: /label `steel`\*\* of `material`.*model column 3 of its 3/, ...options() });
    });

    test('the oracle lists each input\'s type', async () => {
        await hover({ text: `oracle <|>${MIX.slice('oracle '.length)}`, index: 0, hover: /\| `material` \| one of \{ wood, glass, steel \} \| — \|[\s\S]*\| `n` \| integer \| \[0, 10\]/, ...options() });
    });
});

describe('quick fixes', () => {
    const fix = testCodeAction(Inv);

    test('a misspelt label', async () => {
        await fix(`${MIX}inversion I { oracle Mix target y = 1 fix material = stel }`, IssueCodes.UnknownLabel,
            `${MIX}inversion I { oracle Mix target y = 1 fix material = steel }`, undefined);
    });

    test('whole ends for an integer', async () => {
        await fix('oracle M { model "m.json" inputs n integer in [0.5, 9.5] outputs y }', IssueCodes.NotInteger,
            'oracle M { model "m.json" inputs n integer in [1, 9] outputs y }', undefined);
    });

    test('remove a duplicate label', async () => {
        await fix('oracle M { model "m.json" inputs m of { a, b, a } outputs y }', IssueCodes.DuplicateLabel,
            'oracle M { model "m.json" inputs m of { a, b } outputs y }', undefined);
    });

    test('remove a relation that is false', async () => {
        await fix(`${MIX}inversion I {\n  oracle Mix\n  target y = 1\n  fix a = 1, b = 2\n  require a + b >= 10\n}`, IssueCodes.RelationFalse,
            `${MIX}inversion I {\n  oracle Mix\n  target y = 1\n  fix a = 1, b = 2\n}`, undefined);
    });
});

describe('formatting and semantic tokens', () => {
    test('format typed inputs, label bounds and relations', async () => {
        await expectFormatting(Inv)({
            before: `oracle M{model "models/mix/model.json" inputs material of {wood,glass ,steel},n integer in [0,10],a in [0,100],b,c outputs y}
inversion I{oracle M target y=1 fix material=steel bound n in [1,5] require a+2*b<=100-c require -a>=-50}`,
            after: `oracle M {
  model "models/mix/model.json"
  inputs material of { wood, glass, steel }, n integer in [0, 10], a in [0, 100], b, c
  outputs y
}

inversion I {
  oracle M
  target y = 1
  fix material = steel
  bound n in [1, 5]
  require a + 2 * b <= 100 - c
  require -a >= -50
}`,
            parseOptions: { documentUri: fixtureUri() },
            options: { tabSize: 2, insertSpaces: true },
        });
    });

    test('labels are enum members, relation features parameters', async () => {
        const text = `${MIX}inversion I { oracle Mix target y = 1 fix material = <|steel|> require <|a|> + b <= 1 }`;
        const highlight = await highlightHelper(Inv)(text, { documentUri: fixtureUri() });
        expectSemanticToken(highlight, { rangeIndex: 0, tokenType: SemanticTokenTypes.enumMember });
        expectSemanticToken(highlight, { rangeIndex: 1, tokenType: SemanticTokenTypes.parameter });
    });
});
