/**
 * One test per diagnostic code: the code, the severity and the exact range (the «marked»
 * token). Documents live in test/language/fixtures/, whose models and CSVs the file checks read.
 */
import { describe, expect, test } from 'vitest';
import { IssueCodes } from '../../src/language/issue-codes.js';
import { expectIssue, POLY } from './inv-test-services.js';

const PLAIN = `oracle Plain {
  model "models/plain/model.json"
  inputs a, b
  outputs y
}
`;

const deepParens = '('.repeat(64) + '«(»' + 'x' + ')'.repeat(65);

describe('errors', () => {
    test('syntax', async () => {
        const d = await expectIssue(`oracle P { model «}»`, IssueCodes.Syntax, 'error');
        expect(d.message).toMatch(/expected a "quoted path" but found `}`/);
    });
    test('too-deep', async () => {
        const d = await expectIssue(`constraint c { when x > 0: ${deepParens} }`, IssueCodes.TooDeep, 'error');
        expect(d.message).toMatch(/deeper than 64 levels/);
    });
    test('unknown-oracle, with did you mean', async () => {
        const d = await expectIssue(`${POLY}inversion I { oracle «Poli» target y = 1 }`, IssueCodes.UnknownOracle, 'error');
        expect(d.message).toContain('did you mean `Poly`?');
        expect(d.data).toMatchObject({ suggestion: 'Poly' });
    });
    test('unknown-feature, with did you mean', async () => {
        const d = await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 fix «x5» = 1 }`, IssueCodes.UnknownFeature, 'error');
        expect(d.message).toContain('oracle Poly has no input `x5`');
        expect(d.data).toMatchObject({ suggestion: 'x1' });
    });
    test('unknown-feature names an output used as an input', async () => {
        const d = await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 bound «y» in [0, 1] }`, IssueCodes.UnknownFeature, 'error');
        expect(d.message).toContain('is one of its outputs');
    });
    test('unknown-output', async () => {
        const d = await expectIssue(`${POLY}inversion I { oracle Poly target «z» = 1 }`, IssueCodes.UnknownOutput, 'error');
        expect(d.message).toContain('has no output `z`');
    });
    test('unknown-constraint', async () => {
        const d = await expectIssue(
            `${POLY}constraint paper { when x >= 10: x / 10 }\ninversion I { oracle Poly target y = 1 bound x1 in [0, 1] using «papr» }`,
            IssueCodes.UnknownConstraint, 'error');
        expect(d.message).toContain('did you mean `paper`?');
    });
    test('unknown-function', async () => {
        const d = await expectIssue(`constraint c { when x > 0: «sqr»(x) }`, IssueCodes.UnknownFunction, 'error');
        expect(d.message).toContain('did you mean `sqrt`?');
    });
    test('wrong-arity', async () => {
        const d = await expectIssue(`constraint c { when x > 0: «min(x)» }`, IssueCodes.WrongArity, 'error');
        expect(d.message).toBe('min takes 2 arguments, not 1');
    });
    test('duplicate-name (blocks)', async () => {
        await expectIssue(`${POLY}oracle «Poly» { model "models/plain/model.json" inputs a, b outputs y }`, IssueCodes.DuplicateName, 'error');
    });
    test('duplicate-name (columns)', async () => {
        await expectIssue(`oracle P { model "models/poly/model.json" inputs x1, x2, x3, x4 outputs «x2» }`, IssueCodes.DuplicateName, 'error');
    });
    test('duplicate-field', async () => {
        const d = await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 steps 10 «steps» 20 }`, IssueCodes.DuplicateField, 'error');
        expect(d.message).toContain('`steps` is already given on line');
    });
    test('missing-field', async () => {
        const d = await expectIssue(`oracle «P» { inputs a outputs b }`, IssueCodes.MissingField, 'error');
        expect(d.message).toContain('`model');
    });
    test('model-missing', async () => {
        const d = await expectIssue(`oracle P { model «"models/none/model.json"» inputs a outputs b }`, IssueCodes.ModelMissing, 'error');
        expect(d.message).toContain('model file not found');
    });
    test('model-unreadable: not JSON, with the line', async () => {
        const d = await expectIssue(`oracle P { model «"models/broken/model.json"» inputs a outputs b }`, IssueCodes.ModelUnreadable, 'error');
        expect(d.message).toMatch(/not valid JSON at line \d/);
    });
    test('model-unreadable: no topology', async () => {
        const d = await expectIssue(`oracle P { model «"models/notopology/model.json"» inputs a outputs b }`, IssueCodes.ModelUnreadable, 'error');
        expect(d.message).toContain('no modelTopology');
    });
    test('input-count', async () => {
        const d = await expectIssue(`oracle P { model "models/poly/model.json" «inputs» x1, x2, x3 outputs y }`, IssueCodes.InputCount, 'error');
        expect(d.message).toBe('the model takes 4 inputs but 3 are declared');
    });
    test('output-count', async () => {
        const d = await expectIssue(`oracle P { model "models/functional/model.json" inputs a, b, c «outputs» y }`, IssueCodes.OutputCount, 'error');
        expect(d.message).toBe('the model has 2 outputs but 1 is declared');
    });
    test('bad-bound', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 bound x1 in «[5, 1]» }`, IssueCodes.BadBound, 'error');
    });
    test('bad-bound on a declared domain', async () => {
        await expectIssue(`oracle P { model "models/plain/model.json" inputs a in «[1, 1]», b outputs y }`, IssueCodes.BadBound, 'error');
    });
    test('non-finite', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 steps «1e999» }`, IssueCodes.NonFinite, 'error');
    });
    test('non-finite bound', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 bound x1 in [«-1e400», 1] }`, IssueCodes.NonFinite, 'error');
    });
    test('fix-outside-domain (recorded domain)', async () => {
        const d = await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 fix x4 = «600» }`, IssueCodes.FixOutsideDomain, 'error');
        expect(d.message).toContain('[0, 500] (recorded in the model)');
    });
    test('fix-outside-domain (declared domain)', async () => {
        const d = await expectIssue(`${PLAIN.replace('inputs a, b', 'inputs a in [0, 1], b')}inversion I { oracle Plain target y = 1 fix a = «-0.5» }`,
            IssueCodes.FixOutsideDomain, 'error');
        expect(d.message).toContain('declared in the oracle');
    });
    test('fixed-and-bounded', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 fix x1 = 1 bound «x1», x2 in [0, 1] }`, IssueCodes.FixedAndBounded, 'error');
    });
    test('feature-twice', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 fix x1 = 1 fix «x1» = 2 }`, IssueCodes.FeatureTwice, 'error');
    });
    test('all-fixed', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 fix x1 = 1, x2 = 2 «fix» x3 = 3, x4 = 4 }`, IssueCodes.AllFixed, 'error');
    });
    test('target-twice', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 target «y» >= 2 }`, IssueCodes.TargetTwice, 'error');
    });
    test('no-target', async () => {
        await expectIssue(`${POLY}inversion «I» { oracle Poly }`, IssueCodes.NoTarget, 'error');
    });
    test('no-target in a synthesis', async () => {
        await expectIssue(`${POLY}synthesize «S» { oracle Poly count 10 output "out.csv" }`, IssueCodes.NoTarget, 'error');
    });
    test('synthesis-reference: a kind a synthesis cannot use', async () => {
        await expectIssue(`${POLY}synthesize S { oracle Poly target y «=» 3 count 10 output "out.csv" }`, IssueCodes.SynthesisReference, 'error');
    });
    test('synthesis-reference: two references', async () => {
        await expectIssue(`${POLY}synthesize S { oracle Poly like "data/poly.csv" column y «target» y in [0, 1] count 10 output "out.csv" }`,
            IssueCodes.SynthesisReference, 'error');
    });
    test('not-positive', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 steps «-5» }`, IssueCodes.NotPositive, 'error');
    });
    test('not-positive tolerance on a target', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 tolerance «0» }`, IssueCodes.NotPositive, 'error');
    });
    test('not-positive layer width', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 method generator { layers 8, «0» } }`, IssueCodes.NotPositive, 'error');
    });
    test('not-integer', async () => {
        const d = await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 solutions «2.5» }`, IssueCodes.NotInteger, 'error');
        expect(d.message).toBe('`solutions` must be a whole number, not 2.5');
    });
    test('not-integer latent', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 method generator { latent «1.5» } }`, IssueCodes.NotInteger, 'error');
    });
    test('out-of-range', async () => {
        await expectIssue(`oracle P { model "models/poly/model.json" data "data/poly.csv" inputs x1, x2, x3, x4 outputs y validation «1.5» }`,
            IssueCodes.OutOfRange, 'error');
    });
    test('stop-needs-using', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 bound x1 in [0, 1] «stop outside bounds» }`, IssueCodes.StopNeedsUsing, 'error');
    });
    test('constraint-variable', async () => {
        const d = await expectIssue(`constraint c { when x > 0: «y» * 2 }`, IssueCodes.ConstraintVariable, 'error');
        expect(d.data).toMatchObject({ suggestion: 'x' });
    });
    test('data-missing', async () => {
        await expectIssue(`oracle P { model "models/none/model.json" data «"data/nope.csv"» inputs a outputs b }`, IssueCodes.DataMissing, 'error');
    });
    test('data-column, with did you mean', async () => {
        const d = await expectIssue(`oracle P { model "models/poly/model.json" data "data/poly.csv" inputs x1, x2, x3, «x5» outputs y }`,
            IssueCodes.DataColumn, 'error');
        expect(d.message).toContain('has no column `x5` (did you mean `x1`?)');
    });
    test('data-column of a test file', async () => {
        const d = await expectIssue(`oracle P { model "models/poly/model.json" data "data/poly.csv" test "data/poly-test.csv" inputs x1, x2, x3, «x4» outputs y }`,
            IssueCodes.DataColumn, 'error');
        expect(d.message).toContain('the test file data/poly-test.csv has no column `x4`');
    });
    test('class-labels: an output that is no label', async () => {
        const d = await expectIssue(
            'oracle P { model "models/none/model.json" data "data/penguins.csv" inputs `Beak Length (mm)`, mass outputs Adelie, Chinstrap, Gentoo, «Emperor» classify species }',
            IssueCodes.ClassLabels, 'error');
        expect(d.message).toContain('`Emperor` is not a label in column `species`');
    });
    test('class-labels: a label missing from outputs', async () => {
        const d = await expectIssue(
            'oracle P { model "models/none/model.json" data "data/penguins.csv" inputs `Beak Length (mm)`, mass «outputs» Adelie, Chinstrap classify species }',
            IssueCodes.ClassLabels, 'error');
        expect(d.message).toContain('also holds the label `Gentoo`');
    });
});

