/**
 * Inversions and syntheses: targets (at least one, one per output, the kinds a synthesis
 * accepts), fixed and bounded features (never both, never twice, not every input fixed),
 * `stop outside bounds` with a soft bound to stop on; and, once the oracle's files are read
 * ('slow'), values against domains and training ranges: fixed values inside the domain,
 * bounds and targets that extrapolate, free features with nothing to bound them.
 */
import { GrammarUtils, type AstNode, type ValidationAcceptor } from 'langium';
import {
    oracleData, oracleInputs, runBounds, runFixFields, runFixItems, runOracle, runOracleField, runStopOutsideBounds,
    runTargets, synthesisLike, type RunBlock,
} from '../ast-fields.js';
import { firstTokenRange, lineOf } from '../cst-ranges.js';
import { isInversion, isStopOutsideField, isSynthesis, type FeatureDecl, type Interval, type TargetField } from '../generated/ast.js';
import { IssueCodes } from '../issue-codes.js';
import { closestName, didYouMean, nameAsSource, quoteName } from '../name-suggestion.js';
import { resolveDocumentPath } from '../document-paths.js';
import { readOracleFacts, type OracleFacts } from '../oracle-facts.js';
import type { InvServices } from '../inv-module.js';
import { reservedWords } from '../inv-keywords.js';
import type { OracleFiles } from '../oracle-files.js';
import { reportIssue } from './report-issue.js';

export class InvRunValidator {
    private readonly files: OracleFiles;
    /** The grammar's keywords: a name that is one is written in backticks in a suggested fix. */
    private readonly keywords: ReadonlySet<string>;

    constructor(services: InvServices) {
        this.files = services.files.OracleFiles;
        this.keywords = reservedWords(services.Grammar);
    }

    checkTargets(block: RunBlock, accept: ValidationAcceptor): void {
        const targets = runTargets(block);
        if (targets.length > 1) for (const target of targets) checkTolerancePlacement(target, accept);
        if (isInversion(block)) {
            if (targets.length === 0) {
                reportIssue(accept, 'error', IssueCodes.NoTarget,
                    `inversion ${block.name} has no \`target\`: say what output to reach, e.g. \`target y = 10\` or \`maximize y\``,
                    { node: block, property: 'name' });
            }
            const first = new Map<string, TargetField>();
            for (const target of targets) {
                const name = target.output?.$refText;
                if (!name) continue;
                const earlier = first.get(name);
                if (earlier) {
                    reportIssue(accept, 'error', IssueCodes.TargetTwice,
                        `${quoteName(name)} already has a target on line ${lineOf(earlier)}; one target per output (use \`in [lo, hi]\` for a range)`,
                        { node: target, property: 'output' });
                } else {
                    first.set(name, target);
                }
            }
            return;
        }
        // A synthesis draws its targets from one reference distribution.
        const like = synthesisLike(block);
        const references: AstNode[] = [...(like ? [like] : []), ...targets];
        references.sort((a, b) => (a.$cstNode?.offset ?? 0) - (b.$cstNode?.offset ?? 0));
        if (references.length === 0) {
            reportIssue(accept, 'error', IssueCodes.NoTarget,
                `synthesize ${block.name} needs what its rows' targets follow: \`like "file.csv" column OUT\` or \`target OUT in [lo, hi]\``,
                { node: block, property: 'name' });
        }
        for (const extra of references.slice(1)) {
            reportIssue(accept, 'error', IssueCodes.SynthesisReference,
                `a synthesis follows one reference (a \`like\` or a \`target\`); the first is on line ${lineOf(references[0])}`,
                { node: extra, range: firstTokenRange(extra) });
        }
        for (const target of targets) {
            if (target.kind === 'in' || target.kind === '>=' || target.kind === '<=') continue;
            const what = target.kind === '=' ? '`=` (one value)' : `\`${target.kind}\``;
            reportIssue(accept, 'error', IssueCodes.SynthesisReference,
                `a synthesis cannot use ${what}: its targets follow a distribution, so use \`in [lo, hi]\`, \`>=\`, \`<=\` or \`like\``,
                { node: target, property: 'kind' });
        }
    }

