/**
 * The field's inverse benchmarks at a small budget (bench/inverse has the full ones), every
 * answer judged on the TRUE function (bench/inverse/problems.mjs), never on the oracle alone:
 * the sine wave's level set is many separate curves, and the default run puts answers on
 * all of them where the paper's start (diversity 0) puts all of them on one, and says so; the
 * arm's answers spread their joint angles, hit the end point on the real arm and stay where
 * the oracle was trained, with the prismatic joint free or held. The oracles are the bench's,
 * trained by `inv train` and committed.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { DEFAULT_DIVERSITY, DEFAULT_SUPPORT, type FeatureSpec, type OracleSpec, type TargetSpec } from '../../src/engine/contract/spec.js';
import type { InvResult } from '../../src/engine/contract/results.js';
import { runInversion } from '../../src/engine/inversion/invert.js';
import { tf } from '../../src/engine/backend/tf.js';
import { cellOf, levelSetCells, PROBLEMS, spreadOf, trueMiss, trueMse } from '../../bench/inverse/measures.mjs';
import { inversion } from './model-fixtures.js';

/** The share of the arm's answers that the data backs, at least (measured at this budget: see the test). */
const SUPPORTED_AT_LEAST = 0.75;
const BENCH = fileURLToPath(new URL('../../bench/inverse/', import.meta.url));
const METHOD = { kind: 'generator' as const, latent: 8, layers: [64, 64], activation: 'relu' as const };

function benchOracle(name: string, inputs: Array<[string, { lo: number; hi: number } | null]>, outputs: string[]): OracleSpec {
    return {
        name,
        modelPath: join(BENCH, `models/${name}/model.json`),
        modelPathAsWritten: `models/${name}/model.json`,
        inputs: inputs.map(([n, domain]) => ({ name: n, domain })),
        outputs,
        // Only its data path matters here (support): the model is trained.
        training: { dataPath: join(BENCH, `data/${name}-train.csv`), testPath: null, layers: [], activation: 'swish', epochs: 1, batch: 128, learningRate: 0.001, validation: 0, seed: 0, skipMissing: false, classify: null },
    };
}

const box = (name: string, lo: number, hi: number): FeatureSpec => ({ role: 'free', name, domain: { lo, hi }, transform: { kind: 'box', box: { lo, hi }, source: 'domain' } });
const rows = (r: InvResult, inputs: string[]) => r.solutions.map((s) => inputs.map((n) => Number(s.inputs[n])));

beforeAll(async () => {
    await initBackend('wasm');
});

describe('sine wave (Ren et al. 2020): y = sin(3 pi x1) + cos(3 pi x2) = 0.5 on [-1, 1]^2', () => {
    const sine = PROBLEMS.sine;
    const oracle = benchOracle('sine', [['x1', { lo: -1, hi: 1 }], ['x2', { lo: -1, hi: 1 }]], ['y']);
    const target: TargetSpec = { output: 'y', kind: 'equal', value: 0.5, tolerance: 1e-3 };
    const grid = 8;
    const square = [{ lo: -1, hi: 1 }, { lo: -1, hi: 1 }];
    /** Of the cells of an 8 x 8 grid that the TRUE level set crosses, the share holding an answer truly within `within`. */
    const coverage = (r: InvResult, within: number) => {
        const crossed = levelSetCells(sine, [0.5], square, [0, 1], [null, null], { starts: 8000, grid });
        const held = new Set(rows(r, sine.inputs).filter((x) => trueMiss(sine, [0.5], x) <= within).map((x) => cellOf(x, square, [0, 1], grid)));
        return [...crossed].filter((c) => held.has(c)).length / crossed.size;
    };
    let spread: InvResult;
    let paper: InvResult;

    beforeAll(async () => {
        const spec = (diversity: number) =>
            inversion(oracle, [box('x1', -1, 1), box('x2', -1, 1)], [target], { method: METHOD, solutions: 96, steps: 400, learningRate: 0.001, diversity, support: DEFAULT_SUPPORT, seed: 3 });
        spread = await runInversion(spec(DEFAULT_DIVERSITY));
        paper = await runInversion(spec(0));
    });

    it('puts answers on every curve of the level set, each truly on it, in families', () => {
        expect(spread.summary.meeting).toBe(96);
        // Truly within 10 x the tolerance: about 5 x the oracle's test RMSE (the oracle, not the search, limits it).
        expect(coverage(spread, 1e-2)).toBeGreaterThanOrEqual(0.85);
        const mse = rows(spread, sine.inputs).map((x) => trueMse(sine, [0.5], x));
        expect(Math.min(...mse.slice(0, 1))).toBeLessThan(1e-4); // r_1
        expect(Math.min(...mse.slice(0, 50))).toBeLessThan(2e-6); // r_50
        expect(spread.summary.modes!.length).toBeGreaterThanOrEqual(6);
        expect(spread.summary.coverage!).toBeGreaterThan(0.8);
        expect(spread.summary.note ?? '').not.toMatch(/collapsed|cover only part/);
    });

    it("the paper's start and loss (diversity 0) find one curve, and the note says the answers cover only part of it", () => {
        expect(coverage(paper, 1e-2)).toBeLessThan(0.2);
        expect(paper.summary.coverage!).toBeLessThan(0.3);
        expect(paper.summary.note).toMatch(/cover only part of the level set: about \d+ %/);
    });
});

