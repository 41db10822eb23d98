import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmptyFileSystem, URI, type LangiumDocument } from 'langium';
import { parseHelper } from 'langium/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIVERSITY } from '../../src/engine/contract/spec.js';
import type { InvModelMetadata } from '../../src/engine/contract/model-metadata.js';
import type { FeatureSpec, InversionSpec, SynthesisSpec } from '../../src/engine/contract/spec.js';
import type { InvFile } from '../../src/language/generated/ast.js';
import { createInvServices } from '../../src/language/inv-module.js';
import { runBlocks, SpecError, toOracleSpec, toRunSpec, type ToSpecOptions } from '../../src/language/to-spec.js';

let parse: (text: string, uri?: string) => Promise<LangiumDocument<InvFile>>;
let counter = 0;

beforeAll(() => {
    const services = createInvServices(EmptyFileSystem);
    const helper = parseHelper<InvFile>(services.Inv);
    // A distinct file URI per document: paths in the file are relative to it.
    parse = (text, uri) => helper(text, { documentUri: uri ?? `file:///work/ex/spec${counter++}.inv` });
});

const POLY4 = `
oracle Poly4 {
  model "models/poly4/model.json"
  data "data/poly4-train.csv"
  inputs x1 in [0, 500], x2 in [0, 500], x3 in [0, 500], x4 in [0, 500]
  outputs y
}
`;
/** No model on disk: nothing recorded. */
const noMetadata: ToSpecOptions = { readMetadata: () => null };

async function inversion(body: string, oracle = POLY4, opts = noMetadata): Promise<InversionSpec> {
    const doc = await parse(`${oracle}\ninversion Run {\n  oracle Poly4\n${body}\n}\n`);
    const spec = toRunSpec(doc, 'Run', opts);
    if (spec.kind !== 'inversion') throw new Error('expected an inversion');
    return spec;
}

function feature(spec: InversionSpec | SynthesisSpec, name: string): FeatureSpec {
    const f = spec.features.find((x) => x.name === name);
    if (!f) throw new Error(`no feature ${name}`);
    return f;
}

describe('toRunSpec: the paper', () => {
    it('translates experiment 3 with its constraint function', async () => {
        const text = `${POLY4}
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
}`;
        const doc = await parse(text, 'file:///work/ex/paper.inv');
        const spec = toRunSpec(doc, 'Exp3', noMetadata) as InversionSpec;
        expect(spec.kind).toBe('inversion');
        expect(spec.name).toBe('Exp3');
        expect(spec.source).toBe(URI.parse('file:///work/ex/paper.inv').fsPath);
        expect(spec.sourceHash).toBe(createHash('sha256').update(text).digest('hex'));
        expect(spec.oracle.modelPath).toBe('/work/ex/models/poly4/model.json');
        expect(spec.oracle.modelPathAsWritten).toBe('models/poly4/model.json');
        expect(spec.targets).toEqual([{ output: 'y', kind: 'equal', value: 1900, tolerance: 1.9 }]);
        expect(spec.features.map((f) => f.role)).toEqual(['free', 'free', 'free', 'fixed']);
        expect(feature(spec, 'x4')).toEqual({ role: 'fixed', name: 'x4', value: 100, domain: { lo: 0, hi: 500 } });
        expect(feature(spec, 'x2')).toEqual({
            role: 'free',
            name: 'x2',
            domain: { lo: 0, hi: 500 },
            transform: {
                kind: 'constraint',
                box: { lo: 0, hi: 100 },
                constraint: {
                    name: 'paper',
                    pieces: [
                        { when: [{ op: '>=', left: { kind: 'x' }, right: { kind: 'num', value: 10 } }], value: { kind: 'bin', op: '/', left: { kind: 'x' }, right: { kind: 'num', value: 10 } } },
                        { when: [{ op: '<=', left: { kind: 'x' }, right: { kind: 'num', value: 1 } }], value: { kind: 'bin', op: '*', left: { kind: 'x' }, right: { kind: 'num', value: 50 } } },
                    ],
                    otherwise: null,
                },
            },
        });
        expect(spec.stopOutsideBounds).toBe(true);
        expect(spec.seed).toBe(7);
        expect(spec.solutions).toBe(256);
    });

    it('lists the runs of a file in file order', async () => {
        const doc = await parse(`${POLY4}\ninversion B { oracle Poly4 target y = 1 }\ninversion A { oracle Poly4 target y = 2 }`);
        expect(runBlocks(doc.parseResult.value).map((b) => b.name)).toEqual(['B', 'A']);
    });
});