    checkFeatures(block: RunBlock, accept: ValidationAcceptor): void {
        const fixed = new Map<string, AstNode>();
        for (const item of runFixItems(block)) {
            const name = item.feature?.$refText;
            if (!name) continue;
            const earlier = fixed.get(name);
            if (earlier) {
                reportIssue(accept, 'error', IssueCodes.FeatureTwice,
                    `${quoteName(name)} is already fixed on line ${lineOf(earlier)}`, { node: item, property: 'feature' });
            } else {
                fixed.set(name, item);
            }
        }
        const bounded = new Map<string, AstNode>();
        for (const bound of runBounds(block)) {
            bound.features.forEach((ref, index) => {
                const name = ref.$refText;
                const earlierFix = fixed.get(name);
                const earlierBound = bounded.get(name);
                if (earlierFix) {
                    reportIssue(accept, 'error', IssueCodes.FixedAndBounded,
                        `${quoteName(name)} is fixed on line ${lineOf(earlierFix)}: a feature is either fixed or bounded`,
                        { node: bound, property: 'features', index });
                } else if (earlierBound) {
                    reportIssue(accept, 'error', IssueCodes.FeatureTwice,
                        `${quoteName(name)} is already bounded on line ${lineOf(earlierBound)}`,
                        { node: bound, property: 'features', index });
                } else {
                    bounded.set(name, bound);
                }
            });
        }
        const oracle = runOracle(block);
        const inputs = oracle ? oracleInputs(oracle) : [];
        const fixFields = runFixFields(block);
        if (inputs.length > 0 && fixFields.length > 0 && inputs.every((f) => fixed.has(f.name))) {
            const last = fixFields[fixFields.length - 1];
            reportIssue(accept, 'error', IssueCodes.AllFixed,
                `every input of ${oracle!.name} is fixed, so there is nothing to search for; leave at least one free`,
                { node: last, range: firstTokenRange(last) });
        }
        const stop = block.fields.find(isStopOutsideField);
        if (stop && runStopOutsideBounds(block) && !runBounds(block).some((b) => b.constraint !== undefined)) {
            reportIssue(accept, 'error', IssueCodes.StopNeedsUsing,
                '`stop outside bounds` watches soft bounds: it needs a `bound … in [lo, hi] using CONSTRAINT`',
                { node: stop });
        }
    }

    /** A synthesis's `like "file.csv" column OUT`: the file exists and has that column. */
    async checkLikeFile(block: RunBlock, accept: ValidationAcceptor): Promise<void> {
        if (!isSynthesis(block)) return;
        const like = synthesisLike(block);
        if (like?.path === undefined) return;
        const path = resolveDocumentPath(block, like.path);
        if (path === undefined) return;
        const header = await this.files.csvHeader(path);
        if (!header.ok) {
            const message = header.kind === 'missing'
                ? `CSV file not found: ${like.path} (paths are relative to this file)`
                : `cannot read ${like.path}: ${header.reason}`;
            reportIssue(accept, 'error', IssueCodes.DataMissing, message, { node: like, property: 'path' });
            return;
        }
        const column = like.output?.$refText;
        if (column && !header.columns.includes(column)) {
            const suggestion = closestName(column, header.columns);
            reportIssue(accept, 'error', IssueCodes.DataColumn,
                `the reference file ${like.path} has no column ${quoteName(column)}${didYouMean(suggestion)}`,
                { node: like, property: 'output' });
        }
    }

