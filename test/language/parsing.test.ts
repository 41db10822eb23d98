/**
 * The grammar: every construct of LANGUAGE.md parses into the AST the rest of the code reads;
 * numbers in every form; expression precedence; names in backticks; comments.
 */
import { describe, expect, test } from 'vitest';
import {
    isBinaryExpr, isCallExpr, isNegExpr, isNumberLit, isVarRef,
    type Constraint, type Expression, type Inversion, type Oracle, type Synthesis,
} from '../../src/language/generated/ast.js';
import {
    generatorActivation, generatorLayers, numberValue, oracleActivation, oracleClassify, oracleData, oracleInputs,
    oracleLayers, oracleModel, oracleOutputs, oracleSkipMissing, oracleTest, runBackend, runBounds, runFixItems,
    runGenerator, runMethodKind, runOracle, runStopOutsideBounds, runTargets, synthesisLike, synthesisOutput,
} from '../../src/language/ast-fields.js';
import { codes, validate } from './inv-test-services.js';

const PAPER = `
oracle Poly4 {
  model "models/poly/model.json"
  data "data/poly.csv"          // optional: lets \`train\` (re)build the model
  inputs x1 in [0, 500], x2 in [0, 500], x3 in [0, 500], x4 in [0, 500]
  outputs y
  layers 64, 64
  activation relu
  epochs 200
}

constraint paper {
  when x >= 10: x / 10
  when x <= 1: x * 50
}

inversion Exp3 {
  oracle Poly4
  target y = 1900
  fix x4 = 100
  bound x1, x2, x3 in [0, 100] using paper
  stop outside bounds
  method generator { latent 8 layers 64, 64 }
  solutions 256
  steps 3000
  seed 7
}
`;

/** The syntax errors of a text (none expected in valid input). */
async function syntaxErrors(text: string): Promise<string[]> {
    const document = await validate(text);
    return (document.diagnostics ?? []).filter((d) => d.code === 'syntax').map((d) => String(d.message));
}

/** A constraint body, parsed, as a compact string: (a op b), -(a), f(a, b), x, 1. */
async function parseExpression(source: string): Promise<string> {
    const document = await validate(`constraint c { when x > 0: ${source} }`);
    expect(codes(document).filter((c) => c === 'syntax')).toEqual([]);
    const constraint = document.parseResult.value.elements[0] as Constraint;
    return show(constraint.pieces[0].value);
}

function show(e: Expression): string {
    if (isNumberLit(e)) return String(e.value);
    if (isVarRef(e)) return e.name;
    if (isNegExpr(e)) return `-(${show(e.operand)})`;
    if (isBinaryExpr(e)) return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    if (isCallExpr(e)) return `${e.fn}(${e.args.map(show).join(', ')})`;
    return '?';
}

describe('the paper example (LANGUAGE.md, "A whole file")', () => {
    test('parses, links and validates with no error', async () => {
        const document = await validate(PAPER);
        const errors = (document.diagnostics ?? []).filter((d) => d.severity === 1);
        expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    });

    test('reads into the AST through the accessors', async () => {
        const document = await validate(PAPER);
        const [oracle, constraint, inversion] = document.parseResult.value.elements as [Oracle, Constraint, Inversion];
        expect(oracleModel(oracle)).toBe('models/poly/model.json');
        expect(oracleData(oracle)).toBe('data/poly.csv');
        expect(oracleInputs(oracle).map((f) => [f.name, f.domain?.lo, f.domain?.hi])).toEqual([
            ['x1', 0, 500], ['x2', 0, 500], ['x3', 0, 500], ['x4', 0, 500]]);
        expect(oracleOutputs(oracle).map((o) => o.name)).toEqual(['y']);
        expect(oracleLayers(oracle)).toEqual([64, 64]);
        expect(oracleActivation(oracle)).toBe('relu');
        expect(numberValue(oracle, 'epochs')).toBe(200);
        expect(constraint.pieces).toHaveLength(2);
        expect(constraint.otherwise).toBeUndefined();
        expect(runOracle(inversion)?.name).toBe('Poly4');
        expect(runTargets(inversion).map((t) => [t.output.ref?.name, t.kind, t.value])).toEqual([['y', '=', 1900]]);
        expect(runFixItems(inversion).map((i) => [i.feature.ref?.name, i.value])).toEqual([['x4', 100]]);
        const [bound] = runBounds(inversion);
        expect(bound.features.map((f) => f.ref?.name)).toEqual(['x1', 'x2', 'x3']);
        expect([bound.range!.lo, bound.range!.hi, bound.constraint?.ref?.name]).toEqual([0, 100, 'paper']);
        expect(runStopOutsideBounds(inversion)).toBe(true);
        expect(runMethodKind(inversion)).toBe('generator');
        const generator = runGenerator(inversion)!;
        expect(numberValue(generator, 'latent')).toBe(8);
        expect(generatorLayers(generator)).toEqual([64, 64]);
        expect(numberValue(inversion, 'solutions')).toBe(256);
        expect(numberValue(inversion, 'steps')).toBe(3000);
        expect(numberValue(inversion, 'seed')).toBe(7);
    });
});