describe('toRunSpec: defaults', () => {
    it('fills every default of LANGUAGE.md', async () => {
        const spec = await inversion('target y = 5');
        expect(spec.solutions).toBe(256);
        expect(spec.steps).toBe(3000);
        expect(spec.learningRate).toBe(0.001);
        expect(spec.seed).toBe(0);
        expect(spec.backend).toBe('auto');
        expect(spec.diversity).toBe(DEFAULT_DIVERSITY);
        expect(spec.stopOutsideBounds).toBe(false);
        expect(spec.method).toEqual({ kind: 'generator', latent: 8, layers: [64, 64], activation: 'relu' });
    });

    it('takes what the block writes instead', async () => {
        const spec = await inversion(`target y = 5
  solutions 32 steps 100 learningRate 0.01 seed 3 diversity 0 backend wasm
  method generator { latent 4 layers 16 activation tanh }`);
        expect([spec.solutions, spec.steps, spec.learningRate, spec.seed, spec.diversity, spec.backend]).toEqual([32, 100, 0.01, 3, 0, 'wasm']);
        expect(spec.method).toEqual({ kind: 'generator', latent: 4, layers: [16], activation: 'tanh' });
    });

    it('keeps the generator defaults a partial block leaves out, and knows the adjoint method', async () => {
        expect((await inversion('target y = 5\n method generator { latent 3 }')).method).toEqual({ kind: 'generator', latent: 3, layers: [64, 64], activation: 'relu' });
        expect((await inversion('target y = 5\n method generator')).method).toEqual({ kind: 'generator', latent: 8, layers: [64, 64], activation: 'relu' });
        expect((await inversion('target y = 5\n method adjoint')).method).toEqual({ kind: 'adjoint' });
    });

    it("the editor's defaults replace the language's only where the block is silent", async () => {
        const defaults = { backend: 'cpu', solutions: 8, steps: 60 } as const;
        const unset = await inversion('target y = 5', POLY4, { ...noMetadata, defaults });
        expect([unset.backend, unset.solutions, unset.steps]).toEqual(['cpu', 8, 60]);
        const written = await inversion('target y = 5\n  solutions 32 steps 100 backend wasm', POLY4, { ...noMetadata, defaults });
        expect([written.backend, written.solutions, written.steps]).toEqual(['wasm', 32, 100]);
    });
});

describe('toRunSpec: targets and tolerances', () => {
    const TWO = `
oracle Two {
  model "m.json"
  inputs a in [0, 1], b in [0, 1]
  outputs p, q, r, s, u, v
}`;
    async function twoTargets(body: string) {
        const doc = await parse(`${TWO}\ninversion Run {\n oracle Two\n${body}\n}`);
        return (toRunSpec(doc, 'Run', noMetadata) as InversionSpec).targets;
    }

    it('translates each kind with its default tolerance', async () => {
        const targets = await twoTargets(`
  target p = -2500
  target q in [-3, 0.5]
  target r >= 0.2
  target s <= -4000
  target u = 0.5
  target maximize v`);
        expect(targets).toEqual([
            { output: 'p', kind: 'equal', value: -2500, tolerance: 2.5 },
            { output: 'q', kind: 'range', low: -3, high: 0.5, tolerance: 0.003 },
            { output: 'r', kind: 'atLeast', value: 0.2, tolerance: 0.001 },
            { output: 's', kind: 'atMost', value: -4000, tolerance: 4 },
            { output: 'u', kind: 'equal', value: 0.5, tolerance: 0.001 },
            { output: 'v', kind: 'maximize' },
        ]);
    });

    it('knows minimize, and objectives written without `target`', async () => {
        expect(await twoTargets('target minimize p')).toEqual([{ output: 'p', kind: 'minimize' }]);
        expect(await twoTargets('maximize q\n target p = 1')).toEqual([
            { output: 'q', kind: 'maximize' },
            { output: 'p', kind: 'equal', value: 1, tolerance: 0.001 },
        ]);
    });

    it('applies the block tolerance to every target; a per-target one wins', async () => {
        const targets = await twoTargets(`
  tolerance 0.25
  target p = 1900
  target q in [0, 10] tolerance 2
  target r >= 3`);
        expect(targets.map((t) => ('tolerance' in t ? t.tolerance : null))).toEqual([0.25, 2, 0.25]);
    });

    it("gives a classifier's probabilities 0.01", async () => {
        const doc = await parse(`
oracle Penguins {
  model "p/model.json"
  data "penguins.csv"
  classify species
  inputs bill, flipper
  outputs Adelie, Chinstrap, Gentoo
}
inversion Run { oracle Penguins target Chinstrap >= 0.9 }`);
        expect((toRunSpec(doc, 'Run', noMetadata) as InversionSpec).targets).toEqual([{ output: 'Chinstrap', kind: 'atLeast', value: 0.9, tolerance: 0.01 }]);
    });
});

