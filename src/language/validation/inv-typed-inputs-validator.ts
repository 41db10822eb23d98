/**
 * Typed inputs and relations (LANGUAGE.md, "Typed inputs and relations"): an integer's ends
 * are whole, a categorical feature's labels are distinct, a value or bound has its
 * feature's type (a label for a categorical one, a number for a numeric one, whole for an
 * integer), and a `require` relation is linear, over numeric features with hard bounds,
 * true when it names fixed features only, and ('slow', once the domains are known)
 * satisfiable inside the bounds: a small LP (or MIP, with integers) solved by HiGHS.
 */
import { AstUtils, GrammarUtils, type ValidationAcceptor } from 'langium';

import { solveLinearProgram, type LinearProgram } from '../../engine/contract/linear-program.js';
import { oracleInputs, runBounds, runFixItems, runOracle, runRequires, type RunBlock } from '../ast-fields.js';
import { isFeatureRef, type BoundField, type FeatureDecl, type FixItem, type RequireField } from '../generated/ast.js';
import { IssueCodes } from '../issue-codes.js';
import { quoteName } from '../name-suggestion.js';
import { readOracleFacts } from '../oracle-facts.js';
import type { OracleFiles } from '../oracle-files.js';
import type { InvServices } from '../inv-module.js';
import { relationForm, type LinearForm } from '../relation-form.js';
import { reportIssue } from './report-issue.js';

/** A relation that names fixed features only holds when it is true to this, relative. */
const FALSE_TOLERANCE = 1e-9;

export class InvTypedInputsValidator {
    private readonly files: OracleFiles;

    constructor(services: InvServices) {
        this.files = services.files.OracleFiles;
    }

    /** `ID integer in [LO, HI]`: whole ends; `ID of { .. }`: distinct labels. */
    checkFeatureDecl(f: FeatureDecl, accept: ValidationAcceptor): void {
        if (f.integer && f.domain) {
            const { lo, hi } = f.domain;
            if (Number.isFinite(lo) && Number.isFinite(hi) && (!Number.isInteger(lo) || !Number.isInteger(hi))) {
                const whole = { lo: Math.ceil(lo), hi: Math.floor(hi) };
                reportIssue(accept, 'error', IssueCodes.NotInteger,
                    `${quoteName(f.name)} is an integer: the ends of its range must be whole, not [${lo}, ${hi}]`,
                    { node: f.domain }, whole.lo <= whole.hi ? { whole } : {});
            }
        }
        const seen = new Set<string>();
        f.labels.forEach((label, index) => {
            if (seen.has(label.name)) {
                reportIssue(accept, 'error', IssueCodes.DuplicateLabel, `the label ${quoteName(label.name)} is listed twice`, { node: f, property: 'labels', index });
            }
            seen.add(label.name);
        });
    }

    /** `fix F = V`: a label for a categorical feature, a whole number for an integer. */
    checkFixItem(item: FixItem, accept: ValidationAcceptor): void {
        const feature = item.feature?.ref;
        if (!feature || item.value === undefined) return;
        if (feature.categorical) {
            reportIssue(accept, 'error', IssueCodes.TypeMismatch,
                `${quoteName(feature.name)} is one of { ${feature.labels.map((l) => l.name).join(', ')} }: fix it to a label, e.g. \`fix ${feature.name} = ${feature.labels[0]?.name ?? 'LABEL'}\``,
                { node: item, property: 'value' });
        } else if (feature.integer && Number.isFinite(item.value) && !Number.isInteger(item.value)) {
            reportIssue(accept, 'error', IssueCodes.NotInteger, `${quoteName(feature.name)} is an integer: fix it to a whole number, not ${item.value}`, { node: item, property: 'value' });
        }
    }

