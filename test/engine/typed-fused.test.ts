/**
 * A typed design space on the fused backend: whole numbers alone run on the fused kernel (their
 * relaxation is a plain box) and the finish makes them whole after it; labels and relations
 * fall back to TF.js with a note. Either way no answer breaks a rule.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { runInversion } from '../../src/engine/inversion/invert.js';
import type { FeatureSpec, OracleSpec } from '../../src/engine/contract/spec.js';
import { boxFeature, inversion, tempFolder, writeLinearModel } from './model-fixtures.js';

let knapsack: OracleSpec;

beforeAll(async () => {
    await initBackend('wasm-fused');
    const dir = tempFolder();
    knapsack = {
        name: 'Knapsack', modelPath: join(dir, 'k', 'model.json'), modelPathAsWritten: 'model.json', training: null, outputs: ['y'],
        inputs: [{ name: 'n', domain: { lo: 0, hi: 10 }, type: { kind: 'integer' } }, { name: 'm', domain: { lo: 0, hi: 10 }, type: { kind: 'integer' } }],
    };
    await writeLinearModel(knapsack.modelPath, [[5], [4]], [0]);
});

describe('typed inputs on the fused backend', () => {
    it('whole numbers: the fused kernel searches, the finish makes them whole; relations: TF.js, with a note', async () => {
        const features: FeatureSpec[] = ['n', 'm'].map((name) => ({ ...boxFeature(name, 0, 10), type: { kind: 'integer' } }));
        const plain = await runInversion(inversion(knapsack, features, [{ output: 'y', kind: 'equal', value: 23, tolerance: 0.01 }], { steps: 300, solutions: 16, backend: 'wasm-fused' }));
        expect(plain.backend).toBe('wasm-fused');
        expect(plain.summary.violations).toBe(0);
        expect(plain.solutions.every((s) => Number.isInteger(s.inputs.n) && Number.isInteger(s.inputs.m))).toBe(true);
        expect(plain.solutions[0].meets).toBe(true); // 5n + 4m = 23: (3, 2)
        const relations = [{ text: '6 n + 4 m <= 24', terms: [{ feature: 'n', coefficient: 6 }, { feature: 'm', coefficient: 4 }], op: '<=' as const, constant: 24 }];
        const related = await runInversion(inversion(knapsack, features, [{ output: 'y', kind: 'maximize' }], { steps: 300, solutions: 16, backend: 'wasm-fused', relations }));
        expect(related.summary.violations).toBe(0);
        expect(related.summary.note).toContain('require');
        expect(related.solutions.every((s) => 6 * Number(s.inputs.n) + 4 * Number(s.inputs.m) <= 24)).toBe(true);
    });
});
