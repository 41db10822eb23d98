/**
 * Typed inputs and relations (LANGUAGE.md, "Typed inputs and relations"): every new
 * diagnostic with its code, severity and exact range (the «marked» text), the LP
 * feasibility check, and the translation to the engine's RunSpec.
 */
import { describe, expect, test } from 'vitest';
import { IssueCodes } from '../../src/language/issue-codes.js';
import { toRunSpec } from '../../src/language/to-spec.js';
import { solveLinearProgram } from '../../src/engine/contract/linear-program.js';
import { codes, expectIssue, validate } from './inv-test-services.js';

/** The fixture model takes material (3 one-hot columns), n, a, b, c: 7 columns. */
const MIX = `oracle Mix {
  model "models/mix/model.json"
  inputs material of { wood, glass, steel }, n integer in [0, 10], a in [0, 100], b in [0, 100], c in [0, 100]
  outputs y
}
`;
const run = (body: string) => `${MIX}inversion I {\n  oracle Mix\n  target y = 10\n  ${body}\n}\n`;

describe('typed inputs', () => {
    test('a valid typed file has no issues, and its model counts one column per label', async () => {
        const document = await validate(run('fix material = steel\n  bound n in [1, 5]\n  require a + b + c = 100\n  require 2 * a - b <= 10'));
        expect(codes(document)).toEqual([]);
    });
    test('input-count counts a categorical input as its labels', async () => {
        const d = await expectIssue(`oracle Mix {
  model "models/mix/model.json"
  «inputs» material of { wood, glass }, n integer in [0, 10], a in [0, 100], b in [0, 100], c in [0, 100]
  outputs y
}`, IssueCodes.InputCount, 'error');
        expect(d.message).toContain('the model takes 7 inputs but 6 are declared');
        expect(d.message).toContain('one column per label');
    });
    test('not-integer: an integer\'s declared ends', async () => {
        const d = await expectIssue(`oracle M { model "models/mix/model.json" inputs n integer in «[0.5, 10]» outputs y }`, IssueCodes.NotInteger, 'error');
        expect(d.data).toMatchObject({ whole: { lo: 1, hi: 10 } });
    });
    test('not-integer: an integer fixed to a fraction, or bounded by fractions', async () => {
        await expectIssue(run('fix n = «2.5»'), IssueCodes.NotInteger, 'error');
        await expectIssue(run('bound n in «[1.5, 4]»'), IssueCodes.NotInteger, 'error');
    });
    test('duplicate-label', async () => {
        await expectIssue(`oracle M { model "models/mix/model.json" inputs m of { a, b, «a» } outputs y }`, IssueCodes.DuplicateLabel, 'error');
    });
    test('unknown-label, with did you mean, in fix and bound', async () => {
        const d = await expectIssue(run('fix material = «stel»'), IssueCodes.UnknownLabel, 'error');
        expect(d.message).toContain('is not a label of `material` (its labels: wood, glass, steel)');
        expect(d.data).toMatchObject({ suggestion: 'steel' });
        await expectIssue(run('bound material in { wood, «iron» }'), IssueCodes.UnknownLabel, 'error');
    });
    test('type-mismatch: a categorical feature fixed to a number or bounded by an interval; a numeric one fixed to a label', async () => {
        const d = await expectIssue(run('fix material = «2»'), IssueCodes.TypeMismatch, 'error');
        expect(d.message).toContain('fix it to a label, e.g. `fix material = wood`');
        await expectIssue(run('bound «material» in [0, 1]'), IssueCodes.TypeMismatch, 'error');
        const m = await expectIssue(run('fix a = «steel»'), IssueCodes.TypeMismatch, 'error');
        expect(m.message).toContain('`a` is numeric');
    });
});

