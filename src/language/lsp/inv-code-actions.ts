/**
 * Quick fixes where one is obvious (LANGUAGE.md): swap a bound's `lo` and `hi`; rename a
 * misspelt name (or label) to the suggestion; remove a duplicate field, a duplicate label,
 * a relation that is false; make an integer's ends whole; add the missing `bound` for an
 * unbounded free feature. Each switches on the diagnostic's code (issue-codes.ts).
 */
import { AstUtils, CstUtils, GrammarUtils, type AstNode, type LangiumDocument, type MaybePromise } from 'langium';
import type { CodeActionProvider } from 'langium/lsp';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Command, type Diagnostic, type Range } from 'vscode-languageserver';
import { runOracleField } from '../ast-fields.js';
import { isInterval, isInversion, isSynthesis, type InvFile } from '../generated/ast.js';
import type { InvServices } from '../inv-module.js';
import { reservedWords } from '../inv-keywords.js';
import { IssueCodes, type IssueData } from '../issue-codes.js';
import { nameAsSource } from '../name-suggestion.js';

export class InvCodeActionProvider implements CodeActionProvider {
    private readonly keywords: ReadonlySet<string>;

    constructor(services: InvServices) {
        this.keywords = reservedWords(services.Grammar);
    }

    getCodeActions(document: LangiumDocument, params: CodeActionParams): MaybePromise<Array<Command | CodeAction>> {
        const actions: CodeAction[] = [];
        for (const diagnostic of params.context.diagnostics) {
            const data = diagnostic.data as IssueData | undefined;
            if (!data?.code) continue;
            const action = this.fixFor(document, diagnostic, data);
            if (action) actions.push(action);
        }
        return actions;
    }

    private fixFor(document: LangiumDocument, diagnostic: Diagnostic, data: IssueData): CodeAction | undefined {
        switch (data.code) {
            case IssueCodes.BadBound: return this.swapBounds(document, diagnostic);
            case IssueCodes.UnknownOracle:
            case IssueCodes.UnknownFeature:
            case IssueCodes.UnknownOutput:
            case IssueCodes.UnknownConstraint:
            case IssueCodes.UnknownLabel:
            case IssueCodes.UnknownFunction:
            case IssueCodes.ConstraintVariable:
                return data.suggestion === undefined ? undefined
                    : this.edit(document, diagnostic, `Change to ${nameAsSource(data.suggestion, this.keywords)}`, diagnostic.range, nameAsSource(data.suggestion, this.keywords));
            case IssueCodes.DuplicateField: return this.removeField(document, diagnostic, 'Remove the duplicate field');
            case IssueCodes.RelationFalse: return this.removeField(document, diagnostic, 'Remove the relation');
            case IssueCodes.NotInteger:
                return data.whole === undefined ? undefined
                    : this.edit(document, diagnostic, `Use whole ends [${data.whole.lo}, ${data.whole.hi}]`, diagnostic.range, `[${data.whole.lo}, ${data.whole.hi}]`);
            case IssueCodes.DuplicateLabel: return this.removeListItem(document, diagnostic, 'Remove the duplicate label');
            case IssueCodes.UnboundedFeature:
            case IssueCodes.ObjectiveUnbounded:
                return data.feature === undefined ? undefined : this.addBound(document, diagnostic, data.feature, data.box ?? { lo: 0, hi: 1 });
            default: return undefined;
        }
    }

    private swapBounds(document: LangiumDocument, diagnostic: Diagnostic): CodeAction | undefined {
        const interval = nodeAt(document, diagnostic.range, isInterval);
        if (!interval || !(interval.lo > interval.hi)) return undefined;
        const lo = GrammarUtils.findNodeForProperty(interval.$cstNode, 'lo');
        const hi = GrammarUtils.findNodeForProperty(interval.$cstNode, 'hi');
        if (!lo || !hi) return undefined;
        return {
            title: `Swap to [${hi.text}, ${lo.text}]`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            isPreferred: true,
            edit: { changes: { [document.textDocument.uri]: [
                { range: lo.range, newText: hi.text },
                { range: hi.range, newText: lo.text },
            ] } },
        };
    }