describe('toRunSpec: free and fixed features', () => {
    const PARTLY = `
oracle P {
  model "models/p/model.json"
  inputs a in [0, 10], b, c, d
  outputs y
}
constraint half { when x > 0: x / 2 else -x }`;
    const recorded: InvModelMetadata = {
        inputs: [
            { name: 'a', min: 1, max: 9, mean: 5, std: 2 },
            { name: 'b', min: -4, max: 4, mean: 0, std: 1 },
            { name: 'c', min: 0, max: 1, mean: 0.5, std: 0.2 },
            { name: 'd', min: 100, max: 200, mean: 150, std: 20 },
        ],
        outputs: [{ name: 'y', min: 0, max: 50, mean: 25, std: 5 }],
        classes: null, testRmse: { y: 0.1 }, data: 'p.csv', trainedAt: '2024-01-01T00:00:00Z',
    };

    async function run(body: string, opts: ToSpecOptions) {
        const doc = await parse(`${PARTLY}\ninversion Run {\n oracle P\n target y = 1\n${body}\n}`);
        return toRunSpec(doc, 'Run', opts) as InversionSpec;
    }

    it('bound without using is a hard box; with using a constraint on the declared box', async () => {
        const spec = await run('bound b in [-1, 1]\n bound c, d in [2, 3] using half', noMetadata);
        expect(feature(spec, 'b')).toEqual({ role: 'free', name: 'b', domain: null, transform: { kind: 'box', box: { lo: -1, hi: 1 }, source: 'bound' } });
        const c = feature(spec, 'c');
        expect(c.role === 'free' && c.transform.kind === 'constraint' && c.transform.box).toEqual({ lo: 2, hi: 3 });
        expect(c.role === 'free' && c.transform.kind === 'constraint' && c.transform.constraint.otherwise).toEqual({ kind: 'neg', arg: { kind: 'x' } });
        expect(feature(spec, 'd').role === 'free' && (feature(spec, 'd') as { transform: { kind: string } }).transform.kind).toBe('constraint');
    });

    it("an unbound free feature gets the oracle's declared domain as a hard box, else nothing", async () => {
        const spec = await run('', noMetadata);
        expect(feature(spec, 'a')).toEqual({ role: 'free', name: 'a', domain: { lo: 0, hi: 10 }, transform: { kind: 'box', box: { lo: 0, hi: 10 }, source: 'domain' } });
        expect(feature(spec, 'b')).toEqual({ role: 'free', name: 'b', domain: null, transform: { kind: 'none' } });
    });

    it('falls back to the domain a trained model recorded; a declared one overrides it', async () => {
        const asked: string[] = [];
        const spec = await run('fix d = 150', { readMetadata: (p) => (asked.push(p), recorded) });
        expect(asked).toEqual(['/work/ex/models/p/model.json']);
        expect(feature(spec, 'a')).toMatchObject({ domain: { lo: 0, hi: 10 }, transform: { box: { lo: 0, hi: 10 }, source: 'domain' } });
        expect(feature(spec, 'b')).toEqual({ role: 'free', name: 'b', domain: { lo: -4, hi: 4 }, transform: { kind: 'box', box: { lo: -4, hi: 4 }, source: 'domain' } });
        expect(feature(spec, 'd')).toEqual({ role: 'fixed', name: 'd', value: 150, domain: { lo: 100, hi: 200 } });
    });

    it('holds every `fix` item at its value, across several fix fields, in model order', async () => {
        const spec = await run('fix a = 2, b = -0.5\n fix c = 1e-3', noMetadata);
        expect(spec.features.map((f) => [f.name, f.role, f.role === 'fixed' ? f.value : null])).toEqual([
            ['a', 'fixed', 2], ['b', 'fixed', -0.5], ['c', 'fixed', 0.001], ['d', 'free', null],
        ]);
    });

    it('reads recorded metadata from a real model.json on disk', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'inv-spec-'));
        mkdirSync(join(dir, 'models/p'), { recursive: true });
        writeFileSync(join(dir, 'models/p/model.json'), JSON.stringify({
            modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 1, batch_input_shape: [null, 4] } }] } },
            weightsManifest: [],
            userDefinedMetadata: { inv: recorded },
        }));
        const uri = URI.file(join(dir, 'p.inv')).toString();
        const doc = await parse(`${PARTLY}\ninversion Run { oracle P target y = 1 }`, uri);
        const spec = toRunSpec(doc, 'Run') as InversionSpec;
        expect(feature(spec, 'c')).toMatchObject({ domain: { lo: 0, hi: 1 }, transform: { kind: 'box', source: 'domain' } });
        // No model at all: no recorded domain, and no error.
        const missing = toRunSpec(await parse(`${PARTLY}\ninversion Run { oracle P target y = 1 }`), 'Run') as InversionSpec;
        expect(feature(missing, 'c')).toMatchObject({ transform: { kind: 'none' } });
    });
});

