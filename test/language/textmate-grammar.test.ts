/**
 * syntaxes/inv.tmLanguage.json, tokenized by the engine VS Code uses (vscode-textmate with
 * Oniguruma): each kind of token gets its scope.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';

const require = createRequire(import.meta.url);
const GRAMMAR = fileURLToPath(new URL('../../syntaxes/inv.tmLanguage.json', import.meta.url));
let grammar: IGrammar;

beforeAll(async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new Registry({
        onigLib: Promise.resolve({
            createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
            createOnigString: (s: string) => new oniguruma.OnigString(s),
        }),
        loadGrammar: async () => parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR),
    });
    grammar = (await registry.loadGrammar('source.inv'))!;
});

/** [text, innermost scope] of each token of one line (whitespace-only tokens left out). */
function tokens(line: string): Array<[string, string]> {
    const { tokens: list } = grammar.tokenizeLine(line, INITIAL);
    return list
        .map((t): [string, string] => [line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]])
        .filter(([text]) => text.trim() !== '');
}

describe('the TextMate grammar', () => {
    test('block headers', () => {
        expect(tokens('oracle Poly4 {')).toEqual([
            ['oracle', 'storage.type.oracle.inv'], ['Poly4', 'entity.name.type.oracle.inv'], ['{', 'punctuation.section.block.begin.inv']]);
        expect(tokens('constraint paper {')[1]).toEqual(['paper', 'entity.name.function.constraint.inv']);
        expect(tokens('synthesize `Penguin Rows` {')[1]).toEqual(['`Penguin Rows`', 'entity.name.section.inv']);
    });

    test('fields, numbers in every form, strings, comments', () => {
        expect(tokens('  model "models/poly4/model.json" // trained')).toEqual([
            ['model', 'keyword.other.field.inv'],
            ['"', 'punctuation.definition.string.begin.inv'], ['models/poly4/model.json', 'string.quoted.double.inv'], ['"', 'punctuation.definition.string.end.inv'],
            ['//', 'punctuation.definition.comment.inv'], [' trained', 'comment.line.double-slash.inv']]);
        const numbers = tokens('12 -3.5 0.5 .5 1e-3 4.9872e+02').filter(([, s]) => s === 'constant.numeric.inv').map(([t]) => t);
        expect(numbers).toEqual(['12', '3.5', '0.5', '.5', '1e-3', '4.9872e+02']);
        expect(tokens('/* a */ x')[0]).toEqual(['/*', 'punctuation.definition.comment.begin.inv']);
    });

    test('targets, bounds and phrases', () => {
        expect(tokens('target y in [0, 1] tolerance 0.1').map(([, s]) => s)).toEqual([
            'keyword.other.field.inv', 'source.inv', 'keyword.control.inv', 'punctuation.section.brackets.begin.inv', 'constant.numeric.inv',
            'punctuation.separator.comma.inv', 'constant.numeric.inv', 'punctuation.section.brackets.end.inv', 'keyword.other.field.inv', 'constant.numeric.inv']);
        expect(tokens('bound x1 in [0, 100] using paper').slice(-2)).toEqual([['using', 'keyword.other.using.inv'], ['paper', 'entity.name.function.constraint.inv']]);
        expect(tokens('stop outside bounds')).toEqual([['stop outside bounds', 'keyword.other.phrase.inv']]);
        expect(tokens('method generator { latent 8 }')[1]).toEqual(['generator', 'support.constant.inv']);
        expect(tokens('inputs `Beak Length (mm)` in [30, 60]')[1]).toEqual(['`Beak Length (mm)`', 'variable.other.quoted.inv']);
    });

    test('constraint bodies: x, functions, operators; tanh as an activation or a call', () => {
        expect(tokens('when x >= 10: -x^2 + sigmoid(x)')).toEqual([
            ['when', 'keyword.control.inv'], ['x', 'variable.parameter.inv'], ['>=', 'keyword.operator.comparison.inv'], ['10', 'constant.numeric.inv'],
            [':', 'punctuation.separator.colon.inv'], ['-', 'keyword.operator.arithmetic.inv'], ['x', 'variable.parameter.inv'],
            ['^', 'keyword.operator.arithmetic.inv'], ['2', 'constant.numeric.inv'], ['+', 'keyword.operator.arithmetic.inv'],
            ['sigmoid', 'support.function.math.inv'], ['(', 'punctuation.section.parens.begin.inv'], ['x', 'variable.parameter.inv'],
            [')', 'punctuation.section.parens.end.inv']]);
        expect(tokens('activation tanh')[1]).toEqual(['tanh', 'support.constant.inv']);
    });

    test('typed inputs and relations', () => {
        expect(tokens('inputs n integer in [1, 9], material of { wood, steel }').map(([t, s]) => `${t.trim()}:${s}`)).toEqual([
            'inputs:keyword.other.field.inv', 'n:source.inv', 'integer:storage.type.feature.inv', 'in:keyword.control.inv',
            '[:punctuation.section.brackets.begin.inv', '1:constant.numeric.inv', ',:punctuation.separator.comma.inv', '9:constant.numeric.inv',
            ']:punctuation.section.brackets.end.inv', ',:punctuation.separator.comma.inv', 'material:source.inv', 'of:storage.type.feature.inv',
            '{:punctuation.section.block.begin.inv', 'wood:source.inv', ',:punctuation.separator.comma.inv', 'steel:source.inv', '}:punctuation.section.block.end.inv']);
        expect(tokens('require a + 2 * b <= 100')[0]).toEqual(['require', 'keyword.other.field.inv']);
        expect(tokens('require a + 2 * b <= 100').slice(-2)).toEqual([['<=', 'keyword.operator.comparison.inv'], ['100', 'constant.numeric.inv']]);
    });
});
