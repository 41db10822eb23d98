/**
 * What each reference may name, all within its own file:
 * - `oracle X`, `using C`: the file's oracles / constraints;
 * - a feature after `fix` / `bound`: the inputs of the block's own oracle;
 * - an output after `target` / `maximize` / `minimize` / `like … column`: its outputs;
 * - a label after `fix FEATURE =` / `bound FEATURE in { … }`: that feature's own labels
 *   (`bound a, b in { … }`: the labels of its first feature);
 * - a feature in a `require` relation: the inputs of the block's oracle.
 * When the block's oracle is missing or does not resolve, feature and output names have an
 * empty scope; InvDocumentValidator then reports only the oracle, not every name after it.
 * Where a name is declared twice, the first declaration is the one that links.
 */
import {
    AstUtils, DocumentCache, EMPTY_SCOPE, MapScope,
    type AstNode, type AstNodeDescription, type AstNodeDescriptionProvider, type LangiumCoreServices,
    type NameProvider, type ReferenceInfo, type Scope, type ScopeProvider,
} from 'langium';
import { oracleInputs, oracleOutputs, runOracle, type RunBlock } from './ast-fields.js';
import { Constraint, FeatureDecl, isBoundField, isConstraint, isFixItem, isInversion, isOracle, isSynthesis, LabelDecl, Oracle, OutputDecl, type InvFile } from './generated/ast.js';

export class InvScopeProvider implements ScopeProvider {
    private readonly names: NameProvider;
    private readonly descriptions: AstNodeDescriptionProvider;
    private readonly reflection: LangiumCoreServices['shared']['AstReflection'];
    /** Per document: the scope of its oracles and of its constraints. */
    private readonly topLevel: DocumentCache<string, Scope>;
    /**
     * Per oracle: the scopes of its inputs and of its outputs. An edit re-parses the document
     * into new nodes, so an entry lives exactly as long as the oracle it describes.
     */
    private readonly columns = new WeakMap<Oracle, { inputs: Scope; outputs: Scope }>();
    /** Per categorical feature: the scope of its labels. */
    private readonly labels = new WeakMap<FeatureDecl, Scope>();

    constructor(services: LangiumCoreServices) {
        this.names = services.references.NameProvider;
        this.descriptions = services.workspace.AstNodeDescriptionProvider;
        this.reflection = services.shared.AstReflection;
        this.topLevel = new DocumentCache(services.shared);
    }

    getScope(context: ReferenceInfo): Scope {
        const type = this.reflection.getReferenceType(context);
        const document = AstUtils.getDocument(context.container);
        const root = document.parseResult.value as InvFile;
        switch (type) {
            case Oracle.$type:
                return this.topLevel.get(document.uri, Oracle.$type, () => this.scopeOf(root.elements.filter(isOracle)));
            case Constraint.$type:
                return this.topLevel.get(document.uri, Constraint.$type, () => this.scopeOf(root.elements.filter(isConstraint)));
            case FeatureDecl.$type: {
                const oracle = blockOracle(context.container);
                return oracle ? this.columnsOf(oracle).inputs : EMPTY_SCOPE;
            }
            case OutputDecl.$type: {
                const oracle = blockOracle(context.container);
                return oracle ? this.columnsOf(oracle).outputs : EMPTY_SCOPE;
            }
            case LabelDecl.$type: {
                const feature = labelledFeature(context.container);
                return feature ? this.labelsOf(feature) : EMPTY_SCOPE;
            }
            default:
                return EMPTY_SCOPE;
        }
    }

    private columnsOf(oracle: Oracle): { inputs: Scope; outputs: Scope } {
        let scopes = this.columns.get(oracle);
        if (!scopes) {
            scopes = { inputs: this.scopeOf(oracleInputs(oracle)), outputs: this.scopeOf(oracleOutputs(oracle)) };
            this.columns.set(oracle, scopes);
        }
        return scopes;
    }

    private labelsOf(feature: FeatureDecl): Scope {
        let scope = this.labels.get(feature);
        if (!scope) {
            scope = this.scopeOf(feature.labels);
            this.labels.set(feature, scope);
        }
        return scope;
    }

    /** A scope over `nodes` by name, the first of equal names winning. */
    private scopeOf(nodes: AstNode[]): Scope {
        const seen = new Set<string>();
        const descriptions: AstNodeDescription[] = [];
        for (const node of nodes) {
            const name = this.names.getName(node);
            if (name === undefined || seen.has(name)) continue;
            seen.add(name);
            descriptions.push(this.descriptions.createDescription(node, name));
        }
        return new MapScope(descriptions);
    }
}

/** The inversion or synthesis that contains `node`. */
export function enclosingRunBlock(node: AstNode): RunBlock | undefined {
    return AstUtils.getContainerOfType(node, (n): n is RunBlock => isInversion(n) || isSynthesis(n));
}

/** The oracle of the block containing `node`, when it resolves. */
export function blockOracle(node: AstNode): Oracle | undefined {
    const block = enclosingRunBlock(node);
    return block ? runOracle(block) : undefined;
}

/** The feature whose labels a label reference names: the fixed feature, or a bound's first. */
function labelledFeature(container: AstNode): FeatureDecl | undefined {
    if (isFixItem(container)) return container.feature?.ref;
    if (isBoundField(container)) return container.features[0]?.ref;
    return undefined;
}
