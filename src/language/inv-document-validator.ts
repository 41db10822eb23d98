/**
 * Langium's built-in diagnostics (lexing, parsing, linking) with this language's codes and
 * words: every syntax problem is `syntax` (or `too-deep` from the nesting guard), every
 * unresolved name says which kind of name it is and what it might have meant. A file of
 * random bytes gets its first MAX_SYNTAX_DIAGNOSTICS problems, not hundreds of thousands.
 */
import {
    DefaultDocumentValidator,
    type LangiumDocument, type LexingDiagnostic, type MultiReference, type ParseResult, type Reference, type ValidationOptions,
} from 'langium';
import type { CancellationToken } from 'vscode-jsonrpc';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import { oracleInputs, oracleOutputs, runOracleField } from './ast-fields.js';
import { isBoundField, isConstraint, isFeatureRef, isFixItem, isLikeField, isOracle, isOracleRefField, isTargetField, type InvFile } from './generated/ast.js';
import { enclosingRunBlock } from './inv-scope-provider.js';
import { IssueCodes, type IssueCode, type IssueData } from './issue-codes.js';
import { closestName, didYouMean, quoteName } from './name-suggestion.js';
import type { CodedLexingDiagnostic } from './inv-lexer.js';

/** Syntax diagnostics reported per document (lexing and parsing each). */
export const MAX_SYNTAX_DIAGNOSTICS = 100;

