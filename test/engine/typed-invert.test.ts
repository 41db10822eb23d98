import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { runInversion } from '../../src/engine/inversion/invert.js';
import { runSynthesis } from '../../src/engine/synthesis/synthesize.js';
import type { FeatureSpec, OracleSpec, RelationSpec } from '../../src/engine/contract/spec.js';
import { tf } from '../../src/engine/backend/tf.js';
import { boxFeature, inversion, tempFolder, writeLinearModel } from './model-fixtures.js';

const MATERIALS = ['wood', 'glass', 'steel'];
let material: OracleSpec;
let knapsack: OracleSpec;
let mixture: OracleSpec;

beforeAll(async () => {
    await initBackend('wasm');
    const dir = tempFolder();
    // y = x + 3 [glass] + 10 [steel], x in [0, 2]: wood reaches [0, 2], glass [3, 5], steel [10, 12].
    material = {
        name: 'Material', modelPath: join(dir, 'material', 'model.json'), modelPathAsWritten: 'model.json', training: null, outputs: ['y'],
        inputs: [{ name: 'x', domain: { lo: 0, hi: 2 } }, { name: 'material', domain: null, type: { kind: 'categorical', labels: MATERIALS } }],
    };
    await writeLinearModel(material.modelPath, [[1], [0], [3], [10]], [0]);
    // y = 5n + 4m.
    knapsack = {
        name: 'Knapsack', modelPath: join(dir, 'knapsack', 'model.json'), modelPathAsWritten: 'model.json', training: null, outputs: ['y'],
        inputs: [{ name: 'n', domain: { lo: 0, hi: 10 }, type: { kind: 'integer' } }, { name: 'm', domain: { lo: 0, hi: 10 }, type: { kind: 'integer' } }],
    };
    await writeLinearModel(knapsack.modelPath, [[5], [4]], [0]);
    // y = 2a + 3b + c.
    mixture = {
        name: 'Mixture', modelPath: join(dir, 'mixture', 'model.json'), modelPathAsWritten: 'model.json', training: null, outputs: ['y'],
        inputs: ['a', 'b', 'c'].map((name) => ({ name, domain: { lo: 0, hi: 100 } })),
    };
    await writeLinearModel(mixture.modelPath, [[2], [3], [1]], [0]);
});

const relation = (text: string, terms: Array<[string, number]>, op: RelationSpec['op'], constant: number): RelationSpec => ({
    text, terms: terms.map(([feature, coefficient]) => ({ feature, coefficient })), op, constant,
});

describe('a categorical input', () => {
    const features = (): FeatureSpec[] => [
        boxFeature('x', 0, 2),
        { role: 'free', name: 'material', domain: null, type: { kind: 'categorical', labels: MATERIALS }, transform: { kind: 'none' } },
    ];

    for (const method of ['generator', 'adjoint'] as const) {
        it(`picks the one label that reaches the target (${method}), and the oracle is scored there`, async () => {
            const before = tf.memory().numTensors;
            const r = await runInversion(inversion(material, features(), [{ output: 'y', kind: 'equal', value: 11, tolerance: 0.011 }], {
                steps: 400, solutions: 32, method: method === 'adjoint' ? { kind: 'adjoint' } : { kind: 'generator', latent: 4, layers: [16, 16], activation: 'relu' },
            }));
            expect(tf.memory().numTensors).toBe(before);
            expect(r.solutions.every((s) => s.inputs.material === 'steel')).toBe(true);
            // Scored at exactly that label: y = x + 10.
            for (const s of r.solutions) expect(s.outputs.y).toBeCloseTo(Number(s.inputs.x) + 10, 4);
            expect(r.summary.meeting).toBeGreaterThanOrEqual(29);
            expect(r.summary.violations).toBe(0);
            expect(r.summary.labelShares).toEqual([{ feature: 'material', shares: { wood: 0, glass: 0, steel: 1 } }]);
            expect(r.summary.importance.map((i) => i.feature)).toEqual(['x']);
        });
    }

    it('keeps to the labels a bound allows, and holds a fixed label', async () => {
        const bounded = features();
        (bounded[1] as Extract<FeatureSpec, { role: 'free' }>).allowed = ['wood', 'glass'];
        const r = await runInversion(inversion(material, bounded, [{ output: 'y', kind: 'maximize' }], { steps: 300, solutions: 16 }));
        expect(r.solutions.every((s) => s.inputs.material === 'glass')).toBe(true);
        expect(r.solutions[0].outputs.y).toBeGreaterThan(4.9);
        const fixed: FeatureSpec[] = [boxFeature('x', 0, 2), { role: 'fixed', name: 'material', value: 0, label: 'wood', domain: null, type: { kind: 'categorical', labels: MATERIALS } }];
        const f = await runInversion(inversion(material, fixed, [{ output: 'y', kind: 'equal', value: 1.5, tolerance: 0.01 }], { steps: 300, solutions: 16 }));
        expect(f.solutions.every((s) => s.inputs.material === 'wood')).toBe(true);
        expect(f.summary.meeting).toBeGreaterThanOrEqual(12);
        expect(f.summary.labelShares).toBeUndefined();
    });
});