describe('every construct', () => {
    test('oracle training fields, classify, skip missing, test', async () => {
        const document = await validate(`oracle Penguins {
  classify species
  skip missing
  test "data/penguins.csv"
  data "data/penguins.csv"
  model "models/penguins/model.json"
  inputs \`Beak Length (mm)\` in [30, 60], mass
  outputs Adelie, Chinstrap, Gentoo
  layers 32
  activation tanh
  epochs 50 batch 64 learningRate 0.01 validation 0.2 seed 3
}`);
        expect(codes(document).filter((c) => c !== 'not-trained')).toEqual([]);
        const oracle = document.parseResult.value.elements[0] as Oracle;
        expect(oracleClassify(oracle)).toBe('species');
        expect(oracleSkipMissing(oracle)).toBe(true);
        expect(oracleTest(oracle)).toBe('data/penguins.csv');
        expect(oracleInputs(oracle)[0].name).toBe('Beak Length (mm)');
        expect(['batch', 'learningRate', 'validation', 'seed'].map((k) => numberValue(oracle, k as 'batch'))).toEqual([64, 0.01, 0.2, 3]);
    });

    test('every target form, per-target tolerance, block tolerance', async () => {
        const document = await validate(`oracle M { model "models/functional/model.json" inputs a in [0, 1], b in [0, 1], c in [0, 1] outputs p, q }
inversion I1 { oracle M target p = 3 tolerance 0.5 target q in [1, 2] }
inversion I2 { oracle M tolerance 0.1 target p >= 1 target q <= -2 }
inversion I3 { oracle M target maximize p }
inversion I4 { oracle M minimize q }`);
        expect(codes(document)).toEqual([]);
        const blocks = document.parseResult.value.elements.slice(1) as Inversion[];
        const summary = blocks.map((b) => runTargets(b).map((t) => [t.kind, t.output.ref?.name, t.value ?? t.range?.lo ?? null, t.tolerance ?? null]));
        expect(summary).toEqual([
            [['=', 'p', 3, 0.5], ['in', 'q', 1, null]],
            [['>=', 'p', 1, null], ['<=', 'q', -2, null]],
            [['maximize', 'p', null, null]],
            [['minimize', 'q', null, null]],
        ]);
        expect(numberValue(blocks[1], 'tolerance')).toBe(0.1);
    });

    test('method adjoint, bare generator, backend, diversity, learningRate', async () => {
        const document = await validate(`oracle M { model "models/functional/model.json" inputs a in [0, 1], b in [0, 1], c in [0, 1] outputs p, q }
inversion A { oracle M target p = 1 method adjoint backend wasm diversity 0 learningRate 0.01 }
inversion G { oracle M target p = 1 method generator backend tensorflow }
inversion H { oracle M target p = 1 method generator { activation tanh latent 4 } }`);
        expect(codes(document)).toEqual([]);
        const [, a, g, h] = document.parseResult.value.elements as Inversion[];
        expect([runMethodKind(a), runBackend(a), numberValue(a, 'diversity'), numberValue(a, 'learningRate')]).toEqual(['adjoint', 'wasm', 0, 0.01]);
        expect([runMethodKind(g), runBackend(g), runGenerator(g)?.fields]).toEqual(['generator', 'tensorflow', []]);
        expect(generatorActivation(runGenerator(h)!)).toBe('tanh');
    });

    test('synthesize with like and with a range', async () => {
        const document = await validate(`oracle M { model "models/functional/model.json" inputs a in [0, 1], b in [0, 1], c in [0, 1] outputs p, q }
synthesize S1 { oracle M like "data/plain.csv" column \`y\` count 100 output "out.csv" }
synthesize S2 { oracle M target q in [0, 1] count 10 output "out.csv" fix a = 0.5 steps 100 seed 2 }`);
        // S1's like column is not an output of M: the reference must name an output.
        expect(codes(document)).toEqual(['unknown-output']);
        const [, s1, s2] = document.parseResult.value.elements as Synthesis[];
        expect([synthesisLike(s1)?.path, synthesisOutput(s1), numberValue(s1, 'count')]).toEqual(['data/plain.csv', 'out.csv', 100]);
        expect(runTargets(s2).map((t) => [t.kind, t.range?.lo, t.range?.hi])).toEqual([['in', 0, 1]]);
    });

    test('constraint with else; fields in any order; both kinds of comment', async () => {
        const document = await validate(`/* a block
   comment */ constraint c {
  when 1 <= x and x < 5: x * 2 // a line comment
  when x >= 5: 10
  else -x
}`);
        expect(codes(document)).toEqual([]);
        const c = document.parseResult.value.elements[0] as Constraint;
        expect(c.pieces[0].condition.comparisons.map((k) => k.op)).toEqual(['<=', '<']);
        expect(show(c.otherwise!.value)).toBe('-(x)');
    });

    test('keywords as names in backticks', async () => {
        const document = await validate(`oracle \`oracle\` { model "models/plain/model.json" inputs \`data\` in [0, 1], \`in\` in [0, 1] outputs \`y\` }
inversion \`count\` { oracle \`oracle\` target y = 1 fix \`data\` = 0.5 bound \`in\` in [0, 1] }`);
        expect(codes(document)).toEqual([]);
        const inversion = document.parseResult.value.elements[1] as Inversion;
        expect(inversion.name).toBe('count');
        expect(runFixItems(inversion)[0].feature.ref?.name).toBe('data');
    });
});

