/**
 * `require LEFT op RIGHT` brought to its linear form (LANGUAGE.md, "Typed inputs and
 * relations"): sum(coefficient * feature) op constant, or the first sub-expression that is
 * not linear (a product of two features, a feature in a denominator or a power, a function
 * call). Numbers times features plus numbers: `2 * w`, `w / 2`, `-(a - b)`, `(a + b) * 3`,
 * `2^3 * w`. The validator reports what is not linear; the translation to the engine's
 * RunSpec reads the form.
 */
import type { AstNode } from 'langium';

import { isFeatureRef, isRelationBinary, isRelationCall, isRelationNeg, isRelationNumber, type RelationExpr, type RequireField } from './generated/ast.js';
import type { RelationSpec } from '../engine/contract/spec.js';

export interface LinearForm {
    /** Feature name -> coefficient (features in order of first appearance). */
    terms: Map<string, number>;
    constant: number;
    /** A reference per feature (its first), for ranges. */
    refs: Map<string, AstNode>;
}

export type LinearResult = { linear: true; form: LinearForm } | { linear: false; node: AstNode; why: string };

export function linearForm(e: RelationExpr): LinearResult {
    if (isRelationNumber(e)) return ok(new Map(), e.value, new Map());
    if (isFeatureRef(e)) {
        // An unresolved name is reported by linking; it still counts as a feature here.
        const name = e.feature.ref?.name ?? e.feature.$refText;
        return ok(new Map([[name, 1]]), 0, new Map([[name, e]]));
    }
    if (isRelationNeg(e)) {
        const inner = linearForm(e.operand);
        return inner.linear ? ok(scaled(inner.form.terms, -1), -inner.form.constant, inner.form.refs) : inner;
    }
    if (isRelationCall(e)) return { linear: false, node: e, why: `\`${e.fn}(…)\` is not linear` };
    if (isRelationBinary(e)) {
        const left = linearForm(e.left);
        if (!left.linear) return left;
        const right = linearForm(e.right);
        if (!right.linear) return right;
        const [a, b] = [left.form, right.form];
        const refs = new Map([...b.refs, ...a.refs]);
        switch (e.op) {
            case '+':
            case '-': {
                const sign = e.op === '+' ? 1 : -1;
                const terms = new Map(a.terms);
                for (const [f, c] of b.terms) terms.set(f, (terms.get(f) ?? 0) + sign * c);
                return ok(terms, a.constant + sign * b.constant, refs);
            }
            case '*':
                if (a.terms.size === 0) return ok(scaled(b.terms, a.constant), a.constant * b.constant, refs);
                if (b.terms.size === 0) return ok(scaled(a.terms, b.constant), a.constant * b.constant, refs);
                return { linear: false, node: e, why: 'a product of two features is not linear' };
            case '/':
                if (b.terms.size > 0) return { linear: false, node: e.right, why: 'dividing by a feature is not linear' };
                if (b.constant === 0) return { linear: false, node: e.right, why: 'division by zero' };
                return ok(scaled(a.terms, 1 / b.constant), a.constant / b.constant, refs);
            case '^':
                if (a.terms.size > 0 || b.terms.size > 0) return { linear: false, node: e, why: 'a power of a feature is not linear' };
                return ok(new Map(), a.constant ** b.constant, refs);
        }
    }
    return { linear: false, node: e, why: 'this term is not linear' };
}

/** The relation as LEFT - RIGHT op 0: terms on the left, the constant on the right. */
export function relationForm(field: RequireField): LinearResult {
    const left = linearForm(field.left);
    if (!left.linear) return left;
    const right = linearForm(field.right);
    if (!right.linear) return right;
    const terms = new Map(left.form.terms);
    for (const [f, c] of right.form.terms) terms.set(f, (terms.get(f) ?? 0) - c);
    return ok(terms, right.form.constant - left.form.constant, new Map([...right.form.refs, ...left.form.refs]));
}

/** The engine's RelationSpec of a linear relation (features with a 0 coefficient left out). */
export function relationSpec(field: RequireField, form: LinearForm): RelationSpec {
    const text = field.$cstNode?.text.replace(/^require\s+/, '').replace(/\s+/g, ' ') ?? 'require';
    return {
        text,
        terms: [...form.terms].filter(([, c]) => c !== 0).map(([feature, coefficient]) => ({ feature, coefficient })),
        op: field.op,
        constant: form.constant,
    };
}

function ok(terms: Map<string, number>, constant: number, refs: Map<string, AstNode>): LinearResult {
    return { linear: true, form: { terms, constant, refs } };
}

function scaled(terms: Map<string, number>, k: number): Map<string, number> {
    return new Map([...terms].map(([f, c]) => [f, c * k]));
}