    /** Removes the list item at the diagnostic's range with the comma before it. */
    private removeListItem(document: LangiumDocument, diagnostic: Diagnostic, title: string): CodeAction | undefined {
        const text = document.textDocument.getText();
        const start = document.textDocument.offsetAt(diagnostic.range.start);
        const end = document.textDocument.offsetAt(diagnostic.range.end);
        const comma = text.lastIndexOf(',', start);
        if (comma < 0 || text.slice(comma + 1, start).trim() !== '') return undefined;
        const range = { start: document.textDocument.positionAt(comma), end: document.textDocument.positionAt(end) };
        return this.edit(document, diagnostic, title, range, '');
    }

    private removeField(document: LangiumDocument, diagnostic: Diagnostic, title: string): CodeAction | undefined {
        const offset = document.textDocument.offsetAt(diagnostic.range.start);
        const leaf = CstUtils.findLeafNodeAtOffset(document.parseResult.value.$cstNode!, offset);
        // The field is the node whose container is the block (its `fields` list).
        let node: AstNode | undefined = leaf?.astNode;
        while (node && node.$containerProperty !== 'fields') node = node.$container;
        const cst = node?.$cstNode;
        if (!cst) return undefined;
        const text = document.textDocument.getText();
        let start = cst.offset;
        let end = cst.end;
        // Remove the whole line when the field is alone on it.
        const lineStart = text.lastIndexOf('\n', start - 1) + 1;
        let lineEnd = text.indexOf('\n', end);
        if (lineEnd < 0) lineEnd = text.length;
        if (text.slice(lineStart, start).trim() === '' && text.slice(end, lineEnd).trim() === '') {
            start = lineStart;
            end = Math.min(lineEnd + 1, text.length);
        } else {
            while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
        }
        const range = { start: document.textDocument.positionAt(start), end: document.textDocument.positionAt(end) };
        return this.edit(document, diagnostic, title, range, '');
    }

    private addBound(document: LangiumDocument, diagnostic: Diagnostic, feature: string, box: { lo: number; hi: number }): CodeAction | undefined {
        const offset = document.textDocument.offsetAt(diagnostic.range.start);
        const leaf = CstUtils.findLeafNodeAtOffset(document.parseResult.value.$cstNode!, offset);
        const block = leaf ? AstUtils.getContainerOfType(leaf.astNode, (n) => isInversion(n) || isSynthesis(n)) : undefined;
        if (!block || !(isInversion(block) || isSynthesis(block))) return undefined;
        const anchor = runOracleField(block)?.$cstNode;
        if (!anchor) return undefined;
        const text = document.textDocument.getText();
        const lineStart = text.lastIndexOf('\n', anchor.offset - 1) + 1;
        const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
        const at = document.textDocument.positionAt(anchor.end);
        const line = `bound ${nameAsSource(feature, this.keywords)} in [${box.lo}, ${box.hi}]`;
        return this.edit(document, diagnostic, `Add \`${line}\` (then set its range)`, { start: at, end: at }, `\n${indent}${line}`);
    }

    private edit(document: LangiumDocument, diagnostic: Diagnostic, title: string, range: Range, newText: string): CodeAction {
        return {
            title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            isPreferred: true,
            edit: { changes: { [document.textDocument.uri]: [{ range, newText }] } },
        };
    }
}

/** The innermost node of a type at the start of `range`. */
function nodeAt<T extends AstNode>(document: LangiumDocument, range: Range, guard: (n: AstNode) => n is T): T | undefined {
    const root = (document.parseResult.value as InvFile).$cstNode;
    if (!root) return undefined;
    const leaf = CstUtils.findLeafNodeAtOffset(root, document.textDocument.offsetAt(range.start));
    return leaf ? AstUtils.getContainerOfType(leaf.astNode, guard) : undefined;
}
