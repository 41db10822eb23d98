/**
 * Completion: Langium offers the keywords that fit where the cursor is and the names in
 * scope for each reference (oracles after `oracle`, the block oracle's inputs after
 * `fix`/`bound`, its outputs after `target`/`maximize`/`minimize`, constraints after
 * `using`, a feature's labels after `fix FEATURE =` and in `bound FEATURE in { … }`). This adds:
 * - fields a block already has are not offered again (each may appear once, except
 *   `target`, `fix`, `bound` and `require`; a synthesis has one reference, `like` or `target`);
 * - a field keyword says what it is (its documentation), and a field of several words is
 *   inserted whole (`stop outside bounds`, `skip missing`);
 * - at the top level, a snippet for each kind of block, filled in with the file's oracle;
 * - an input shows its domain; names are written back in backticks where they must be
 *   (`` `data` ``); inputs already fixed or bounded are left out, but not the one under the
 *   cursor (completing on `x4` in `fix x4` offers `x4` too);
 * - in constraint bodies, the variable `x` and the functions.
 */
import {
    DocumentState, GrammarAST, type AstNode, type AstNodeDescription, type DocumentBuilder, type LangiumDocument,
    type MaybePromise, type ReferenceInfo, type Stream, type WorkspaceLock,
} from 'langium';
import { DefaultCompletionProvider, type CompletionAcceptor, type CompletionContext, type CompletionValueItem, type NextFeature } from 'langium/lsp';
import { CompletionItemKind, InsertTextFormat, type CancellationToken, type CompletionList, type CompletionParams } from 'vscode-languageserver';
import { oracleInputs, oracleOutputs, runBounds, runFixItems, runGenerator, runOracle, type FieldBlock } from '../ast-fields.js';
import {
    FeatureDecl, isActivationField, isBackendField, isClassifyField, isDataField, isInputsField, isInversion,
    isLayersField, isLikeField, isMethodField, isModelField, isNumberField, isOracle, isOracleRefField, isOutputPathField,
    isOutputsField, isOverwriteField, isSkipMissingField, isStopOutsideField, isSynthesis, isTargetField, isTestField, type InvFile,
} from '../generated/ast.js';
import type { InvServices } from '../inv-module.js';
import { reservedWords } from '../inv-keywords.js';
import { enclosingRunBlock } from '../inv-scope-provider.js';
import { nameAsSource } from '../name-suggestion.js';
import { readOracleFacts, type Domain } from '../oracle-facts.js';
import type { OracleFiles } from '../oracle-files.js';
import { CONSTRAINT_FUNCTIONS } from '../validation/inv-constraint-validator.js';
import { KEYWORD_DOCS } from './keyword-docs.js';

/** Fields that may appear once in a block, by the keyword that starts them. */
const ONCE: Readonly<Record<string, (field: AstNode) => boolean>> = {
    oracle: isOracleRefField, model: isModelField, data: isDataField, test: isTestField, inputs: isInputsField,
    outputs: isOutputsField, layers: isLayersField, activation: isActivationField, skip: isSkipMissingField,
    classify: isClassifyField, stop: isStopOutsideField, method: isMethodField, backend: isBackendField,
    like: isLikeField, output: isOutputPathField, overwrite: isOverwriteField,
};
const NUMBER_KEYS = new Set(['epochs', 'batch', 'learningRate', 'validation', 'seed', 'solutions', 'steps', 'diversity', 'tolerance', 'count', 'latent', 'support']);
/** Fields of several words, inserted whole. */
const WHOLE: Readonly<Record<string, string>> = { stop: 'stop outside bounds', skip: 'skip missing' };
/** Offered first: what a block needs before anything else. */
const REQUIRED = new Set(['oracle', 'target', 'model', 'inputs', 'outputs', 'count', 'output', 'like']);

export class InvCompletionProvider extends DefaultCompletionProvider {
    private readonly files: OracleFiles;
    private readonly workspaceLock: WorkspaceLock;
    private readonly documentBuilder: DocumentBuilder;

    constructor(services: InvServices) {
        super(services);
        this.files = services.files.OracleFiles;
        this.workspaceLock = services.shared.workspace.WorkspaceLock;
        this.documentBuilder = services.shared.workspace.DocumentBuilder;
    }

