/**
 * Semantic highlighting on top of the TextMate grammar: what a name IS, which the grammar
 * alone cannot know (an oracle, an input, an output, a constraint, the variable `x`, a
 * function, a categorical feature's label), in declarations and references alike.
 */
import type { AstNode } from 'langium';
import { AbstractSemanticTokenProvider, type SemanticTokenAcceptor } from 'langium/lsp';
import { SemanticTokenModifiers, SemanticTokenTypes } from 'vscode-languageserver';
import {
    isBoundField, isCallExpr, isClassifyField, isConstraint, isFeatureDecl, isFixItem, isInversion, isLikeField,
    isNumberField, isOracle, isOracleRefField, isOutputDecl, isSynthesis, isTargetField, isVarRef, isLabelDecl, isFeatureRef, isRelationCall,
} from '../generated/ast.js';

const declaration = SemanticTokenModifiers.declaration;

export class InvSemanticTokenProvider extends AbstractSemanticTokenProvider {
    protected highlightElement(node: AstNode, acceptor: SemanticTokenAcceptor): void {
        if (isOracle(node)) acceptor({ node, property: 'name', type: SemanticTokenTypes.class, modifier: declaration });
        else if (isConstraint(node)) acceptor({ node, property: 'name', type: SemanticTokenTypes.function, modifier: declaration });
        else if (isInversion(node) || isSynthesis(node)) acceptor({ node, property: 'name', type: SemanticTokenTypes.namespace, modifier: declaration });
        else if (isFeatureDecl(node)) acceptor({ node, property: 'name', type: SemanticTokenTypes.parameter, modifier: declaration });
        else if (isOutputDecl(node)) acceptor({ node, property: 'name', type: SemanticTokenTypes.property, modifier: declaration });
        else if (isOracleRefField(node)) acceptor({ node, property: 'oracle', type: SemanticTokenTypes.class });
        else if (isLabelDecl(node)) acceptor({ node, property: 'name', type: SemanticTokenTypes.enumMember, modifier: declaration });
        else if (isFixItem(node)) {
            acceptor({ node, property: 'feature', type: SemanticTokenTypes.parameter });
            if (node.label) acceptor({ node, property: 'label', type: SemanticTokenTypes.enumMember });
        } else if (isBoundField(node)) {
            node.features.forEach((_, index) => acceptor({ node, property: 'features', index, type: SemanticTokenTypes.parameter }));
            node.labels.forEach((_, index) => acceptor({ node, property: 'labels', index, type: SemanticTokenTypes.enumMember }));
            if (node.constraint) acceptor({ node, property: 'constraint', type: SemanticTokenTypes.function });
        } else if (isFeatureRef(node)) {
            acceptor({ node, property: 'feature', type: SemanticTokenTypes.parameter });
        } else if (isRelationCall(node)) {
            acceptor({ node, property: 'fn', type: SemanticTokenTypes.function, modifier: SemanticTokenModifiers.defaultLibrary });
        } else if (isTargetField(node) || isLikeField(node)) acceptor({ node, property: 'output', type: SemanticTokenTypes.property });
        else if (isClassifyField(node)) acceptor({ node, property: 'column', type: SemanticTokenTypes.property });
        else if (isNumberField(node)) acceptor({ node, property: 'key', type: SemanticTokenTypes.keyword });
        else if (isVarRef(node)) acceptor({ node, property: 'name', type: SemanticTokenTypes.parameter });
        else if (isCallExpr(node)) acceptor({ node, property: 'fn', type: SemanticTokenTypes.function, modifier: SemanticTokenModifiers.defaultLibrary });
    }
}
