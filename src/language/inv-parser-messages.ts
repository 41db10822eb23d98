/**
 * Syntax error messages in the words of the language, on one line (the CLI prints one
 * diagnostic per line): "expected a number but found `}`", not chevrotain's token-type
 * listings.
 */
import type { ILexerErrorMessageProvider, IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { closestName, didYouMean } from './name-suggestion.js';

/** Words that start a field or a piece inside a block: a misspelt one gets "did you mean". */
const FIELD_WORDS = [
    'model', 'data', 'test', 'inputs', 'outputs', 'layers', 'activation', 'epochs', 'batch', 'learningRate', 'validation',
    'seed', 'skip', 'classify', 'oracle', 'target', 'maximize', 'minimize', 'tolerance', 'fix', 'bound', 'stop', 'method',
    'solutions', 'steps', 'diversity', 'support', 'backend', 'like', 'output', 'count', 'latent', 'when', 'else',
];
const BLOCK_WORDS = ['oracle', 'constraint', 'inversion', 'synthesize'];

/** " (did you mean `x`?)" when a name was found where a keyword was expected. */
function keywordHint(actual: IToken | undefined, words: string[]): string {
    if (!actual || actual.tokenType.name !== 'ID') return '';
    return didYouMean(closestName(actual.image, words));
}

const TERMINALS: Record<string, string> = {
    ID: 'a name',
    QUOTED_NAME: 'a name',
    NUMBER: 'a number',
    STRING: 'a "quoted path"',
    EOF: 'the end of the file',
};

export function describeTokenType(type: TokenType): string {
    return TERMINALS[type.name] ?? `\`${type.name}\``;
}

export function describeToken(token: IToken): string {
    if (token.tokenType.name === 'EOF') return 'the end of the file';
    const image = token.image.length > 40 ? token.image.slice(0, 37) + '...' : token.image;
    return `\`${image.replace(/\s+/g, ' ')}\``;
}

/** "a, b or c", each listed once, at most `max` of them. */
function listAlternatives(names: string[], max = 8): string {
    const unique = [...new Set(names)];
    const shown = unique.slice(0, max);
    const more = unique.length > max ? ', …' : '';
    if (shown.length <= 1) return (shown[0] ?? 'something else') + more;
    return shown.slice(0, -1).join(', ') + (more || ` or ${shown[shown.length - 1]}`);
}

function firstTokens(paths: TokenType[][][]): string[] {
    return paths.flatMap((alt) => alt.map((path) => path[0])).filter((t): t is TokenType => t !== undefined).map(describeTokenType);
}

/** Characters the lexer cannot place, in one short line. */
export class InvLexerErrorMessageProvider implements ILexerErrorMessageProvider {
    buildUnexpectedCharactersMessage(fullText: string, startOffset: number, length: number): string {
        const text = fullText.substr(startOffset, length);
        if (text.startsWith('"')) return 'this string is not closed: a "path" ends with " on the same line';
        if (text.startsWith('`')) return 'this name is not closed: a `name` ends with ` on the same line';
        const shown = [...text.slice(0, 20)].map((c) => (/[\x20-\x7e]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('');
        return `unexpected character${length === 1 ? '' : 's'} \`${shown}${length > 20 ? '…' : ''}\`${length > 1 ? ` (${length})` : ''}`;
    }

    buildUnableToPopLexerModeMessage(token: IToken): string {
        return `unexpected ${describeToken(token)}`;
    }
}

export class InvParserErrorMessageProvider implements IParserErrorMessageProvider {
    buildMismatchTokenMessage(options: { expected: TokenType; actual: IToken; previous: IToken; ruleName: string }): string {
        if (options.expected.name === '}' && options.actual.tokenType.name === 'ID') {
            // The block's fields ended at a word that is no field: most likely a misspelt one.
            return `\`${options.actual.image}\` is not a field here${keywordHint(options.actual, FIELD_WORDS)}; expected a field or \`}\``;
        }
        if (options.expected.name === 'EOF') return this.buildNotAllInputParsedMessage({ firstRedundant: options.actual, ruleName: options.ruleName });
        return `expected ${describeTokenType(options.expected)} but found ${describeToken(options.actual)}`;
    }

    buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }): string {
        return `unexpected ${describeToken(options.firstRedundant)}${keywordHint(options.firstRedundant, BLOCK_WORDS)}: a block starts with \`oracle\`, \`constraint\`, \`inversion\` or \`synthesize\``;
    }

    buildNoViableAltMessage(options: { expectedPathsPerAlt: TokenType[][][]; actual: IToken[]; previous: IToken; customUserDescription?: string; ruleName: string }): string {
        const found = options.actual[0];
        const expected = firstTokens(options.expectedPathsPerAlt);
        const words = expected.filter((e) => /^`[a-zA-Z]+`$/.test(e)).map((e) => e.slice(1, -1));
        return `expected ${listAlternatives(expected)} but found ${found ? describeToken(found) : 'the end of the file'}${keywordHint(found, words)}`;
    }

    buildEarlyExitMessage(options: { expectedIterationPaths: TokenType[][]; actual: IToken[]; previous: IToken; customUserDescription?: string; ruleName: string }): string {
        const found = options.actual[0];
        const expected = options.expectedIterationPaths.map((p) => p[0]).filter((t): t is TokenType => t !== undefined).map(describeTokenType);
        return `expected ${listAlternatives(expected)} but found ${found ? describeToken(found) : 'the end of the file'}`;
    }
}