    /**
     * Completes on the text as it is now. Langium answers as soon as the document is linked,
     * but a request that follows an edit at once (typing `bound ` then Ctrl+Space) can come
     * before the edit's rebuild has begun: the document still holds the AST of the text
     * before, while the completion parser reads the text after, and the two disagree (the
     * inputs after `bound ` were looked up on the previous field and not offered). Then wait
     * for the rebuild the edit queued, and for the document to be linked again.
     */
    override async getCompletion(document: LangiumDocument, params: CompletionParams, cancelToken?: CancellationToken): Promise<CompletionList | undefined> {
        if (isStale(document)) {
            await this.workspaceLock.read(() => undefined);
            if (isStale(document) || document.state < DocumentState.Linked) {
                await this.documentBuilder.waitUntil(DocumentState.Linked, document.uri, cancelToken);
            }
        }
        return super.getCompletion(document, params, cancelToken);
    }

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
        if (GrammarAST.isCrossReference(next.feature) && next.feature.type.ref?.name === FeatureDecl.$type) {
            return this.completeInputs(context, next, acceptor);
        }
        return super.completionFor(context, next, acceptor);
    }

    protected override completionForKeyword(context: CompletionContext, keyword: GrammarAST.Keyword, acceptor: CompletionAcceptor): MaybePromise<void> {
        if (!this.filterKeyword(context, keyword)) return;
        const block = fieldBlock(context);
        if (block && this.alreadyThere(block, keyword.value, context)) return;
        const doc = KEYWORD_DOCS[keyword.value];
        const whole = block ? WHOLE[keyword.value] : undefined;
        acceptor(context, {
            label: whole ?? keyword.value,
            kind: CompletionItemKind.Keyword,
            detail: block ? 'field' : 'keyword',
            ...(doc ? { documentation: { kind: 'markdown', value: doc } } : {}),
            ...(whole ? { insertText: whole, filterText: keyword.value } : {}),
            sortText: block && REQUIRED.has(keyword.value) ? '0' : '1',
        });
        if (!block && isTopLevel(context)) this.blockSnippet(context, keyword.value, acceptor);
    }

    protected override getReferenceCandidates(refInfo: ReferenceInfo, context: CompletionContext): Stream<AstNodeDescription> {
        const candidates = super.getReferenceCandidates(refInfo, context);
        if (refInfo.container.$type === 'FixItem' || refInfo.container.$type === 'BoundField') {
            // Inputs already fixed or bounded in this block are not offered again; the one being
            // completed (the name under the cursor) is.
            const block = enclosingRunBlock(refInfo.container);
            if (block) {
                const at = (node: { $refNode?: { offset: number; end: number } } | undefined) =>
                    !!node?.$refNode && node.$refNode.offset <= context.offset && context.offset <= node.$refNode.end;
                const taken = new Set<string>([
                    ...runFixItems(block).filter((i) => !at(i.feature)).map((i) => i.feature?.$refText),
                    ...runBounds(block).flatMap((b) => b.features.filter((f) => !at(f)).map((f) => f.$refText)),
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

    /** The block oracle's inputs, each with its domain (declared, else recorded in the model). */
    private async completeInputs(context: CompletionContext, next: NextFeature, acceptor: CompletionAcceptor): Promise<void> {
        const block = (context.node ? enclosingRunBlock(context.node) : undefined) ?? fieldBlock(context);
        const oracle = block && (isInversion(block) || isSynthesis(block)) ? runOracle(block) : undefined;
        const facts = oracle ? await readOracleFacts(oracle, this.files) : undefined;
        const withDomain: CompletionAcceptor = (ctx, value) => {
            // A reference's item has no label yet: Langium takes it from its description later.
            const name = typeof value.label === 'string' ? value.label : 'nodeDescription' in value ? value.nodeDescription.name : undefined;
            const domain = facts && name !== undefined ? facts.domain(name) : null;
            const decl = oracle && name !== undefined ? oracleInputs(oracle).find((f) => f.name === name) : undefined;
            const labels = decl?.categorical ? decl.labels.map((l) => l.name) : null;
            const kind = labels ? ` of {${labels.join(', ')}}` : decl?.integer ? ` integer${describeDomain(domain)}` : describeDomain(domain);
            const what = labels ? `one of the labels ${labels.join(', ')}`
                : domain ? `${decl?.integer ? 'a whole number in ' : 'domain '}[${domain.lo}, ${domain.hi}] (${domain.source === 'declared' ? 'declared' : 'recorded in the model'})`
                    : 'no domain (declare one with `in [lo, hi]`)';
            acceptor(ctx, {
                ...value,
                detail: `input${kind}`,
                documentation: { kind: 'markdown', value: `input of oracle ${oracle?.name ?? '?'}: ${what}` },
            });
        };
        return super.completionFor(context, next, withDomain);
    }

    /** Whether `keyword` starts a field `block` already has (not counting the one at the cursor). */
    private alreadyThere(block: FieldBlock, keyword: string, context: CompletionContext): boolean {
        const others = block.fields.filter((f) => !f.$cstNode || context.tokenOffset < f.$cstNode.offset || context.tokenOffset > f.$cstNode.end);
        if (NUMBER_KEYS.has(keyword)) return others.some((f) => isNumberField(f) && f.key === keyword);
        if (isSynthesis(block)) {
            // One reference: `like` or `target`; no objectives.
            const hasReference = others.some((f) => isLikeField(f) || isTargetField(f));
            if (keyword === 'like' || keyword === 'target') return hasReference;
            if (keyword === 'maximize' || keyword === 'minimize') return true;
        }
        const once = ONCE[keyword];
        return once !== undefined && others.some(once);
    }

    /** A snippet of a whole block, next to its keyword at the top level. */
    private blockSnippet(context: CompletionContext, keyword: string, acceptor: CompletionAcceptor): void {
        const root = context.document.parseResult.value as InvFile;
        const oracle = root.elements.find(isOracle);
        const oracleName = oracle?.name ? nameAsSource(oracle.name, reservedWords(this.grammar)) : 'Oracle';
        const output = (oracle && oracleOutputs(oracle)[0]?.name) ?? 'y';
        const input = (oracle && oracleInputs(oracle)[0]?.name) ?? 'x1';
        const snippets: Record<string, string[]> = {
            oracle: ['oracle ${1:Name} {', '  model "${2:models/name/model.json}"', '  inputs ${3:x1 in [0, 1], x2 in [0, 1]}', '  outputs ${4:y}', '}'],
            inversion: ['inversion ${1:Name} {', `  oracle \${2:${oracleName}}`, `  target \${3:${output}} = \${4:0}`, `  bound \${5:${input}} in [\${6:0}, \${7:1}]`, '}'],
            synthesize: ['synthesize ${1:Name} {', `  oracle \${2:${oracleName}}`, `  target \${3:${output}} in [\${4:0}, \${5:1}]`, '  count ${6:1000}', '  output "${7:out/rows.csv}"', '}'],
            constraint: ['constraint ${1:name} {', '  when x >= ${2:10}: ${3:x / 10}', '  else ${4:x}', '}'],
        };
        const lines = snippets[keyword];
        if (!lines) return;
        acceptor(context, {
            label: `${keyword} { … }`,
            filterText: keyword,
            kind: CompletionItemKind.Snippet,
            detail: `a whole ${keyword === 'synthesize' ? 'synthesis' : keyword} block`,
            insertText: lines.join('\n'),
            insertTextFormat: InsertTextFormat.Snippet,
            ...(KEYWORD_DOCS[keyword] ? { documentation: { kind: 'markdown', value: KEYWORD_DOCS[keyword]! } } : {}),
            sortText: '0',
        });
    }
}

/**
 * The block whose fields the cursor is among (an oracle, inversion, synthesis, or the
 * generator of a `method generator { … }`), found by position: the node Langium completes
 * from may be the field before the cursor, even a closed generator block.
 */
function fieldBlock(context: CompletionContext): FieldBlock | undefined {
    const root = context.document.parseResult.value as InvFile;
    const offset = context.tokenOffset;
    const inside = (node: AstNode) => {
        const cst = node.$cstNode;
        // An unclosed block (still being written) reaches to the cursor.
        return !!cst && cst.offset < offset && (offset < cst.end || !cst.text.trimEnd().endsWith('}'));
    };
    const block = root.elements.find((e) => (isOracle(e) || isInversion(e) || isSynthesis(e)) && inside(e));
    if (!block || !(isOracle(block) || isInversion(block) || isSynthesis(block))) return undefined;
    if (isOracle(block)) return block;
    const generator = runGenerator(block);
    return generator && inside(generator) ? generator : block;
}

/** Whether the document's AST was parsed from other text than the editor's now. */
function isStale(document: LangiumDocument): boolean {
    const parsed = document.parseResult.value.$cstNode?.root.fullText;
    return parsed !== undefined && parsed !== document.textDocument.getText();
}

function isTopLevel(context: CompletionContext): boolean {
    const root = context.document.parseResult.value as InvFile;
    const offset = context.tokenOffset;
    return !root.elements.some((e) => e.$cstNode && e.$cstNode.offset < offset && (offset < e.$cstNode.end || !e.$cstNode.text.trimEnd().endsWith('}')));
}

function describeDomain(domain: Domain | null): string {
    return domain ? ` in [${domain.lo}, ${domain.hi}]` : ', no domain';
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