describe('warnings', () => {
    test('not-trained (a model path that does not exist yet, with data)', async () => {
        await expectIssue(`oracle P { model «"models/new/model.json"» data "data/poly.csv" inputs x1, x2, x3, x4 outputs y }`, IssueCodes.NotTrained, 'warning');
    });
    test('training-without-data', async () => {
        await expectIssue(`${PLAIN.replace('outputs y', 'outputs y\n  «epochs» 10')}`, IssueCodes.TrainingWithoutData, 'warning');
    });
    test('extrapolation', async () => {
        const d = await expectIssue(`${POLY}inversion I { oracle Poly target y = «5000» }`, IssueCodes.Extrapolation, 'warning');
        expect(d.message).toContain('[0, 2000]');
    });
    test('extrapolation of a range target', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y in «[3000, 4000]» }`, IssueCodes.Extrapolation, 'warning');
    });
    test('objective-unbounded', async () => {
        await expectIssue(`${PLAIN}inversion I { oracle Plain «maximize» y }`, IssueCodes.ObjectiveUnbounded, 'warning');
    });
    test('objective-unbounded, written `target minimize`', async () => {
        await expectIssue(`${PLAIN}inversion I { oracle Plain target «minimize» y bound a in [0, 1] }`, IssueCodes.ObjectiveUnbounded, 'warning');
    });
    test('unbounded-feature', async () => {
        const d = await expectIssue(`${PLAIN}inversion I { oracle «Plain» target y = 1 bound a in [0, 1] }`, IssueCodes.UnboundedFeature, 'warning');
        expect(d.message).toContain('`b` is free');
    });
    test('bound-outside-domain', async () => {
        await expectIssue(`${POLY}inversion I { oracle Poly target y = 1 bound x1 in «[0, 600]» }`, IssueCodes.BoundOutsideDomain, 'warning');
    });
    test('unreachable-piece', async () => {
        await expectIssue(`constraint c { when x >= 10: x / 10 «when» x > 20: x when x < 0: 0 }`, IssueCodes.UnreachablePiece, 'warning');
    });
    test('unreachable-piece: an else after pieces that cover every x', async () => {
        await expectIssue(`constraint c { when x >= 0: x when x < 0: -x «else» 0 }`, IssueCodes.UnreachablePiece, 'warning');
    });
    test('tolerance-placement', async () => {
        await expectIssue(`oracle M { model "models/functional/model.json" inputs a, b, c outputs p, q }
inversion I {
  oracle M
  target p = 1
  «tolerance» 0.5
  target q = 2
}`, IssueCodes.TolerancePlacement, 'warning');
    });
});

describe('a synthesis\'s reference file', () => {
    test('data-missing', async () => {
        await expectIssue(`${POLY}synthesize S { oracle Poly like «"data/none.csv"» column y count 1 output "o.csv" }`, IssueCodes.DataMissing, 'error');
    });
    test('data-column', async () => {
        const d = await expectIssue(`oracle M { model "models/functional/model.json" inputs a, b, c outputs p, q }
synthesize S { oracle M like "data/poly.csv" column «p» count 1 output "o.csv" }`, IssueCodes.DataColumn, 'error');
        expect(d.message).toContain('the reference file data/poly.csv has no column `p`');
    });
});