    /** `bound F in [lo, hi]` for numeric features (whole ends for an integer); `bound F in { .. }` for categorical ones. */
    checkBound(bound: BoundField, accept: ValidationAcceptor): void {
        const byLabels = bound.range === undefined;
        const first = bound.features[0]?.ref;
        bound.features.forEach((ref, index) => {
            const feature = ref.ref;
            if (!feature) return;
            const at = { node: bound, property: 'features' as const, index };
            if (byLabels && !feature.categorical) {
                // The first feature's labels are what the labels resolve against: linking says it for that one.
                if (index > 0) reportIssue(accept, 'error', IssueCodes.TypeMismatch, `${quoteName(feature.name)} is numeric: bound it with \`in [lo, hi]\`, not labels`, at);
            } else if (!byLabels && feature.categorical) {
                reportIssue(accept, 'error', IssueCodes.TypeMismatch,
                    `${quoteName(feature.name)} is one of { ${feature.labels.map((l) => l.name).join(', ')} }: bound it with the labels it may take, e.g. \`bound ${feature.name} in { ${feature.labels.slice(0, 2).map((l) => l.name).join(', ')} }\``,
                    at);
            } else if (byLabels && index > 0 && first?.categorical) {
                const labels = new Set(feature.labels.map((l) => l.name));
                const missing = bound.labels.map((l) => l.$refText).filter((l) => !labels.has(l));
                if (missing.length > 0) {
                    reportIssue(accept, 'error', IssueCodes.UnknownLabel, `${quoteName(feature.name)} has no label ${missing.map(quoteName).join(', ')}`, at);
                }
            } else if (!byLabels && feature.integer && bound.range && Number.isFinite(bound.range.lo) && Number.isFinite(bound.range.hi)
                && (!Number.isInteger(bound.range.lo) || !Number.isInteger(bound.range.hi))) {
                const whole = { lo: Math.ceil(bound.range.lo), hi: Math.floor(bound.range.hi) };
                reportIssue(accept, 'error', IssueCodes.NotInteger,
                    `${quoteName(feature.name)} is an integer: the ends of its bound must be whole, not [${bound.range.lo}, ${bound.range.hi}]`,
                    { node: bound.range }, whole.lo <= whole.hi ? { whole } : {});
            }
        });
    }

    /**
     * Each `require`: linear; over numeric features only, none of them soft-bounded; and when
     * every feature it names is fixed, true.
     */
    checkRelations(block: RunBlock, accept: ValidationAcceptor): void {
        const fixed = fixedValues(block);
        const soft = new Set(runBounds(block).filter((b) => b.constraint !== undefined).flatMap((b) => b.features.map((f) => f.$refText)));
        for (const field of runRequires(block)) {
            const form = relationForm(field);
            if (!form.linear) {
                reportIssue(accept, 'error', IssueCodes.RelationNonlinear, `\`require\` takes linear relations (numbers times features, plus numbers): ${form.why}`, { node: form.node });
                continue;
            }
            let typed = true;
            for (const ref of AstUtils.streamAst(field).filter(isFeatureRef)) {
                const feature = ref.feature.ref;
                if (!feature) {
                    typed = false;
                    continue;
                }
                if (feature.categorical) {
                    typed = false;
                    reportIssue(accept, 'error', IssueCodes.RelationCategorical,
                        `${quoteName(feature.name)} is categorical: a relation is between numeric features (fix or bound its labels instead)`, { node: ref });
                } else if (soft.has(feature.name)) {
                    typed = false;
                    reportIssue(accept, 'error', IssueCodes.RelationSoftBound,
                        `${quoteName(feature.name)} has a soft bound (\`using\`): a relation holds exactly, so its features need hard bounds (\`bound … in [lo, hi]\` without \`using\`)`, { node: ref });
                }
            }
            if (!typed) continue;
            const free = [...form.form.terms].filter(([name, c]) => c !== 0 && !fixed.has(name));
            if (free.length === 0) {
                const { lhs, size } = evaluate(form.form, fixed);
                const holds = field.op === '<=' ? lhs <= form.form.constant + FALSE_TOLERANCE * size
                    : field.op === '>=' ? lhs >= form.form.constant - FALSE_TOLERANCE * size
                    : Math.abs(lhs - form.form.constant) <= FALSE_TOLERANCE * size;
                if (!holds) {
                    reportIssue(accept, 'error', IssueCodes.RelationFalse,
                        `this relation names fixed features only and is false for their values (${formatNumber(lhs)} ${field.op} ${formatNumber(form.form.constant)} does not hold); change a fixed value or remove it`,
                        { node: field, range: relationRange(field) });
                }
            }
        }
    }

