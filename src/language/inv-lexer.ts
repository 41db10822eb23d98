/**
 * The default lexer plus the nesting guard (nesting-guard.ts): the parser never sees an
 * expression deep enough to overflow its stack, and the cut is reported as a lexing
 * diagnostic carrying the `too-deep` code (InvDocumentValidator turns it into a diagnostic).
 */
import { DefaultLexer, type LexerResult, type LexingDiagnostic, type TokenizeOptions } from 'langium';
import { IssueCodes } from './issue-codes.js';
import { guardNesting, MAX_EXPRESSION_DEPTH } from './nesting-guard.js';

/** A lexing diagnostic that says which issue code it is (the default ones are `syntax`). */
export interface CodedLexingDiagnostic extends LexingDiagnostic {
    code: string;
}

export class InvLexer extends DefaultLexer {
    override tokenize(text: string, options?: TokenizeOptions): LexerResult {
        const result = super.tokenize(text, options);
        const guarded = guardNesting(result.tokens, this.definition['NUMBER']);
        if (guarded.reports.length === 0) return result;
        const diagnostics: LexingDiagnostic[] = [...(result.report?.diagnostics ?? [])];
        for (const { token } of guarded.reports) {
            const diagnostic: CodedLexingDiagnostic = {
                offset: token.startOffset,
                line: token.startLine,
                column: token.startColumn,
                length: token.image.length,
                message: `This expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels (parentheses, calls and operators each count); split it into simpler pieces.`,
                severity: 'error',
                code: IssueCodes.TooDeep,
            };
            diagnostics.push(diagnostic);
        }
        return { ...result, tokens: guarded.tokens, report: { ...result.report, diagnostics } };
    }
}
