/**
 * The last line of defence behind the nesting guard: if parsing still throws (a stack
 * overflow in some input nobody foresaw), the document gets one `syntax` error instead of a
 * dead language server or a CLI stack trace, and the parser is rebuilt (chevrotain and
 * Langium keep state between parses that a throw leaves half-done).
 */
import { createLangiumParser, type LangiumCoreServices, type LangiumParser, type ParseResult, type AstNode, type ParserOptions } from 'langium';

export class InvParser {
    private inner: LangiumParser;

    constructor(private readonly services: LangiumCoreServices) {
        this.inner = createLangiumParser(services);
    }

    parse<T extends AstNode = AstNode>(input: string, options?: ParserOptions): ParseResult<T> {
        try {
            return this.inner.parse<T>(input, options);
        } catch (err) {
            this.inner = createLangiumParser(this.services);
            const empty = this.inner.parse<T>('', options);
            const reason = err instanceof RangeError ? 'it nests too deeply' : String(err);
            return {
                ...empty,
                lexerErrors: [],
                lexerReport: {
                    diagnostics: [{
                        offset: 0, line: 1, column: 1, length: 0, severity: 'error',
                        message: `This file cannot be read (${reason}); simplify it.`,
                    }],
                },
            };
        }
    }
}

/** The service slot holds a LangiumParser; only `parse` is ever called on it. */
export function createInvParser(services: LangiumCoreServices): LangiumParser {
    return new InvParser(services) as unknown as LangiumParser;
}
