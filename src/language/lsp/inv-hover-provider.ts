/**
 * Hover: an oracle shows its model (widths, when and on what it was trained, or why it
 * cannot be used), its inputs with their domains and its outputs with the range seen in
 * training and the recorded test error; an input its domain; an output its training range; a
 * constraint its pieces; an inversion or synthesis what it searches for. A keyword shows what
 * it means, unless a diagnostic is there: then the diagnostic says what matters.
 *
 * Each hover is a list of sections (markdown paragraphs or tables), joined by blank lines, so
 * a service that extends it (the server's last runs; support, types) adds a section.
 */
import { AstNodeHoverProvider, type LangiumServices } from 'langium/lsp';
import type { AstNode, LangiumDocument, MaybePromise } from 'langium';
import { CstUtils, GrammarAST } from 'langium';
import type { Hover, HoverParams, Position, Range } from 'vscode-languageserver';
import { formatValue } from '../../engine/contract/number-format.js';
import {
    featureType, oracleClassify, oracleData, oracleInputs, oracleModel, oracleOutputs, runBounds, runFixItems,
    runMethodKind, runOracle, runRequires, runTargets, type RunBlock,
} from '../ast-fields.js';
import { isConstraint, isFeatureDecl, isInversion, isLabelDecl, isOracle, isOutputDecl, isSynthesis, type Constraint, type Oracle, type TargetField } from '../generated/ast.js';
import { describeType } from '../../engine/contract/feature-types.js';
import type { InvServices } from '../inv-module.js';
import { readOracleFacts, type Domain, type OracleFacts } from '../oracle-facts.js';
import type { OracleFiles } from '../oracle-files.js';
import { KEYWORD_DOCS } from './keyword-docs.js';

export class InvHoverProvider extends AstNodeHoverProvider {
    private readonly files: OracleFiles;

    constructor(services: InvServices) {
        super(services as LangiumServices);
        this.files = services.files.OracleFiles;
    }

    override async getHoverContent(document: LangiumDocument, params: HoverParams): Promise<Hover | undefined> {
        // On a keyword with a diagnostic, the diagnostic explains: no keyword hint under it.
        if (this.keywordAt(document, params.position) && (document.diagnostics ?? []).some((d) => contains(d.range, params.position))) return undefined;
        return super.getHoverContent(document, params);
    }

    protected override getKeywordHoverContent(node: AstNode): MaybePromise<Hover | undefined> {
        if (!GrammarAST.isKeyword(node)) return undefined;
        const doc = Object.hasOwn(KEYWORD_DOCS, node.value) ? KEYWORD_DOCS[node.value] : undefined;
        return doc ? { contents: { kind: 'markdown', value: doc } } : undefined;
    }

    protected async getAstNodeHoverContent(node: AstNode): Promise<string | undefined> {
        const sections = await this.hoverSections(node);
        return sections.length > 0 ? sections.join('\n\n') : undefined;
    }

    /** The hover of a declaration, as sections; empty when it has none. */
    protected async hoverSections(node: AstNode): Promise<string[]> {
        if (isOracle(node)) return this.oracleHover(node);
        if (isFeatureDecl(node)) {
            const oracle = node.$container.$container;
            const facts = await readOracleFacts(oracle, this.files);
            const recorded = facts.recordedInput(node.name);
            const sections = [`**input \`${node.name}\`** of oracle ${oracle.name}`, `type: ${describeType(featureType(node))}`];
            if (!node.categorical) sections.push(`domain: ${describeDomain(facts.domain(node.name))}`);
            else sections.push(`one-hot: ${node.labels.length} model columns, in this order`);
            if (recorded) sections.push(`training data: mean ${fmt(recorded.mean)}, std ${fmt(recorded.std)}`);
            return sections;
        }
        if (isOutputDecl(node)) {
            const oracle = node.$container.$container;
            const facts = await readOracleFacts(oracle, this.files);
            const sections = [`**output \`${node.name}\`** of oracle ${oracle.name}${facts.classifier ? ' (a class probability)' : ''}`];
            const range = facts.classifier ? null : facts.outputRange(node.name);
            if (range) sections.push(`seen in training: [${fmt(range.lo)}, ${fmt(range.hi)}]`);
            const rmse = facts.testRmse(node.name);
            if (rmse !== null) sections.push(`test RMSE: ${fmt(rmse)}`);
            return sections;
        }
        if (isLabelDecl(node)) {
            const feature = node.$container;
            return [`**label \`${node.name}\`** of \`${feature.name}\` (${describeType(featureType(feature))}), model column ${feature.labels.indexOf(node) + 1} of its ${feature.labels.length}`];
        }
        if (isConstraint(node)) return [constraintHover(node)];
        if (isInversion(node) || isSynthesis(node)) return runHover(node);
        return [];
    }