describe('integer inputs and relations', () => {
    it('finds the whole-number optimum that rounding the relaxed one misses (a knapsack\'s corner)', async () => {
        // max 5n + 4m with 6n + 4m <= 24, n + 2m <= 6: relaxed (3, 1.5) -> 21; rounded (3, 1) -> 19; whole optimum (4, 0) -> 20.
        const features: FeatureSpec[] = ['n', 'm'].map((name) => ({ ...boxFeature(name, 0, 10), type: { kind: 'integer' } }));
        const relations = [relation('6 n + 4 m <= 24', [['n', 6], ['m', 4]], '<=', 24), relation('n + 2 m <= 6', [['n', 1], ['m', 2]], '<=', 6)];
        const r = await runInversion(inversion(knapsack, features, [{ output: 'y', kind: 'maximize' }], { steps: 400, solutions: 16, relations }));
        expect(r.summary.violations).toBe(0);
        for (const s of r.solutions) {
            expect(Number.isInteger(s.inputs.n) && Number.isInteger(s.inputs.m)).toBe(true);
            expect(6 * Number(s.inputs.n) + 4 * Number(s.inputs.m)).toBeLessThanOrEqual(24);
            expect(Number(s.inputs.n) + 2 * Number(s.inputs.m)).toBeLessThanOrEqual(6);
        }
        expect(r.solutions[0].inputs).toEqual({ n: 4, m: 0 });
        expect(r.solutions[0].outputs.y).toBeCloseTo(20, 4);
    });

    it('holds shares that add up to 100 exactly and finds the optimum under them', async () => {
        // min 2a + 3b + c with a + b + c = 100, a >= 20, b >= 10: (20, 10, 70) -> 140.
        const features = ['a', 'b', 'c'].map((name) => boxFeature(name, 0, 100));
        const relations = [relation('a + b + c = 100', [['a', 1], ['b', 1], ['c', 1]], '=', 100), relation('a >= 20', [['a', 1]], '>=', 20), relation('b - 10 >= 0', [['b', 1]], '>=', 10)];
        for (const method of [{ kind: 'adjoint' as const }, { kind: 'generator' as const, latent: 4, layers: [16, 16], activation: 'relu' as const }]) {
            const r = await runInversion(inversion(mixture, features, [{ output: 'y', kind: 'minimize' }], { steps: 600, solutions: 32, relations, method }));
            expect(r.summary.violations).toBe(0);
            for (const s of r.solutions) {
                const [a, b, c] = ['a', 'b', 'c'].map((f) => Number(s.inputs[f]));
                expect(Math.abs(a + b + c - 100)).toBeLessThanOrEqual(1e-9 * 100);
                expect(a).toBeGreaterThanOrEqual(20 - 1e-9 * 20);
                expect(b).toBeGreaterThanOrEqual(10 - 1e-9 * 10);
            }
            expect(r.solutions[0].outputs.y / 140 - 1, method.kind).toBeLessThan(0.01);
        }
    });
});

describe('a synthesis over a typed design space', () => {
    it('writes rows with one allowed label, whole numbers and exact relations, scored at those values', async () => {
        // y = x + 3 [glass] + 10 [steel] with an integer k (weight 0) and x + k <= 2.5.
        const dir = tempFolder();
        const oracle: OracleSpec = {
            ...material,
            inputs: [...material.inputs, { name: 'k', domain: { lo: 0, hi: 3 }, type: { kind: 'integer' } }],
            modelPath: join(dir, 'model.json'),
        };
        await writeLinearModel(oracle.modelPath, [[1], [0], [3], [10], [0]], [0]);
        const features: FeatureSpec[] = [
            boxFeature('x', 0, 2),
            { role: 'free', name: 'material', domain: null, type: { kind: 'categorical', labels: MATERIALS }, transform: { kind: 'none' } },
            { ...boxFeature('k', 0, 3), type: { kind: 'integer' } },
        ];
        const output = join(dir, 'rows.csv');
        const before = tf.memory().numTensors;
        const r = await runSynthesis({
            kind: 'synthesis', name: 'Rows', source: join(dir, 'x.inv'), sourceHash: '0', oracle, features, stopOutsideBounds: false,
            method: { kind: 'generator', latent: 4, layers: [16, 16], activation: 'relu' }, steps: 800, learningRate: 0.005, seed: 3, diversity: 0.15,
            backend: 'wasm', reference: { kind: 'range', output: 'y', low: 3.5, high: 4.5, tolerance: 0.01 }, count: 40, outputPath: output, outputPathAsWritten: 'rows.csv',
            relations: [relation('x + k <= 2.5', [['x', 1], ['k', 1]], '<=', 2.5)],
        });
        expect(tf.memory().numTensors).toBe(before);
        expect(r.summary.violations).toBe(0);
        // Only glass reaches [3.5, 4.5] (y = x + 3 with x in [0.5, 1.5], so k <= 2).
        expect(r.solutions.every((s) => s.inputs.material === 'glass')).toBe(true);
        for (const s of r.solutions) {
            expect(Number.isInteger(s.inputs.k)).toBe(true);
            expect(Number(s.inputs.x) + Number(s.inputs.k)).toBeLessThanOrEqual(2.5 * (1 + 1e-9));
            expect(s.outputs.y).toBeCloseTo(Number(s.inputs.x) + 3, 4);
        }
        expect(r.synthesis!.meeting).toBeGreaterThan(0.9);
        const [header, ...lines] = readFileSync(output, 'utf8').trim().split('\n');
        expect(header).toBe('x,material,k,y');
        expect(lines.every((l) => l.split(',')[1] === 'glass')).toBe(true);
    });
});