describe('toRunSpec: constraint expressions', () => {
    it('keeps precedence, calls and joined comparisons', async () => {
        const doc = await parse(`${POLY4}
constraint c {
  when x >= 10 and 20 > x: -x^2 / (1 + exp(x))
  else max(x, 1) - 2 * 3
}
inversion Run { oracle Poly4 target y = 1 bound x1 in [0, 1] using c }`);
        const f = feature(toRunSpec(doc, 'Run', noMetadata), 'x1');
        if (f.role !== 'free' || f.transform.kind !== 'constraint') throw new Error('expected a constraint');
        const c = f.transform.constraint;
        expect(c.pieces[0].when).toEqual([
            { op: '>=', left: { kind: 'x' }, right: { kind: 'num', value: 10 } },
            { op: '>', left: { kind: 'num', value: 20 }, right: { kind: 'x' } },
        ]);
        expect(c.pieces[0].value).toEqual({
            kind: 'bin', op: '/',
            left: { kind: 'neg', arg: { kind: 'bin', op: '^', left: { kind: 'x' }, right: { kind: 'num', value: 2 } } },
            right: { kind: 'bin', op: '+', left: { kind: 'num', value: 1 }, right: { kind: 'call', fn: 'exp', args: [{ kind: 'x' }] } },
        });
        expect(c.otherwise).toEqual({
            kind: 'bin', op: '-',
            left: { kind: 'call', fn: 'max', args: [{ kind: 'x' }, { kind: 'num', value: 1 }] },
            right: { kind: 'bin', op: '*', left: { kind: 'num', value: 2 }, right: { kind: 'num', value: 3 } },
        });
    });
});