    private keywordAt(document: LangiumDocument, position: Position): boolean {
        const root = document.parseResult.value.$cstNode;
        const leaf = root && CstUtils.findLeafNodeAtOffset(root, document.textDocument.offsetAt(position));
        return !!leaf && GrammarAST.isKeyword(leaf.grammarSource);
    }

    /** The model (once), the inputs with their domains, the outputs with what is known of them. */
    private async oracleHover(oracle: Oracle): Promise<string[]> {
        const facts = await readOracleFacts(oracle, this.files);
        const sections = [`**oracle ${oracle.name}**${oracleClassify(oracle) !== undefined ? ` (classifier on \`${oracleClassify(oracle)}\`)` : ''}`];
        sections.push(`model: ${describeModel(oracle, facts)}`);
        const data = oracleData(oracle);
        const meta = facts.model?.ok ? facts.model.metadata : null;
        // Said by the model line when it was trained on that very file.
        if (data !== undefined && meta?.data !== data) sections.push(`trains on: \`${data}\``);
        const inputs = oracleInputs(oracle).map((input) =>
            `| \`${input.name}\` | ${describeType(featureType(input))} | ${input.categorical ? '—' : describeDomain(facts.domain(input.name))} |`);
        if (inputs.length > 0) sections.push(['| input | type | domain |', '|---|---|---|', ...inputs].join('\n'));
        // A classifier's recorded score (its RMSE below is per class probability).
        if (meta?.accuracy !== undefined) sections.push(`test accuracy: ${(100 * meta.accuracy).toFixed(1)} %${meta.logLoss !== undefined ? `, log-loss ${fmt(meta.logLoss)}` : ''}`);
        const outputs = oracleOutputs(oracle);
        if (outputs.length > 0) {
            const rows = outputs.map((output) => {
                const rmse = facts.testRmse(output.name);
                const range = facts.classifier ? null : facts.outputRange(output.name);
                return `| \`${output.name}\` |${facts.classifier ? '' : ` ${range ? `[${fmt(range.lo)}, ${fmt(range.hi)}]` : '—'} |`} ${rmse === null ? '—' : fmt(rmse)} |`;
            });
            const head = facts.classifier ? '| class | test RMSE of its probability |\n|---|---|' : '| output | seen in training | test RMSE |\n|---|---|---|';
            sections.push([head, ...rows].join('\n'));
        }
        return sections;
    }
}

/** Whether `range` holds `position` (ends included: the cursor at a token's end is on it). */
function contains(range: Range, position: Position): boolean {
    const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
    return before(range.start, position) && before(position, range.end);
}

