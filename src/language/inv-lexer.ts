/**
 * The default lexer plus the nesting guard (nesting-guard.ts): the parser never sees an
 * expression deep enough to overflow its stack. What the guard changed is reported as
 * lexing diagnostics carrying their issue code (InvDocumentValidator turns them into
 * diagnostics): `too-deep` where an expression went over the limit, `syntax` where
 * parentheses were left open.
 */
import { DefaultLexer, type LexerResult, type LexingDiagnostic, type TokenizeOptions } from 'langium';
import { IssueCodes } from './issue-codes.js';
import { guardNesting, MAX_EXPRESSION_DEPTH, type GuardReport } from './nesting-guard.js';
import { describeToken } from './inv-parser-messages.js';

/** A lexing diagnostic that says which issue code it is (the default ones are `syntax`). */
export interface CodedLexingDiagnostic extends LexingDiagnostic {
    code: string;
}

export class InvLexer extends DefaultLexer {
    override tokenize(text: string, options?: TokenizeOptions): LexerResult {
        const result = super.tokenize(text, options);
        const guarded = guardNesting(result.tokens,
            { number: this.definition['NUMBER'], closeParen: this.definition[')'] },
            { closeOpenParens: options?.mode !== 'partial' });
        if (guarded.reports.length === 0) return result;
        const diagnostics: LexingDiagnostic[] = [...(result.report?.diagnostics ?? []), ...guarded.reports.map(toDiagnostic)];
        return { ...result, tokens: guarded.tokens, report: { ...result.report, diagnostics } };
    }
}

function toDiagnostic(report: GuardReport): CodedLexingDiagnostic {
    const { token } = report;
    const message = report.kind === 'too-deep'
        ? `This expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels (parentheses, calls and operators each count); split it into simpler pieces.`
        : `expected \`)\` but found ${report.atEnd ? 'the end of the file' : describeToken(token)}: ${report.open === 1 ? 'a parenthesis is' : `${report.open} parentheses are`} still open`;
    return {
        offset: token.startOffset,
        line: token.startLine,
        column: token.startColumn,
        length: token.image.length,
        message,
        severity: 'error',
        code: report.kind === 'too-deep' ? IssueCodes.TooDeep : IssueCodes.Syntax,
    };
}
