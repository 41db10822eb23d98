/**
 * Completion: Langium offers the keywords that fit where the cursor is and the names in
 * scope for each reference (oracles after `oracle`, the block oracle's inputs after
 * `fix`/`bound`, its outputs after `target`/`maximize`/`minimize`, constraints after
 * `using`, a feature's labels after `fix FEATURE =` and in `bound FEATURE in { … }`). This adds: names written back in backticks where they must be (`` `data` ``),
 * inputs already fixed or bounded left out, and in constraint bodies the variable `x` and
 * the functions.
 */
import { GrammarAST, type AstNodeDescription, type MaybePromise, type ReferenceInfo, type Stream } from 'langium';
import { DefaultCompletionProvider, type CompletionAcceptor, type CompletionContext, type CompletionValueItem, type NextFeature } from 'langium/lsp';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver';
import { runBounds, runFixItems } from '../ast-fields.js';
import { FeatureDecl } from '../generated/ast.js';
import { reservedWords } from '../inv-keywords.js';
import { enclosingRunBlock } from '../inv-scope-provider.js';
import { nameAsSource } from '../name-suggestion.js';
import { CONSTRAINT_FUNCTIONS } from '../validation/inv-constraint-validator.js';

export class InvCompletionProvider extends DefaultCompletionProvider {
    protected override completionFor(context: CompletionContext, next: NextFeature, acceptor: CompletionAcceptor): MaybePromise<void> {
        if (next.property === 'name' && next.type === 'VarRef') {
            acceptor(context, { label: 'x', kind: CompletionItemKind.Variable, detail: 'the value the constraint is applied to', sortText: '0' });
            return;
        }
        if (next.property === 'fn') {
            for (const [fn, arity] of CONSTRAINT_FUNCTIONS) {
                const args = arity === 1 ? '${1:x}' : '${1:x}, ${2:0}';
                acceptor(context, {
                    label: fn, kind: CompletionItemKind.Function, detail: `${fn}(${arity === 1 ? 'x' : 'a, b'})`,
                    insertText: `${fn}(${args})`, insertTextFormat: InsertTextFormat.Snippet, sortText: '1',
                });
            }
            return;
        }
        if (isInExpression(next)) {
            return; // offered as functions above
        }
        return super.completionFor(context, next, acceptor);
    }

    protected override getReferenceCandidates(refInfo: ReferenceInfo, context: CompletionContext): Stream<AstNodeDescription> {
        const candidates = super.getReferenceCandidates(refInfo, context);
        if (refInfo.container.$type === 'FixItem' || refInfo.container.$type === 'BoundField') {
            // Inputs already fixed or bounded in this block are not offered again.
            const block = enclosingRunBlock(refInfo.container);
            if (block) {
                const taken = new Set<string>([
                    ...runFixItems(block).map((i) => i.feature?.$refText),
                    ...runBounds(block).flatMap((b) => b.features.map((f) => f.$refText)),
                ].filter((n): n is string => !!n));
                return candidates.filter((d) => d.type !== FeatureDecl.$type || !taken.has(d.name));
            }
        }
        return candidates;
    }

    protected override createReferenceCompletionItem(description: AstNodeDescription, refInfo: ReferenceInfo, context: CompletionContext): CompletionValueItem {
        const item = super.createReferenceCompletionItem(description, refInfo, context);
        const text = nameAsSource(description.name, reservedWords(this.grammar));
        return { ...item, detail: detailOf(description.type), insertText: text, filterText: text };
    }
}

function detailOf(type: string): string {
    switch (type) {
        case 'Oracle': return 'oracle';
        case 'Constraint': return 'constraint function';
        case 'FeatureDecl': return 'input';
        case 'OutputDecl': return 'output';
        case 'LabelDecl': return 'label';
        default: return type;
    }
}

/** Whether a keyword completion comes from the expression rules (a function name). */
function isInExpression(next: NextFeature): boolean {
    const rule = GrammarAST.isKeyword(next.feature) ? next.feature.$container : undefined;
    let node: unknown = rule;
    while (node && !GrammarAST.isParserRule(node)) node = (node as { $container?: unknown }).$container;
    return GrammarAST.isParserRule(node) && node.name === 'FunctionName';
}