function describeModel(oracle: Oracle, facts: OracleFacts): string {
    const written = oracleModel(oracle);
    if (written === undefined) return 'none declared';
    const summary = facts.model;
    if (!summary) return `\`${written}\``;
    if (!summary.ok) {
        if (summary.kind === 'missing') return `\`${written}\` — ${oracleData(oracle) !== undefined ? 'not trained yet' : 'not found'}`;
        return `\`${written}\` — cannot be used: ${summary.reason}`;
    }
    const shape = `${summary.inputWidth} → ${summary.outputWidth}`;
    const meta = summary.metadata;
    const imported = summary.imported;
    if (imported) {
        const kind = imported.mlp ? `a multilayer perceptron ${imported.mlp}` : shape;
        const outputs = imported.probabilities ? '; outputs class probabilities' : '';
        const notes = imported.notes.length > 0 ? ` (${imported.notes.join('; ')})` : '';
        return `\`${written}\` (${imported.description}: ${kind}${outputs}; used as it is: no recorded domains or standardisation)${notes}`;
    }
    if (!meta) return `\`${written}\` (${shape}; trained elsewhere: no recorded domains or standardisation)`;
    const when = meta.trainedAt ? `trained ${meta.trainedAt.slice(0, 16).replace('T', ' ')}` : 'trained';
    return `\`${written}\` (${shape}; ${when}${meta.data ? ` on \`${meta.data}\`` : ''})`;
}

function describeDomain(domain: Domain | null): string {
    if (!domain) return 'none (declare one with `in [lo, hi]`)';
    return `[${fmt(domain.lo)}, ${fmt(domain.hi)}] (${domain.source === 'declared' ? 'declared' : 'recorded in the model'})`;
}

function constraintHover(c: Constraint): string {
    const lines = [`**constraint ${c.name}** — applied to each feature it bounds, as x:`, '', '```inv'];
    for (const piece of c.pieces) lines.push(oneLine(piece.$cstNode?.text ?? ''));
    lines.push(c.otherwise ? oneLine(c.otherwise.$cstNode?.text ?? '') : 'else x   // (no else: unchanged)');
    lines.push('```');
    return lines.join('\n');
}

function runHover(block: RunBlock): string[] {
    const kind = isSynthesis(block) ? 'synthesize' : 'inversion';
    const oracle = runOracle(block);
    const sections = [`**${kind} ${block.name}**${oracle ? ` on oracle ${oracle.name}` : ''} — method ${runMethodKind(block)}`];
    const targets = runTargets(block).map(describeTarget);
    if (targets.length > 0) sections.push(`targets: ${targets.join('; ')}`);
    if (oracle) {
        const fixed = new Set(runFixItems(block).map((i) => i.feature?.$refText));
        const free = oracleInputs(oracle).map((f) => f.name).filter((n) => !fixed.has(n));
        sections.push(`free: ${free.map((n) => `\`${n}\``).join(', ') || 'none'}`);
        if (fixed.size > 0) sections.push(`fixed: ${runFixItems(block).map((i) => `\`${i.feature?.$refText}\` = ${i.label ? i.label.$refText : fmt(i.value)}`).join(', ')}`);
        const relations = runRequires(block).map((r) => `\`${r.$cstNode?.text.replace(/^require\s+/, '').replace(/\s+/g, ' ')}\``);
        if (relations.length > 0) sections.push(`relations (held exactly): ${relations.join(', ')}`);
        const soft = runBounds(block).filter((b) => b.constraint).flatMap((b) => b.features.map((f) => `\`${f.$refText}\` via ${b.constraint?.$refText}`));
        if (soft.length > 0) sections.push(`soft bounds: ${soft.join(', ')}`);
    }
    return sections;
}

function describeTarget(t: TargetField): string {
    const name = `\`${t.output?.$refText ?? '?'}\``;
    switch (t.kind) {
        case 'maximize': case 'minimize': return `${t.kind} ${name}`;
        case 'in': return `${name} in [${fmt(t.range?.lo)}, ${fmt(t.range?.hi)}]`;
        default: return `${name} ${t.kind} ${fmt(t.value)}`;
    }
}

function oneLine(text: string): string {
    return text.replace(/\s+/g, ' ').trim();
}

/** Numbers in the one format of every surface (engine/contract/number-format.ts). */
function fmt(value: number | undefined): string {
    return value === undefined ? '?' : formatValue(value);
}
