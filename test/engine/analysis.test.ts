import { describe, expect, it } from 'vitest';

import { analyse, featureImportance } from '../../src/engine/inversion/analysis.js';
import type { FreeColumn } from '../../src/engine/inversion/feature-transform.js';
import type { FeatureSpec, FreeFeature, TargetSpec } from '../../src/engine/contract/spec.js';

function column(name: string, column: number, box: { lo: number; hi: number } | null): FreeColumn {
    const feature: FreeFeature = { role: 'free', name, domain: null, transform: box ? { kind: 'box', box, source: 'bound' } : { kind: 'none' } };
    return { column, feature, origin: box ? box.lo : -1, width: box ? box.hi - box.lo : 2, box, constraint: null };
}

const features: FeatureSpec[] = [
    { role: 'free', name: 'a', domain: null, transform: { kind: 'box', box: { lo: 0, hi: 10 }, source: 'bound' } },
    { role: 'fixed', name: 'k', value: 3, domain: null },
    { role: 'free', name: 'b', domain: null, transform: { kind: 'none' } },
];
const free = [column('a', 0, { lo: 0, hi: 10 }), column('b', 2, null)];
const equal: TargetSpec = { output: 'y', kind: 'equal', value: 100, tolerance: 1 };

describe('analysis', () => {
    it('reports every input in user units, the error, meets, inBounds and inDomain', () => {
        const { solutions, summary } = analyse({
            features,
            free,
            domains: [{ lo: 0, hi: 10 }, null, { lo: 0, hi: 5 }],
            outputs: ['y'],
            targets: [equal],
            solutions: 2,
            freeValues: [2, 4, 5, 9],
            outputValues: [100.5, 97],
            notes: [],
        });
        expect(solutions[0]).toEqual({ inputs: { a: 2, k: 3, b: 4 }, outputs: { y: 100.5 }, error: 0.5, meets: true, inBounds: true, inDomain: true });
        expect(solutions[1]).toMatchObject({ inputs: { a: 5, k: 3, b: 9 }, error: 3, meets: false, inDomain: false });
        expect(summary).toMatchObject({ best: 0, meeting: 1, meanAbsError: 1.75 });
    });

    it('sorts in bounds first, then by error, then by the objective', () => {
        const targets: TargetSpec[] = [equal, { output: 'z', kind: 'maximize' }];
        const { solutions } = analyse({
            features,
            free,
            domains: [null, null, null],
            outputs: ['y', 'z'],
            targets,
            solutions: 4,
            // a = 11 is outside its box [0, 10].
            freeValues: [11, 0, 1, 0, 2, 0, 3, 0],
            outputValues: [100, 50, 102, 9, 100, 7, 100, 8],
        notes: [],
        });
        expect(solutions.map((s) => s.inputs.a)).toEqual([3, 2, 1, 11]);
        expect(solutions.map((s) => s.inBounds)).toEqual([true, true, true, false]);
    });

    it('ranks importance by spread (std / width of the bound, or / |mean| unbounded): least spread first', () => {
        const rows = [0, 1, 2, 3].map((i) => ({ inputs: { a: 5 + (i % 2), b: 100 + 50 * (i % 2), k: 3 }, outputs: {}, error: 0, meets: true, inBounds: true, inDomain: true }));
        const imp = featureImportance(rows, free);
        // a: std 0.5 over a width of 10 -> 0.05; b: std 25 over |mean| 125 -> 0.2.
        expect(imp).toEqual([
            { feature: 'a', spread: expect.closeTo(0.05, 9), rank: 1, bound: [0, 10] },
            { feature: 'b', spread: expect.closeTo(0.2, 9), rank: 2, bound: null },
        ]);
    });

    it('takes importance over the best 10 % when fewer than 10 meet, and says so', () => {
        const n = 40;
        const { summary } = analyse({
            features,
            free,
            domains: [null, null, null],
            outputs: ['y'],
            targets: [equal],
            solutions: n,
            freeValues: Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? (i / 2) % 10 : 1 + i)),
            outputValues: Array.from({ length: n }, (_, i) => 110 + i),
            notes: [],
        });
        expect(summary.meeting).toBe(0);
        expect(summary.note).toBe('No solution of 40 meets the targets: feature importance is taken over the best 4 (the best 10 %).');
    });

    it('never takes importance over fewer solutions than meet', () => {
        // 64 solutions, the first 8 meet (fewer than 10, more than 10 % = 7): all 8 count.
        const n = 64;
        const input = (meet: number) => ({
            features, free, domains: [null, null, null], outputs: ['y'], targets: [equal], solutions: n, notes: [],
            freeValues: Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? (i / 2) % 10 : 1 + i)),
            outputValues: Array.from({ length: n }, (_, i) => (i < meet ? 100 : 110 + i)),
        });
        const eight = analyse(input(8)).summary;
        expect(eight.meeting).toBe(8);
        expect(eight.note).toBe('Only 8 solutions of 64 meet the targets: feature importance is taken over these 8, too few to say much.');
        const spreadOf = (rows: number[]) => {
            const a = rows.map((i) => i % 10);
            const mean = a.reduce((s, x) => s + x, 0) / a.length;
            return Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length) / 10;
        };
        expect(eight.importance.find((f) => f.feature === 'a')!.spread).toBeCloseTo(spreadOf([0, 1, 2, 3, 4, 5, 6, 7]), 6);
        const one = analyse(input(1)).summary;
        expect(one.note).toBe('Only 1 solution of 64 meets the targets: feature importance is taken over the best 7 (the best 10 %, the 1 that meet among them).');
    });

    it('keeps float32 values as their shortest decimals, and judges the values it keeps', () => {
        const { solutions } = analyse({
            features, free, domains: [null, null, null], outputs: ['y'], targets: [equal], solutions: 1, notes: [],
            freeValues: Float32Array.of(86.33758544921875, 1 / 3),
            outputValues: Float32Array.of(100.7),
        });
        expect(solutions[0]!.inputs).toEqual({ a: 86.337585, k: 3, b: 0.33333334 });
        expect(solutions[0]!.outputs.y).toBe(100.7);
        expect(solutions[0]!.error).toBe(0.7);
    });

    it('notes when all solutions collapsed to one point', () => {
        const { summary } = analyse({
            features,
            free,
            domains: [null, null, null],
            outputs: ['y'],
            targets: [equal],
            solutions: 20,
            freeValues: Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 4 : 7)),
            outputValues: Array.from({ length: 20 }, () => 100),
            notes: ['From the run.'],
        });
        expect(summary.meeting).toBe(20);
        expect(summary.note).toMatch(/^From the run\. All solutions collapsed/);
        expect(summary.note).toContain('a larger `diversity` spreads them further');
    });

    it('says what would spread collapsed solutions, given the diversity the run used', () => {
        const collapsed = (diversity: number, targets: TargetSpec[]) => analyse({
            features, free, domains: [null, null, null], outputs: ['y'], targets, solutions: 20, notes: [], diversity,
            freeValues: Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 4 : 7)),
            outputValues: Array.from({ length: 20 }, () => 100),
        }).summary.note;
        expect(collapsed(0, [equal])).toContain('a positive `diversity` (the default is 0.15) spreads them');
        expect(collapsed(0.15, [equal])).toContain('a larger `diversity` (this run used 0.15) spreads them further');
        expect(collapsed(0.15, [{ output: 'y', kind: 'minimize' }])).toContain('an objective (`maximize`/`minimize`) draws every solution to its optimum');
        // As many `=` targets as free features: a point is the answer, not a collapse.
        expect(collapsed(0.15, [equal, { output: 'z', kind: 'equal', value: 1, tolerance: 1 }])).toMatch(/All solutions agree .*one answer is what to expect\.$/);
    });
});
