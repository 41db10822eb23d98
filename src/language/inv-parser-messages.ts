/**
 * Syntax error messages in the words of the language, on one line (the CLI prints one
 * diagnostic per line): "expected a number but found `}`", not chevrotain's token-type
 * listings.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';

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

export class InvParserErrorMessageProvider implements IParserErrorMessageProvider {
    buildMismatchTokenMessage(options: { expected: TokenType; actual: IToken; previous: IToken; ruleName: string }): string {
        return `expected ${describeTokenType(options.expected)} but found ${describeToken(options.actual)}`;
    }

    buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }): string {
        return `unexpected ${describeToken(options.firstRedundant)}: a block starts with \`oracle\`, \`constraint\`, \`inversion\` or \`synthesize\``;
    }

    buildNoViableAltMessage(options: { expectedPathsPerAlt: TokenType[][][]; actual: IToken[]; previous: IToken; customUserDescription?: string; ruleName: string }): string {
        const found = options.actual[0];
        return `expected ${listAlternatives(firstTokens(options.expectedPathsPerAlt))} but found ${found ? describeToken(found) : 'the end of the file'}`;
    }

    buildEarlyExitMessage(options: { expectedIterationPaths: TokenType[][]; actual: IToken[]; previous: IToken; customUserDescription?: string; ruleName: string }): string {
        const found = options.actual[0];
        const expected = options.expectedIterationPaths.map((p) => p[0]).filter((t): t is TokenType => t !== undefined).map(describeTokenType);
        return `expected ${listAlternatives(expected)} but found ${found ? describeToken(found) : 'the end of the file'}`;
    }
}
