/** Source ranges of AST nodes, for diagnostics that point at one token. */
import { CstUtils, isLeafCstNode, type AstNode } from 'langium';
import type { Range } from 'vscode-languageserver';

/** The range of the first token of `node` (a field's keyword), or the whole node. */
export function firstTokenRange(node: AstNode): Range | undefined {
    const cst = node.$cstNode;
    if (!cst) return undefined;
    for (const leaf of CstUtils.streamCst(cst)) {
        if (isLeafCstNode(leaf) && !leaf.hidden) return leaf.range;
    }
    return cst.range;
}

/** The text of the first token of `node` (a field's keyword). */
export function firstTokenText(node: AstNode): string {
    const cst = node.$cstNode;
    if (!cst) return '';
    for (const leaf of CstUtils.streamCst(cst)) {
        if (isLeafCstNode(leaf) && !leaf.hidden) return leaf.text;
    }
    return cst.text;
}

/** 1-based line of `node`, for messages such as "already declared on line 3". */
export function lineOf(node: AstNode): number {
    return (node.$cstNode?.range.start.line ?? 0) + 1;
}
