/**
 * The quality of a typed design space, judged on the TRUE function (the concrete example's,
 * examples/concrete/true-concrete.mjs) with its committed oracle, on a small budget: every
 * answer whole where declared, with a declared label, inside its bounds and satisfying every
 * relation; at least 90 % truly meeting an `=` target; a `minimize` under relations within
 * 5 % of the true optimum.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { runInversion } from '../../src/engine/inversion/invert.js';
import type { InvResult, Solution } from '../../src/engine/contract/results.js';
import type { FeatureSpec, FeatureType, InversionSpec, OracleSpec, RelationSpec } from '../../src/engine/contract/spec.js';
// @ts-expect-error: a plain .mjs module of the example (its true function), no types
import { CEMENTS, cost, RANGES, strength } from '../../examples/concrete/true-concrete.mjs';
// @ts-expect-error: as above
import { trueCheapest } from '../../examples/concrete/check.mjs';

type Range = [number, number];
const ranges = RANGES as Record<string, Range>;
const SHARES = ['cement_pct', 'water_pct', 'slag_pct', 'aggregate_pct'];
const cementType: FeatureType = { kind: 'categorical', labels: CEMENTS as string[] };

const oracle: OracleSpec = {
    name: 'Concrete',
    modelPath: fileURLToPath(new URL('../../examples/concrete/models/concrete/model.json', import.meta.url)),
    modelPathAsWritten: 'models/concrete/model.json',
    inputs: [
        { name: 'cement', domain: null, type: cementType },
        ...SHARES.map((name) => ({ name, domain: { lo: ranges[name][0], hi: ranges[name][1] } })),
        { name: 'age', domain: { lo: 1, hi: 90 }, type: { kind: 'integer' } },
    ],
    outputs: ['strength', 'cost'],
    training: null,
};
const sharesAddUp: RelationSpec = { text: 'shares = 100', terms: SHARES.map((feature) => ({ feature, coefficient: 1 })), op: '=', constant: 100 };

function shareFeatures(): FeatureSpec[] {
    return SHARES.map((name) => ({ role: 'free', name, domain: { lo: ranges[name][0], hi: ranges[name][1] }, transform: { kind: 'box', box: { lo: ranges[name][0], hi: ranges[name][1] }, source: 'domain' } }));
}

function spec(features: FeatureSpec[], overrides: Partial<InversionSpec>): InversionSpec {
    return {
        kind: 'inversion', name: 'Quality', source: '/tmp/q.inv', sourceHash: '0', oracle, features, targets: [],
        stopOutsideBounds: false, method: { kind: 'generator', latent: 8, layers: [32, 32], activation: 'relu' },
        steps: 1500, learningRate: 0.002, seed: 5, diversity: 0.15, backend: 'wasm', solutions: 64, relations: [sharesAddUp], ...overrides,
    };
}

type Mix = { cement: string; age: number } & Record<string, number>;
const mixOf = (s: Solution) => s.inputs as unknown as Mix;

/** Every rule of the space, checked on the answers themselves. */
function rulesBroken(r: InvResult, age: Range): number {
    return r.solutions.filter((s) => {
        const m = mixOf(s);
        const sum = SHARES.reduce((t, n) => t + m[n], 0);
        return !CEMENTS.includes(m.cement) || !Number.isInteger(m.age) || m.age < age[0] || m.age > age[1]
            || SHARES.some((n) => m[n] < ranges[n][0] || m[n] > ranges[n][1]) || Math.abs(sum - 100) > 1e-9 * 100;
    }).length;
}

beforeAll(async () => {
    await initBackend('wasm');
});