    /** ('slow') The relations have a point inside the bounds: an LP over the free numeric features, integers whole. */
    async checkRelationsFeasible(block: RunBlock, accept: ValidationAcceptor): Promise<void> {
        const oracle = runOracle(block);
        const fields = runRequires(block);
        if (!oracle || fields.length === 0) return;
        const forms: Array<{ field: RequireField; form: LinearForm }> = [];
        for (const field of fields) {
            const form = relationForm(field);
            // Other errors first: an LP over a relation that is not linear or not numeric says nothing.
            if (!form.linear) return;
            for (const name of form.form.terms.keys()) {
                const feature = oracleInputs(oracle).find((f) => f.name === name);
                if (!feature || feature.categorical) return;
            }
            forms.push({ field, form: form.form });
        }
        const facts = await readOracleFacts(oracle, this.files);
        const fixed = fixedValues(block);
        const bounds = new Map<string, { lo: number; hi: number } | null>();
        for (const b of runBounds(block)) for (const f of b.features) if (b.range) bounds.set(f.$refText, { lo: b.range.lo, hi: b.range.hi });
        const variables = [...new Set(forms.flatMap(({ form }) => [...form.terms.keys()]))].filter((name) => !fixed.has(name));
        if (variables.length === 0) return; // checkRelations judged these
        const declared = new Map(oracleInputs(oracle).map((f) => [f.name, f]));
        const program = (subset: typeof forms): LinearProgram => ({
            variables: variables.map((name) => {
                const box = bounds.get(name) ?? facts.domain(name);
                return { lo: box ? box.lo : null, hi: box ? box.hi : null, integer: declared.get(name)?.integer ?? false };
            }),
            constraints: subset.map(({ field, form }) => {
                let rhs = form.constant;
                for (const [name, c] of form.terms) if (fixed.has(name)) rhs -= c * fixed.get(name)!;
                return { coefficients: variables.map((name) => form.terms.get(name) ?? 0), op: field.op, rhs };
            }),
        });
        const all = await solveLinearProgram(program(forms));
        if (all.status !== 'infeasible') return;
        // Name the relations that cannot hold on their own; else the last, which cannot hold with those before it.
        const alone: RequireField[] = [];
        for (const f of forms) if ((await solveLinearProgram(program([f]))).status === 'infeasible') alone.push(f.field);
        const where = variables.map((name) => {
            const box = bounds.get(name) ?? facts.domain(name);
            return `${name} in ${box ? `[${box.lo}, ${box.hi}]` : '(-inf, inf)'}${declared.get(name)?.integer ? ' whole' : ''}`;
        }).join(', ');
        if (alone.length > 0) {
            for (const field of alone) {
                reportIssue(accept, 'error', IssueCodes.RelationInfeasible,
                    `no point inside the bounds satisfies this relation (${where}); widen a bound or change the relation`, { node: field, range: relationRange(field) });
            }
        } else {
            const last = forms[forms.length - 1].field;
            reportIssue(accept, 'error', IssueCodes.RelationInfeasible,
                `the \`require\` relations cannot all hold together inside the bounds (${where}); widen a bound or change a relation`, { node: last, range: relationRange(last) });
        }
    }
}

/** The fixed numeric features' values. */
function fixedValues(block: RunBlock): Map<string, number> {
    const out = new Map<string, number>();
    for (const item of runFixItems(block)) {
        const name = item.feature?.ref?.name;
        if (name !== undefined && typeof item.value === 'number' && Number.isFinite(item.value)) out.set(name, item.value);
    }
    return out;
}

function evaluate(form: LinearForm, fixed: Map<string, number>): { lhs: number; size: number } {
    let lhs = 0;
    let size = Math.max(1, Math.abs(form.constant));
    for (const [name, c] of form.terms) {
        const term = c * (fixed.get(name) ?? NaN);
        lhs += term;
        size += Math.abs(term);
    }
    return { lhs, size };
}

/** The relation from `require` to its end. */
function relationRange(field: RequireField) {
    const keyword = GrammarUtils.findNodeForKeyword(field.$cstNode, 'require');
    const range = field.$cstNode!.range;
    return keyword ? { start: keyword.range.start, end: range.end } : range;
}

function formatNumber(v: number): string {
    return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}