    /** The checks that need the oracle's domains and training ranges (read from its model). */
    async checkAgainstOracle(block: RunBlock, accept: ValidationAcceptor): Promise<void> {
        const oracle = runOracle(block);
        if (!oracle) return;
        const facts = await readOracleFacts(oracle, this.files);

        // Fixed values inside the domain.
        for (const item of runFixItems(block)) {
            const feature = item.feature?.ref;
            if (!feature || typeof item.value !== 'number' || !Number.isFinite(item.value)) continue;
            const domain = facts.domain(feature.name);
            if (domain && (item.value < domain.lo || item.value > domain.hi)) {
                reportIssue(accept, 'error', IssueCodes.FixOutsideDomain,
                    `${item.value} is outside the domain of ${quoteName(feature.name)}, [${domain.lo}, ${domain.hi}] (${domainSource(domain.source)}): the oracle is not valid there`,
                    { node: item, property: 'value' });
            }
        }
        // Bounds that reach outside the domain are allowed, with a warning.
        const bounded = new Set<string>();
        for (const bound of runBounds(block)) {
            for (const ref of bound.features) {
                const feature = ref.ref;
                if (!feature) continue;
                bounded.add(feature.name);
                const domain = facts.domain(feature.name);
                if (domain && bound.range && validInterval(bound.range) && (bound.range.lo < domain.lo || bound.range.hi > domain.hi)) {
                    reportIssue(accept, 'warning', IssueCodes.BoundOutsideDomain,
                        `[${bound.range.lo}, ${bound.range.hi}] reaches outside the domain of ${quoteName(feature.name)}, [${domain.lo}, ${domain.hi}] (${domainSource(domain.source)}): the oracle extrapolates there`,
                        { node: bound.range });
                }
            }
        }
        // Free features with neither a bound nor a domain. An oracle that is not trained yet but
        // has `data` gets its domains recorded by the training that `inv run` starts first.
        const trainedFirst = facts.model?.ok === false && facts.model.kind === 'missing' && oracleData(oracle) !== undefined;
        if (trainedFirst) {
            for (const target of runTargets(block)) this.checkExtrapolation(target, facts, accept);
            return;
        }
        const fixedNames = new Set(runFixItems(block).map((i) => i.feature?.$refText));
        const unbounded = oracleInputs(oracle).filter((f) => !fixedNames.has(f.name) && !bounded.has(f.name) && facts.domain(f.name) === null);
        const objectives = runTargets(block).filter((t) => t.kind === 'maximize' || t.kind === 'minimize');
        if (unbounded.length > 0 && objectives.length > 0) {
            for (const target of objectives) {
                reportIssue(accept, 'warning', IssueCodes.ObjectiveUnbounded,
                    `\`${target.kind}\` with ${listFeatures(unbounded)} unbounded: the search can run off without end; bound ${unbounded.length === 1 ? 'it' : 'them'}`,
                    { node: target, property: 'kind' }, { feature: unbounded[0].name, box: { lo: 0, hi: 1 } });
            }
        } else {
            const oracleField = runOracleField(block)!;
            for (const feature of unbounded) {
                reportIssue(accept, 'warning', IssueCodes.UnboundedFeature,
                    `${quoteName(feature.name)} is free and has no bound or domain (none declared, none recorded in the model): its search is unbounded; add \`bound ${nameAsSource(feature.name, this.keywords)} in [lo, hi]\``,
                    { node: oracleField, property: 'oracle' }, { feature: feature.name, box: { lo: 0, hi: 1 } });
            }
        }
        // Targets outside what the oracle saw in training.
        for (const target of runTargets(block)) this.checkExtrapolation(target, facts, accept);
    }

    private checkExtrapolation(target: TargetField, facts: OracleFacts, accept: ValidationAcceptor): void {
        const output = target.output?.ref;
        if (!output) return;
        const seen = facts.outputRange(output.name);
        if (!seen) return;
        const where = facts.classifier ? 'a class probability lies in' : 'the training data has it in';
        let outside: string | undefined;
        if ((target.kind === '=' || target.kind === '>=') && target.value !== undefined && Number.isFinite(target.value) && target.value > seen.hi) {
            outside = `${target.value} is above`;
        } else if ((target.kind === '=' || target.kind === '<=') && target.value !== undefined && Number.isFinite(target.value) && target.value < seen.lo) {
            outside = `${target.value} is below`;
        } else if (target.kind === 'in' && target.range && validInterval(target.range) && (target.range.hi < seen.lo || target.range.lo > seen.hi)) {
            outside = `[${target.range.lo}, ${target.range.hi}] lies outside`;
        }
        if (outside === undefined) return;
        reportIssue(accept, 'warning', IssueCodes.Extrapolation,
            `${outside} what ${quoteName(output.name)} reaches in training (${where} [${seen.lo}, ${seen.hi}]): the oracle extrapolates, and the target may not be met`,
            target.kind === 'in' ? { node: target, property: 'range' } : { node: target, property: 'value' });
    }
}

/**
 * `tolerance NUM` right after a target belongs to that target (the grammar reads it so).
 * Written on a line of its own, it looks like the block's tolerance for every target: say
 * which it is, when the block has several targets and the difference matters.
 */
function checkTolerancePlacement(target: TargetField, accept: ValidationAcceptor): void {
    if (target.tolerance === undefined) return;
    const keyword = GrammarUtils.findNodeForKeyword(target.$cstNode, 'tolerance');
    const start = target.$cstNode?.range.start.line;
    if (!keyword || start === undefined || keyword.range.start.line === start) return;
    reportIssue(accept, 'warning', IssueCodes.TolerancePlacement,
        `this \`tolerance\` applies to the target on line ${start + 1} only (\`${target.output?.$refText}\`); for every target's, write \`tolerance\` before the first target`,
        { node: target, range: keyword.range });
}

function validInterval(i: Interval): boolean {
    return Number.isFinite(i.lo) && Number.isFinite(i.hi) && i.lo < i.hi;
}

function domainSource(source: 'declared' | 'recorded'): string {
    return source === 'declared' ? 'declared in the oracle' : 'recorded in the model';
}

function listFeatures(features: FeatureDecl[]): string {
    const names = features.map((f) => quoteName(f.name));
    return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
