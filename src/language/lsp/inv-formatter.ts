/**
 * Format Document: blocks separated by one blank line, `NAME {` on the block's line, one
 * field (or constraint piece) per line, indented; `method generator { … }` kept on one line;
 * `a, b`, `[lo, hi]`, `when x >= 10: x / 10`, `f(x)` spaced the usual way. A file with syntax
 * errors (or an expression cut by the nesting guard) is left as it is.
 */
import { CstUtils, type AstNode, type LangiumDocument, type MaybePromise } from 'langium';
import { AbstractFormatter, Formatting } from 'langium/lsp';
import type { DocumentFormattingParams, TextEdit } from 'vscode-languageserver';
import {
    isBinaryExpr, isBoundField, isCallExpr, isComparison, isCondition, isConstraint, isFixField, isFixItem,
    isGeneratorMethod, isInputsField, isInterval, isInvFile, isInversion, isLayersField, isNegExpr, isOracle,
    isOutputsField, isPiece, isSynthesis, isTargetField, isFeatureDecl, isRelationBinary, isRelationNeg, isRequireField,
} from '../generated/ast.js';

export class InvFormatter extends AbstractFormatter {
    override formatDocument(document: LangiumDocument, params: DocumentFormattingParams): MaybePromise<TextEdit[]> {
        if ((document.parseResult.lexerReport?.diagnostics.length ?? 0) > 0) return [];
        return super.formatDocument(document, params);
    }

    protected format(node: AstNode): void {
        const f = this.getNodeFormatter(node);
        if (isInvFile(node)) {
            if (node.elements.length > 0) f.node(node.elements[0]).prepend(Formatting.noIndent());
            for (const element of node.elements.slice(1)) {
                // A block with a comment above it: the comment takes the formatting meant for
                // the block too, so only ask for a new line and keep the blank lines written.
                const commented = CstUtils.findCommentNode(element.$cstNode, ['SL_COMMENT', 'ML_COMMENT']) !== undefined;
                f.node(element).prepend(commented ? Formatting.newLine({ allowMore: true }) : Formatting.newLines(2, { allowMore: false }));
            }
        } else if (isOracle(node) || isInversion(node) || isSynthesis(node) || isConstraint(node)) {
            const open = f.keyword('{');
            const close = f.keyword('}');
            f.property('name').prepend(Formatting.oneSpace());
            open.prepend(Formatting.oneSpace());
            const body: AstNode[] = isConstraint(node) ? [...node.pieces, ...(node.otherwise ? [node.otherwise] : [])] : [...node.fields];
            for (const child of body) f.node(child).prepend(Formatting.indent());
            close.prepend(Formatting.newLine());
        } else if (isGeneratorMethod(node)) {
            const open = f.keyword('{');
            const close = f.keyword('}');
            open.prepend(Formatting.oneSpace());
            for (const child of node.fields) f.node(child).prepend(Formatting.oneSpace());
            close.prepend(Formatting.oneSpace());
        } else if (isInputsField(node) || isOutputsField(node) || isLayersField(node) || isFixField(node) || isBoundField(node)) {
            f.keywords(',').prepend(Formatting.noSpace()).append(Formatting.oneSpace());
            f.keywords('in', 'using').surround(Formatting.oneSpace());
            // `bound material in { wood, steel }`
            f.keyword('{').prepend(Formatting.oneSpace()).append(Formatting.oneSpace());
            f.keyword('}').prepend(Formatting.oneSpace());
        } else if (isInterval(node)) {
            f.keyword('[').append(Formatting.noSpace());
            f.keyword(',').prepend(Formatting.noSpace()).append(Formatting.oneSpace());
            f.keyword(']').prepend(Formatting.noSpace());
        } else if (isFeatureDecl(node)) {
            // `n integer in [1, 9]`, `material of { wood, steel }`
            f.keywords('in', 'integer', 'of').surround(Formatting.oneSpace());
            f.keyword('{').append(Formatting.oneSpace());
            f.keywords(',').prepend(Formatting.noSpace()).append(Formatting.oneSpace());
            f.keyword('}').prepend(Formatting.oneSpace());
        } else if (isRequireField(node)) {
            f.property('op').surround(Formatting.oneSpace());
            f.property('left').prepend(Formatting.oneSpace());
        } else if (isRelationBinary(node)) {
            f.property('op').surround(node.op === '^' ? Formatting.noSpace() : Formatting.oneSpace());
        } else if (isRelationNeg(node)) {
            f.keyword('-').append(Formatting.noSpace());
        } else if (isTargetField(node) || isFixItem(node)) {
            f.keywords('=', '>=', '<=', 'in', 'tolerance').surround(Formatting.oneSpace());
        } else if (isPiece(node)) {
            f.keyword(':').prepend(Formatting.noSpace()).append(Formatting.oneSpace());
        } else if (isCondition(node)) {
            f.keywords('and').surround(Formatting.oneSpace());
        } else if (isComparison(node)) {
            f.property('op').surround(Formatting.oneSpace());
        } else if (isBinaryExpr(node)) {
            f.property('op').surround(node.op === '^' ? Formatting.noSpace() : Formatting.oneSpace());
        } else if (isNegExpr(node)) {
            f.keyword('-').append(Formatting.noSpace());
        } else if (isCallExpr(node)) {
            f.keyword('(').prepend(Formatting.noSpace()).append(Formatting.noSpace());
            f.keyword(')').prepend(Formatting.noSpace());
            f.keywords(',').prepend(Formatting.noSpace()).append(Formatting.oneSpace());
        }
        // Parenthesised expressions have no node of their own: their parens belong to the
        // enclosing expression's CST; leave their inner spacing as written.
    }
}