export class InvDocumentValidator extends DefaultDocumentValidator {
    /**
     * A file saved as UTF-16 reads as noise with a NUL between letters: one diagnostic that
     * names the encoding, instead of a hundred syntax errors that do not.
     */
    override async validateDocument(document: LangiumDocument, options?: ValidationOptions, cancelToken?: CancellationToken): Promise<Diagnostic[]> {
        const problem = textEncodingProblem(document.textDocument.getText());
        if (problem) return [this.coded(IssueCodes.Encoding, problem, { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } })];
        return super.validateDocument(document, options, cancelToken);
    }

    protected override processLexingErrors(parseResult: ParseResult, diagnostics: Diagnostic[], _options: ValidationOptions): void {
        const all: LexingDiagnostic[] = [...parseResult.lexerErrors, ...(parseResult.lexerReport?.diagnostics ?? [])];
        // The nesting guard's reports first: they are few and say the most.
        all.sort((a, b) => Number('code' in b) - Number('code' in a));
        const shown = all.slice(0, MAX_SYNTAX_DIAGNOSTICS);
        for (const d of shown) {
            const line = (d.line ?? 1) - 1;
            const column = (d.column ?? 1) - 1;
            const code = ((d as Partial<CodedLexingDiagnostic>).code ?? IssueCodes.Syntax) as IssueCode;
            diagnostics.push(this.coded(code, d.message, {
                start: { line, character: column },
                end: { line, character: column + d.length },
            }));
        }
        this.reportOmitted(all.length - shown.length, 'characters that are not part of the language', diagnostics, shown);
    }

    protected override processParsingErrors(parseResult: ParseResult, diagnostics: Diagnostic[], options: ValidationOptions): void {
        const before = diagnostics.length;
        super.processParsingErrors(parseResult, diagnostics, options);
        const parsed = diagnostics.splice(before);
        const shown = parsed.slice(0, MAX_SYNTAX_DIAGNOSTICS);
        for (const d of shown) {
            diagnostics.push(this.coded(IssueCodes.Syntax, typeof d.message === 'string' ? d.message : d.message.value, d.range));
        }
        this.reportOmitted(parsed.length - shown.length, 'syntax errors', diagnostics, shown);
    }

    protected override processLinkingErrors(document: LangiumDocument, diagnostics: Diagnostic[], _options: ValidationOptions): void {
        for (const reference of document.references) {
            if (!reference.error) continue;
            const issue = this.describeUnresolved(reference, document);
            const range = reference.$refNode?.range;
            if (!issue || !range) continue;
            diagnostics.push(this.coded(issue.code, issue.message, range, issue.suggestion));
        }
    }

    /** What an unresolved name is, in the user's terms; undefined when another error already covers it. */
    private describeUnresolved(reference: Reference | MultiReference, document: LangiumDocument): { code: IssueCode; message: string; suggestion?: string } | undefined {
        const container = reference.$refNode?.astNode;
        const name = reference.$refText;
        const root = document.parseResult.value as InvFile;
        if (isOracleRefField(container)) {
            const names = root.elements.filter(isOracle).map((o) => o.name);
            const suggestion = closestName(name, names);
            return { code: IssueCodes.UnknownOracle, message: `unknown oracle ${quoteName(name)}${didYouMean(suggestion)}`, suggestion };
        }
        if (isBoundField(container) && reference === container.constraint) {
            const names = root.elements.filter(isConstraint).map((c) => c.name);
            const suggestion = closestName(name, names);
            return { code: IssueCodes.UnknownConstraint, message: `unknown constraint ${quoteName(name)}${didYouMean(suggestion)}`, suggestion };
        }
        // Features and outputs: only when the block's oracle resolves (else that is the error).
        const block = container ? enclosingRunBlock(container) : undefined;
        const oracle = block ? runOracleField(block)?.oracle.ref : undefined;
        if (!oracle) return undefined;
        const inputs = oracleInputs(oracle).map((f) => f.name);
        const outputs = oracleOutputs(oracle).map((o) => o.name);
        if ((isFixItem(container) && reference === container.label) || (isBoundField(container) && container.labels.includes(reference as (typeof container.labels)[number]))) {
            // A label resolves against its feature's own labels (`fix material = steel`).
            const feature = isFixItem(container) ? container.feature.ref : container.features[0]?.ref;
            if (!feature) return undefined;
            if (!feature.categorical) {
                return { code: IssueCodes.TypeMismatch, message: `${quoteName(feature.name)} is numeric: ${isFixItem(container) ? 'fix it to a number' : 'bound it with `in [lo, hi]`'}, not a label` };
            }
            const labels = feature.labels.map((l) => l.name);
            const suggestion = closestName(name, labels);
            return { code: IssueCodes.UnknownLabel, message: `${quoteName(name)} is not a label of ${quoteName(feature.name)} (its labels: ${labels.join(', ')})${didYouMean(suggestion)}`, suggestion };
        }
        if (isFixItem(container) || isBoundField(container) || isFeatureRef(container)) {
            const suggestion = closestName(name, inputs);
            const what = isFeatureRef(container) ? 'related by `require`' : 'fixed or bounded';
            const note = outputs.includes(name) ? ` (${quoteName(name)} is one of its outputs; only inputs can be ${what})` : didYouMean(suggestion);
            return { code: IssueCodes.UnknownFeature, message: `oracle ${oracle.name} has no input ${quoteName(name)}${note}`, suggestion };
        }
        if (isTargetField(container) || isLikeField(container)) {
            const suggestion = closestName(name, outputs);
            const note = inputs.includes(name) ? ` (${quoteName(name)} is one of its inputs; targets are on outputs)` : didYouMean(suggestion);
            return { code: IssueCodes.UnknownOutput, message: `oracle ${oracle.name} has no output ${quoteName(name)}${note}`, suggestion };
        }
        return undefined;
    }

    private coded(code: IssueCode, message: string, range: Range, suggestion?: string): Diagnostic {
        const data: IssueData = suggestion === undefined ? { code } : { code, suggestion };
        return { severity: DiagnosticSeverity.Error, range, message, code, data, source: this.getSource() };
    }

    private reportOmitted(count: number, what: string, diagnostics: Diagnostic[], shown: Diagnostic[] | LexingDiagnostic[]): void {
        if (count <= 0 || shown.length === 0) return;
        const last = shown[shown.length - 1];
        const range: Range = 'range' in last
            ? last.range
            : { start: { line: (last.line ?? 1) - 1, character: (last.column ?? 1) - 1 }, end: { line: (last.line ?? 1) - 1, character: (last.column ?? 1) - 1 + last.length } };
        diagnostics.push(this.coded(IssueCodes.Syntax, `… and ${count} more ${what} after this one (not listed)`, range));
    }
}

/** Why a file's text is not UTF-8 text, or undefined: NUL characters (UTF-16 read as UTF-8), or a UTF-16 byte-order mark read as UTF-8. */
export function textEncodingProblem(text: string): string | undefined {
    const head = text.slice(0, 512);
    const nuls = head.split('\u0000').length - 1;
    const mark = head.startsWith('\uFFFD\uFFFD');
    if (nuls === 0 && !mark) return undefined;
    const utf16 = mark || nuls >= head.length / 4;
    return utf16
        ? 'this file is encoded as UTF-16 (a NUL between letters); .inv files are UTF-8: save it as UTF-8 (in VS Code: "Save with Encoding", UTF-8)'
        : 'this file holds NUL characters: it is not a text file, or not UTF-8; .inv files are UTF-8 text';
}
