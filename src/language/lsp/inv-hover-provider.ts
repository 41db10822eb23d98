/**
 * Hover: an oracle shows its model (widths, when and on what it was trained, or why it
 * cannot be used), its inputs with their domains and its outputs with the recorded test
 * error; an input its domain; an output its training range; a constraint its pieces; an
 * inversion or synthesis what it searches for. A keyword shows what it means.
 */
import { AstNodeHoverProvider, type LangiumServices } from 'langium/lsp';
import type { AstNode, MaybePromise } from 'langium';
import { GrammarAST } from 'langium';
import type { Hover } from 'vscode-languageserver';
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

    protected override getKeywordHoverContent(node: AstNode): MaybePromise<Hover | undefined> {
        if (!GrammarAST.isKeyword(node)) return undefined;
        const doc = Object.hasOwn(KEYWORD_DOCS, node.value) ? KEYWORD_DOCS[node.value] : undefined;
        return doc ? { contents: { kind: 'markdown', value: doc } } : undefined;
    }

    protected async getAstNodeHoverContent(node: AstNode): Promise<string | undefined> {
        if (isOracle(node)) return this.oracleHover(node);
        if (isFeatureDecl(node)) {
            const oracle = node.$container.$container;
            const facts = await readOracleFacts(oracle, this.files);
            const recorded = facts.recordedInput(node.name);
            const lines = [`**input \`${node.name}\`** of oracle ${oracle.name}`, '', `type: ${describeType(featureType(node))}`];
            if (!node.categorical) lines.push('', `domain: ${describeDomain(facts.domain(node.name))}`);
            else lines.push('', `one-hot: ${node.labels.length} model columns, in this order`);
            if (recorded) lines.push('', `training data: mean ${fmt(recorded.mean)}, std ${fmt(recorded.std)}`);
            return lines.join('\n');
        }
        if (isOutputDecl(node)) {
            const oracle = node.$container.$container;
            const facts = await readOracleFacts(oracle, this.files);
            const lines = [`**output \`${node.name}\`** of oracle ${oracle.name}${facts.classifier ? ' (a class probability)' : ''}`];
            const range = facts.classifier ? null : facts.outputRange(node.name);
            if (range) lines.push('', `seen in training: [${fmt(range.lo)}, ${fmt(range.hi)}]`);
            const rmse = facts.testRmse(node.name);
            if (rmse !== null) lines.push('', `test RMSE: ${fmt(rmse)}`);
            return lines.join('\n');
        }
        if (isLabelDecl(node)) {
            const feature = node.$container;
            return `**label \`${node.name}\`** of \`${feature.name}\` (${describeType(featureType(feature))}), model column ${feature.labels.indexOf(node) + 1} of its ${feature.labels.length}`;
        }
        if (isConstraint(node)) return constraintHover(node);
        if (isInversion(node) || isSynthesis(node)) return runHover(node);
        return undefined;
    }

    private async oracleHover(oracle: Oracle): Promise<string> {
        const facts = await readOracleFacts(oracle, this.files);
        const lines = [`**oracle ${oracle.name}**${oracleClassify(oracle) !== undefined ? ` (classifier on \`${oracleClassify(oracle)}\`)` : ''}`, ''];
        lines.push(`model: ${describeModel(oracle, facts)}`);
        const data = oracleData(oracle);
        if (data !== undefined) lines.push('', `trains on: \`${data}\``);
        lines.push('', '| input | type | domain |', '|---|---|---|');
        for (const input of oracleInputs(oracle)) {
            lines.push(`| \`${input.name}\` | ${describeType(featureType(input))} | ${input.categorical ? '—' : describeDomain(facts.domain(input.name))} |`);
        }
        const outputs = oracleOutputs(oracle);
        // A classifier's recorded score (its RMSE below is per class probability).
        const meta = facts.model?.ok ? facts.model.metadata : null;
        if (meta?.accuracy !== undefined) lines.push('', `test accuracy: ${(100 * meta.accuracy).toFixed(1)} %${meta.logLoss !== undefined ? `, log-loss ${fmt(meta.logLoss)}` : ''}`);
        if (outputs.length > 0) {
            lines.push('', `| ${facts.classifier ? 'class' : 'output'} | test RMSE${facts.classifier ? ' of its probability' : ''} |`, '|---|---|');
            for (const output of outputs) {
                const rmse = facts.testRmse(output.name);
                lines.push(`| \`${output.name}\` | ${rmse === null ? '—' : fmt(rmse)} |`);
            }
        }
        return lines.join('\n');
    }
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

function runHover(block: RunBlock): string {
    const kind = isSynthesis(block) ? 'synthesize' : 'inversion';
    const oracle = runOracle(block);
    const lines = [`**${kind} ${block.name}**${oracle ? ` on oracle ${oracle.name}` : ''} — method ${runMethodKind(block)}`];
    const targets = runTargets(block).map(describeTarget);
    if (targets.length > 0) lines.push('', `targets: ${targets.join('; ')}`);
    if (oracle) {
        const fixed = new Set(runFixItems(block).map((i) => i.feature?.$refText));
        const free = oracleInputs(oracle).map((f) => f.name).filter((n) => !fixed.has(n));
        lines.push('', `free: ${free.map((n) => `\`${n}\``).join(', ') || 'none'}`);
        if (fixed.size > 0) lines.push('', `fixed: ${runFixItems(block).map((i) => `\`${i.feature?.$refText}\` = ${i.label ? i.label.$refText : fmt(i.value)}`).join(', ')}`);
        const relations = runRequires(block).map((r) => `\`${r.$cstNode?.text.replace(/^require\s+/, '').replace(/\s+/g, ' ')}\``);
        if (relations.length > 0) lines.push('', `relations (held exactly): ${relations.join(', ')}`);
        const soft = runBounds(block).filter((b) => b.constraint).flatMap((b) => b.features.map((f) => `\`${f.$refText}\` via ${b.constraint?.$refText}`));
        if (soft.length > 0) lines.push('', `soft bounds: ${soft.join(', ')}`);
    }
    return lines.join('\n');
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

/** Numbers as a person reads them: at most 6 significant digits. */
function fmt(value: number | undefined): string {
    if (value === undefined) return '?';
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}
