/**
 * The default lexer plus the nesting guard (nesting-guard.ts): the parser never sees an
 * expression deep enough to overflow its stack. What the guard changed is reported as
 * lexing diagnostics carrying their issue code (InvDocumentValidator turns them into
 * diagnostics): `too-deep` where an expression went over the limit, `syntax` where
 * parentheses were left open.
 */
import type { IToken } from 'chevrotain';
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
        result.hidden = joinLongHiddenRuns(result.hidden, result.tokens, text);
        const guarded = guardNesting(result.tokens,
            { number: this.definition['NUMBER'], closeParen: this.definition[')'] },
            { closeOpenParens: options?.mode !== 'partial' });
        if (guarded.reports.length === 0) return result;
        const diagnostics: LexingDiagnostic[] = [...(result.report?.diagnostics ?? []), ...guarded.reports.map(toDiagnostic)];
        return { ...result, tokens: guarded.tokens, report: { ...result.report, diagnostics } };
    }
}

/**
 * Langium 4.2's CST builder adds the hidden tokens (comments) found before a token with one
 * spread call, which overflows the stack beyond some 60,000 of them (a generated file of
 * comments). Such a run is joined into one comment token spanning it: the CST keeps the
 * text, and runs of ordinary length are left as they are.
 */
export const MAX_HIDDEN_RUN = 10_000;

function joinLongHiddenRuns(hidden: IToken[], tokens: IToken[], text: string): IToken[] {
    if (hidden.length <= MAX_HIDDEN_RUN) return hidden;
    const joined: IToken[] = [];
    let h = 0;
    for (let t = 0; t <= tokens.length; t++) {
        const before = t < tokens.length ? tokens[t]!.startOffset : Infinity;
        const start = h;
        while (h < hidden.length && hidden[h]!.startOffset < before) h++;
        if (h - start > MAX_HIDDEN_RUN) joined.push(spanning(hidden[start]!, hidden[h - 1]!, text));
        else for (let i = start; i < h; i++) joined.push(hidden[i]!);
    }
    return joined;
}

function spanning(first: IToken, last: IToken, text: string): IToken {
    const end = last.endOffset ?? last.startOffset + last.image.length - 1;
    return {
        ...first,
        image: text.slice(first.startOffset, end + 1),
        endOffset: end,
        endLine: last.endLine,
        endColumn: last.endColumn,
    };
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
