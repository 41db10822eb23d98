/**
 * Scope is one file (LANGUAGE.md): nothing is exported to the workspace index, so no name
 * ever links across files. Local symbols are not collected either: InvScopeProvider answers
 * every reference from the document's own AST.
 */
import { DefaultScopeComputation, MultiMap, type AstNode, type AstNodeDescription, type LangiumDocument, type LocalSymbols } from 'langium';

export class InvScopeComputation extends DefaultScopeComputation {
    override async collectExportedSymbols(_document: LangiumDocument): Promise<AstNodeDescription[]> {
        return [];
    }

    override async collectLocalSymbols(_document: LangiumDocument): Promise<LocalSymbols> {
        return new MultiMap<AstNode, AstNodeDescription>();
    }
}