describe('a typed design space judged on the true function (the concrete example\'s oracle)', () => {
    it('reaches strength = 40 with whole ages and shares adding up to 100: >= 90 % truly meet, no rule broken', async () => {
        const features: FeatureSpec[] = [
            { role: 'fixed', name: 'cement', value: 1, label: 'CEM_II', domain: null, type: cementType },
            ...shareFeatures(),
            { role: 'free', name: 'age', domain: { lo: 1, hi: 90 }, type: { kind: 'integer' }, transform: { kind: 'box', box: { lo: 7, hi: 28 }, source: 'bound' } },
        ];
        const r = await runInversion(spec(features, { targets: [{ output: 'strength', kind: 'equal', value: 40, tolerance: 1 }] }));
        expect(r.summary.violations).toBe(0);
        expect(rulesBroken(r, [7, 28])).toBe(0);
        const truly = r.solutions.filter((s) => Math.abs(strength(s.inputs) - 40) <= 1).length;
        expect(truly / r.solutions.length).toBeGreaterThanOrEqual(0.9);
        // Whole ages spread over the range, not one answer copied.
        expect(new Set(r.solutions.map((s) => s.inputs.age)).size).toBeGreaterThan(3);
    });

    it('picks the cement that can reach 25 MPa at three days', async () => {
        const features: FeatureSpec[] = [
            { role: 'free', name: 'cement', domain: null, type: cementType, transform: { kind: 'none' } },
            ...shareFeatures(),
            { role: 'fixed', name: 'age', value: 3, domain: { lo: 1, hi: 90 }, type: { kind: 'integer' } },
        ];
        const r = await runInversion(spec(features, { targets: [{ output: 'strength', kind: 'equal', value: 25, tolerance: 1 }], seed: 2 }));
        expect(r.summary.violations).toBe(0);
        expect(rulesBroken(r, [3, 3])).toBe(0);
        // Only CEM_I reaches 25 MPa at three days (CEM_II tops out near 21).
        expect(r.summary.labelShares?.[0].shares.CEM_I).toBeGreaterThanOrEqual(0.9);
        const truly = r.solutions.filter((s) => Math.abs(strength(s.inputs) - 25) <= 1).length;
        expect(truly / r.solutions.length).toBeGreaterThanOrEqual(0.9);
    });

    it('finds the cheapest mix reaching 40 MPa at 28 days within 5 % of the true optimum', async () => {
        const features: FeatureSpec[] = [
            { role: 'free', name: 'cement', domain: null, type: cementType, transform: { kind: 'none' } },
            ...shareFeatures(),
            { role: 'fixed', name: 'age', value: 28, domain: { lo: 1, hi: 90 }, type: { kind: 'integer' } },
        ];
        const r = await runInversion(spec(features, {
            targets: [{ output: 'strength', kind: 'atLeast', value: 40, tolerance: 0.2 }, { output: 'cost', kind: 'minimize' }], seed: 3,
        }));
        expect(r.summary.violations).toBe(0);
        expect(rulesBroken(r, [28, 28])).toBe(0);
        const best = r.solutions[r.summary.best];
        expect(best.meets).toBe(true);
        const optimum = trueCheapest(40 - 0.2, 28) as { cost: number };
        const gap = (cost(best.inputs) - optimum.cost) / optimum.cost;
        expect(Math.abs(gap), `true cost ${cost(best.inputs)} against the true optimum ${optimum.cost}`).toBeLessThan(0.05);
        expect(strength(best.inputs)).toBeGreaterThan(40 - 0.2 - 0.5);
    });

    it('measures support with a categorical input: shares that add up to 100, as every row of the data does, are backed; without the relation most are not', async () => {
        // The model records its data relative to the example's .inv file.
        const source = fileURLToPath(new URL('../../examples/concrete/concrete.inv', import.meta.url));
        const features: FeatureSpec[] = [
            { role: 'free', name: 'cement', domain: null, type: cementType, transform: { kind: 'none' } },
            ...shareFeatures(),
            { role: 'fixed', name: 'age', value: 28, domain: { lo: 1, hi: 90 }, type: { kind: 'integer' } },
        ];
        const base = { source, targets: [{ output: 'strength', kind: 'equal' as const, value: 30, tolerance: 1 }], steps: 600, solutions: 32 };
        const [related, free] = [await runInversion(spec(features, base)), await runInversion(spec(features, { ...base, relations: [] }))];
        for (const r of [related, free]) {
            expect(r.summary.note ?? '').not.toMatch(/No support figures/);
            expect(r.solutions.every((x) => typeof x.support === 'number')).toBe(true);
            // The summary's spread is the mean over the numeric features (the label has its shares).
            const spreads = r.summary.importance.map((f) => f.spread);
            expect(r.summary.spread).toBeCloseTo(spreads.reduce((a, b) => a + b, 0) / spreads.length, 5);
        }
        expect(related.summary.supported! / related.solutions.length).toBeGreaterThanOrEqual(0.9);
        expect(free.summary.supported!).toBeLessThan(related.summary.supported!);
    }, 120_000);
});
