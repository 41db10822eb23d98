/** Outline and completion icons: an oracle is a class, a constraint a function, a run an event, columns fields. */
import type { AstNode, AstNodeDescription } from 'langium';
import type { NodeKindProvider } from 'langium/lsp';
import { CompletionItemKind, SymbolKind } from 'vscode-languageserver';

function typeOf(node: AstNode | AstNodeDescription): string {
    return 'type' in node ? node.type : node.$type;
}

export class InvNodeKindProvider implements NodeKindProvider {
    getSymbolKind(node: AstNode | AstNodeDescription): SymbolKind {
        switch (typeOf(node)) {
            case 'Oracle': return SymbolKind.Class;
            case 'Constraint': return SymbolKind.Function;
            case 'Inversion': case 'Synthesis': return SymbolKind.Event;
            case 'FeatureDecl': return SymbolKind.Field;
            case 'OutputDecl': return SymbolKind.Property;
            default: return SymbolKind.Field;
        }
    }

    getCompletionItemKind(node: AstNode | AstNodeDescription): CompletionItemKind {
        switch (typeOf(node)) {
            case 'Oracle': return CompletionItemKind.Class;
            case 'Constraint': return CompletionItemKind.Function;
            case 'Inversion': case 'Synthesis': return CompletionItemKind.Event;
            case 'FeatureDecl': return CompletionItemKind.Field;
            case 'OutputDecl': return CompletionItemKind.Property;
            default: return CompletionItemKind.Reference;
        }
    }
}