describe('numbers', () => {
    test.each([
        ['12', 12], ['-3.5', -3.5], ['0.5', 0.5], ['.5', 0.5], ['1e-3', 0.001], ['4.9872e+02', 498.72], ['- 2', -2], ['7.', 7],
    ])('%s reads as %d', async (source, value) => {
        const document = await validate(`oracle M { model "models/plain/model.json" inputs a in [${source}, 1000], b outputs y }`);
        const oracle = document.parseResult.value.elements[0] as Oracle;
        expect(oracleInputs(oracle)[0].domain?.lo).toBe(value);
    });

    test('1e999 overflows: a validation error, not a syntax error', async () => {
        const document = await validate(`oracle M { model "models/plain/model.json" inputs a in [0, 1e999], b outputs y }`);
        expect(codes(document)).toEqual(['non-finite']);
    });

    test('a fraction or a negative where a whole number is needed is a validation error', async () => {
        const document = await validate(`oracle M { model "models/plain/model.json" data "data/plain.csv" inputs a, b outputs y epochs 2.5 batch -5 }`);
        expect(codes(document)).toEqual(['not-integer', 'not-positive']);
    });
});

describe('expressions', () => {
    test.each([
        ['x-1', '(x - 1)'],
        ['x - -1', '(x - -(1))'],
        ['-x^2', '-((x ^ 2))'],
        ['2^3^2', '(2 ^ (3 ^ 2))'],
        ['2^-x', '(2 ^ -(x))'],
        ['1 + 2 * x', '(1 + (2 * x))'],
        ['(1 + 2) * x', '((1 + 2) * x)'],
        ['x / 2 / 4', '((x / 2) / 4)'],
        ['-x * 3', '(-(x) * 3)'],
        ['max(x, 0) + exp(-x)', '(max(x, 0) + exp(-(x)))'],
        ['tanh(x) * sigmoid(x)', '(tanh(x) * sigmoid(x))'],
        ['sqrt(abs(log(x)))', 'sqrt(abs(log(x)))'],
    ])('%s is %s', async (source, tree) => {
        expect(await parseExpression(source)).toBe(tree);
    });

    test('a chained comparison is a syntax error', async () => {
        expect(await syntaxErrors('constraint c { when 1 <= x <= 5: x }')).not.toEqual([]);
    });

    test('the nesting limit: 64 levels parse, 65 do not', async () => {
        const ok = await validate(`constraint c { when x > 0: ${'('.repeat(64)}x${')'.repeat(64)} }`);
        expect(codes(ok)).toEqual([]);
        const deep = await validate(`constraint c { when x > 0: ${'('.repeat(65)}x${')'.repeat(65)} }`);
        expect(codes(deep)).toEqual(['too-deep']);
    });
});

describe('syntax errors say what was expected, in the language\'s words', () => {
    test.each([
        ['inversion I { oracel Poly }', '1:15 `oracel` is not a field here (did you mean `oracle`?); expected a field or `}`'],
        ['inversion I { oracle P method genrator }', '1:31 expected `generator` or `adjoint` but found `genrator` (did you mean `generator`?)'],
        ['oracle P { activation rellu }', '1:23 expected `relu`, `tanh`, `sigmoid`, `elu`, `selu` or `swish` but found `rellu` (did you mean `relu`?)'],
        ['inversion I { oracle P target y = }', '1:35 expected a number but found `}`'],
        ['constraint c { when x > 0 x }', '1:27 expected `:` but found `x`'],
        ['oracle P { model "m.json\n}', '1:18 this string is not closed: a "path" ends with " on the same line'],
        ['@@@ oracle P { }', '1:1 unexpected characters `@@@` (3)'],
        ['oracel P { }', '1:1 unexpected `oracel` (did you mean `oracle`?): a block starts with `oracle`, `constraint`, `inversion` or `synthesize`'],
    ])('%j', async (text, first) => {
        const document = await validate(text);
        const syntax = (document.diagnostics ?? []).filter((d) => d.code === 'syntax')
            .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.message)}`);
        expect(syntax[0]).toBe(first);
    });
});