describe('relations', () => {
    test('relation-nonlinear names the term', async () => {
        const d = await expectIssue(run('require «a * b» <= 10'), IssueCodes.RelationNonlinear, 'error');
        expect(d.message).toContain('a product of two features');
        await expectIssue(run('require a / «b» <= 10'), IssueCodes.RelationNonlinear, 'error');
        await expectIssue(run('require «a^2» <= 10'), IssueCodes.RelationNonlinear, 'error');
        await expectIssue(run('require «sqrt(a)» <= 10'), IssueCodes.RelationNonlinear, 'error');
    });
    test('numbers times features plus numbers are linear, however written', async () => {
        const document = await validate(run('require (a + b) * 2 - -c / 4 + 2^3 * a >= 0.5 * (100 - b)'));
        expect(codes(document)).toEqual([]);
    });
    test('relation-categorical', async () => {
        const d = await expectIssue(run('require a + «material» <= 10'), IssueCodes.RelationCategorical, 'error');
        expect(d.message).toContain('`material` is categorical');
    });
    test('relation-soft-bound', async () => {
        await expectIssue(`${MIX}constraint k { when x > 1: x }\ninversion I { oracle Mix target y = 1 bound a in [0, 10] using k require «a» + b <= 10 }`,
            IssueCodes.RelationSoftBound, 'error');
    });
    test('relation-false: on fixed features only, false for their values', async () => {
        const d = await expectIssue(run('fix a = 10, b = 20\n  «require a + b >= 50»'), IssueCodes.RelationFalse, 'error');
        expect(d.message).toContain('30 >= 50 does not hold');
        expect(codes(await validate(run('fix a = 10, b = 20\n  require a + b <= 50')))).toEqual([]);
    });
    test('relation-infeasible: alone, or only together with another; integers whole (a MIP)', async () => {
        const d = await expectIssue(run('«require a + b >= 300»'), IssueCodes.RelationInfeasible, 'error');
        expect(d.message).toContain('a in [0, 100], b in [0, 100]');
        await expectIssue(run('require a + b >= 150\n  «require a - b >= 60»'), IssueCodes.RelationInfeasible, 'error');
        // Bounds come from `bound` first, then the domain; a fixed feature is its value.
        await expectIssue(run('bound a in [0, 10]\n  fix b = 5\n  «require a + b >= 20»'), IssueCodes.RelationInfeasible, 'error');
        // 2n = 7 has a real solution but no whole one.
        await expectIssue(run('«require 2 * n = 7»'), IssueCodes.RelationInfeasible, 'error');
        expect(codes(await validate(run('require 2 * n = 8')))).toEqual([]);
    });
    test('require may repeat, in inversions and syntheses', async () => {
        const document = await validate(`${MIX}synthesize S { oracle Mix target y in [1, 2] output "out/s.csv" count 10 require a + b <= 100 require a >= b }`);
        expect(codes(document)).toEqual([]);
    });
});

describe('the LP solver', () => {
    test('solves, says infeasible and unbounded', async () => {
        const lp = { variables: [{ lo: 0, hi: 10 }, { lo: 0, hi: 10 }], constraints: [{ coefficients: [1, 1], op: '<=' as const, rhs: 12 }] };
        const best = await solveLinearProgram({ ...lp, objective: { sense: 'maximize', coefficients: [2, 1] } });
        expect(best).toMatchObject({ status: 'optimal', x: [10, 2], objective: 22 });
        expect((await solveLinearProgram({ ...lp, constraints: [{ coefficients: [1, 1], op: '>=', rhs: 30 }] })).status).toBe('infeasible');
        const open = await solveLinearProgram({ variables: [{ lo: 0, hi: null }], constraints: [{ coefficients: [1], op: '>=', rhs: 1 }], objective: { sense: 'maximize', coefficients: [1] } });
        expect(open.status).toBe('unbounded');
    });
});

describe('translation to the RunSpec', () => {
    test('types, labels, allowed labels and relations', async () => {
        const document = await validate(`${MIX}inversion I {
  oracle Mix
  target y = 10
  bound material in { glass, steel }
  require a + b + c = 100
  require b - 2 * a >= 0
}
inversion J {
  oracle Mix
  target y = 10
  fix material = steel, n = 3
  require 2 * (a + 1) <= b
}`);
        const spec = toRunSpec(document, 'I');
        expect(spec.oracle.inputs.map((i) => i.type)).toEqual([{ kind: 'categorical', labels: ['wood', 'glass', 'steel'] }, { kind: 'integer' }, undefined, undefined, undefined]);
        expect(spec.features[0]).toMatchObject({ role: 'free', name: 'material', allowed: ['glass', 'steel'], type: { kind: 'categorical' } });
        expect(spec.features[1]).toMatchObject({ role: 'free', name: 'n', type: { kind: 'integer' }, transform: { kind: 'box', box: { lo: 0, hi: 10 } } });
        expect(spec.relations).toEqual([
            { text: 'a + b + c = 100', terms: [{ feature: 'a', coefficient: 1 }, { feature: 'b', coefficient: 1 }, { feature: 'c', coefficient: 1 }], op: '=', constant: 100 },
            { text: 'b - 2 * a >= 0', terms: [{ feature: 'b', coefficient: 1 }, { feature: 'a', coefficient: -2 }], op: '>=', constant: 0 },
        ]);
        const j = toRunSpec(document, 'J');
        expect(j.features[0]).toEqual({ role: 'fixed', name: 'material', value: 2, label: 'steel', domain: null, type: { kind: 'categorical', labels: ['wood', 'glass', 'steel'] } });
        expect(j.features[1]).toMatchObject({ role: 'fixed', name: 'n', value: 3 });
        // 2 * (a + 1) <= b  ->  2a - b <= -2
        expect(j.relations).toEqual([{ text: '2 * (a + 1) <= b', terms: [{ feature: 'a', coefficient: 2 }, { feature: 'b', coefficient: -1 }], op: '<=', constant: -2 }]);
    });
});