describe('toOracleSpec', () => {
    it('fills the training defaults and makes paths absolute', async () => {
        const doc = await parse(POLY4, 'file:///work/ex/sub/a.inv');
        const oracle = doc.parseResult.value.elements[0];
        const spec = toOracleSpec(oracle as never, '/work/ex/sub/a.inv');
        expect(spec).toEqual({
            name: 'Poly4',
            modelPath: '/work/ex/sub/models/poly4/model.json',
            modelPathAsWritten: 'models/poly4/model.json',
            inputs: ['x1', 'x2', 'x3', 'x4'].map((name) => ({ name, domain: { lo: 0, hi: 500 } })),
            outputs: ['y'],
            training: {
                dataPath: '/work/ex/sub/data/poly4-train.csv', testPath: null, layers: [64, 64], activation: 'relu',
                epochs: 200, batch: 128, learningRate: 0.001, validation: 0.1, seed: 0, skipMissing: false, classify: null,
            },
        });
    });

    it('takes every training field the oracle writes; no data means no training', async () => {
        const doc = await parse(`
oracle Cars {
  model "/abs/cars/model.json"
  data "../cars.csv"
  test "cars-test.csv"
  inputs \`Weight in lbs\`, hp
  outputs mpg
  layers 32, 16, 8
  activation tanh
  epochs 50 batch 64 learningRate 0.01 validation 0.2 seed 4
  skip missing
}
oracle Given { model "given.json" inputs a outputs b }`, 'file:///work/ex/a.inv');
        const [cars, given] = doc.parseResult.value.elements;
        const spec = toOracleSpec(cars as never, '/work/ex/a.inv');
        expect(spec.modelPath).toBe('/abs/cars/model.json');
        expect(spec.inputs.map((i) => i.name)).toEqual(['Weight in lbs', 'hp']);
        expect(spec.training).toEqual({
            dataPath: '/work/cars.csv', testPath: '/work/ex/cars-test.csv', layers: [32, 16, 8], activation: 'tanh',
            epochs: 50, batch: 64, learningRate: 0.01, validation: 0.2, seed: 4, skipMissing: true, classify: null,
        });
        expect(toOracleSpec(given as never, '/work/ex/a.inv').training).toBeNull();
    });
});

describe('toRunSpec: synthesis', () => {
    it('reads a column reference, count and output path', async () => {
        const doc = await parse(`${POLY4}
synthesize More {
  oracle Poly4
  like "data/poly4-test.csv" column y
  count 500
  output "out/synthetic.csv"
  tolerance 3
}`);
        const spec = toRunSpec(doc, 'More', noMetadata) as SynthesisSpec;
        expect(spec.kind).toBe('synthesis');
        expect(spec.reference).toEqual({ kind: 'column', output: 'y', path: '/work/ex/data/poly4-test.csv', column: 'y', tolerance: 3 });
        expect(spec.count).toBe(500);
        expect(spec.outputPath).toBe('/work/ex/out/synthetic.csv');
        expect(spec.outputPathAsWritten).toBe('out/synthetic.csv');
    });

    it('reads a range goal and a one-sided goal', async () => {
        const range = toRunSpec(await parse(`${POLY4}\nsynthesize S { oracle Poly4 target y in [100, 200] output "s.csv" }`), 'S', noMetadata) as SynthesisSpec;
        expect(range.reference).toEqual({ kind: 'range', output: 'y', low: 100, high: 200, tolerance: 0.2 });
        const goal = toRunSpec(await parse(`${POLY4}\nsynthesize S { oracle Poly4 target y >= 3000 output "s.csv" }`), 'S', noMetadata) as SynthesisSpec;
        expect(goal.reference).toEqual({ kind: 'atLeast', output: 'y', value: 3000, tolerance: 3 });
    });
});

describe('toRunSpec: what validation would have caught', () => {
    it('names the runs there are when asked for one that is not', async () => {
        const doc = await parse(`${POLY4}\ninversion A { oracle Poly4 target y = 1 }`);
        expect(() => toRunSpec(doc, 'B', noMetadata)).toThrow(/no inversion or synthesis named `B`; the file has: A/);
    });

    it('refuses an unresolved oracle or feature with a SpecError on its node', async () => {
        const doc = await parse(`${POLY4}\ninversion A { oracle Nope target y = 1 }`);
        const err = (() => { try { toRunSpec(doc, 'A', noMetadata); } catch (e) { return e; } return null; })();
        expect(err).toBeInstanceOf(SpecError);
        expect((err as SpecError).node?.$cstNode).toBeDefined();
        const doc2 = await parse(`${POLY4}\ninversion A { oracle Poly4 target y = 1 fix x9 = 1 }`);
        expect(() => toRunSpec(doc2, 'A', noMetadata)).toThrow('unknown name `x9`');
    });
});