describe('planar arm (Kruse et al. 2021) reaching (1.5, 0)', () => {
    const arm = PROBLEMS.arm;
    // The box the oracle's training data spans (recorded in its model).
    const domains: Record<string, [number, number]> = { x1: [-1.0, 0.92], x2: [-1.81, 1.72], x3: [-1.91, 1.89], x4: [-1.95, 2.0] };
    const oracle = benchOracle('arm', arm.inputs.map((n) => [n, { lo: domains[n]![0], hi: domains[n]![1] }]), ['y1', 'y2']);
    const targets: TargetSpec[] = [
        { output: 'y1', kind: 'equal', value: 1.5, tolerance: 1.5e-3 },
        { output: 'y2', kind: 'equal', value: 0, tolerance: 1e-3 },
    ];
    const run = (fixed: boolean, support = DEFAULT_SUPPORT) =>
        runInversion(
            inversion(oracle, arm.inputs.map((n) => (fixed && n === 'x1' ? { role: 'fixed', name: n, value: 0, domain: null } : box(n, domains[n]![0], domains[n]![1]))), targets, {
                method: METHOD, solutions: 64, steps: 400, learningRate: 0.001, diversity: DEFAULT_DIVERSITY, support, seed: 5,
            }),
        );
    const runs = new Map<boolean, InvResult>();

    for (const fixed of [false, true]) {
        it(`${fixed ? 'with the prismatic joint held at 0' : 'all four joints free'}: spread angles, truly at the end point, where the data is`, async () => {
            const r = await run(fixed);
            runs.set(fixed, r);
            const x = rows(r, arm.inputs);
            const mse = x.map((v) => trueMse(arm, [1.5, 0], v));
            expect(r.summary.meeting).toBe(64);
            expect(mse.reduce((a, b) => a + b, 0) / mse.length).toBeLessThan(1e-3);
            expect(mse[0]).toBeLessThan(2.3e-4); // r_1
            expect(Math.min(...spreadOf(x, [1, 2, 3]))).toBeGreaterThan(0.3); // each joint angle, radians
            expect(r.summary.supported!).toBeGreaterThanOrEqual(SUPPORTED_AT_LEAST * 64);
        });
    }

    it('without the pull into the data (support 0) more answers lie where it is thin', async () => {
        const [pulled, free] = [runs.get(true)!, await run(true, 0)];
        expect(free.summary.supported!).toBeLessThan(pulled.summary.supported!);
        expect(free.settings.support).toBe(0);
        expect(tf.memory().numTensors).toBeLessThan(200);
    });
});
