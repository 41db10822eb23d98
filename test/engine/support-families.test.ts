/**
 * Support, families and the honest notes, on small problems whose answers are known:
 * - data in two squares with a gap between them: the support score is high in the data, below
 *   the threshold in the gap, 0 far away; an inversion whose level set crosses the gap keeps
 *   its answers in the data by default, and not with `support 0`;
 * - y = |x1|: the level set y = 1 is two separate lines, x1 = -1 and x1 = 1: two families,
 *   x1 pinned within each, spread over all;
 * - the paper's start and loss (diversity 0) collapse onto one line: the notes say so.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { DEFAULT_DIVERSITY, DEFAULT_SUPPORT, type FeatureSpec, type OracleSpec, type TargetSpec } from '../../src/engine/contract/spec.js';
import { runInversion } from '../../src/engine/inversion/invert.js';
import { DataSupport, SUPPORTED_AT } from '../../src/engine/inversion/support.js';
import { fileModelSaver } from '../../src/engine/oracle/model-files.js';
import { tf } from '../../src/engine/backend/tf.js';
import { boxFeature, inversion, oracleSpec, tempFolder, writeLinearModel } from './model-fixtures.js';

const METHOD = { kind: 'generator' as const, latent: 4, layers: [32, 32], activation: 'relu' as const };
let dir: string;

/** Rows uniform in [0, 1]^2 and [2, 3]^2 (half each, seeded): a gap between them. */
function writeTwoSquares(path: string, rows: number): void {
    let s = 12345;
    const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    const lines = ['a,b,y'];
    for (let i = 0; i < rows; i++) {
        const shift = i % 2 === 0 ? 0 : 2;
        const [a, b] = [shift + random(), shift + random()];
        lines.push(`${a},${b},${a - b}`);
    }
    writeFileSync(path, lines.join('\n') + '\n');
}

/** A ReLU net computing y = |x1| (x2 unused): relu(x1) + relu(-x1). */
async function writeAbsModel(path: string): Promise<void> {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 2, inputShape: [2], activation: 'relu' }));
    model.add(tf.layers.dense({ units: 1, activation: 'linear' }));
    const weights = [tf.tensor2d([[1, -1], [0, 0]]), tf.tensor1d([0, 0]), tf.tensor2d([[1], [1]]), tf.tensor1d([0])];
    model.setWeights(weights);
    await model.save(fileModelSaver(path, {}));
    tf.dispose(weights);
    model.dispose();
}

function withData(oracle: OracleSpec, dataPath: string): OracleSpec {
    return { ...oracle, training: { dataPath, testPath: null, layers: [8], activation: 'relu', epochs: 1, batch: 32, learningRate: 0.001, validation: 0, seed: 0, skipMissing: false, classify: null } };
}

beforeAll(async () => {
    await initBackend('wasm');
    dir = tempFolder();
    mkdirSync(join(dir, 'data'));
    writeTwoSquares(join(dir, 'data', 'squares.csv'), 2000);
    await writeLinearModel(join(dir, 'diagonal', 'model.json'), [[1], [-1]], [0]);
    await writeAbsModel(join(dir, 'abs', 'model.json'));
});

describe('support: how well the data backs an answer', () => {
    it('is high in the data, below the threshold in a gap of the data, 0 far from it', async () => {
        const oracle = withData(oracleSpec(join(dir, 'diagonal', 'model.json'), ['a', 'b'], ['y']), join(dir, 'data', 'squares.csv'));
        const { support, reason } = await DataSupport.forOracle(oracle, null, join(dir, 'x.inv'));
        expect(reason).toBeNull();
        const s = support!.scores([0.5, 0.5, 2.5, 2.5, 1.5, 1.5, 1.05, 1.05, 5, 5], 5);
        expect(s[0]).toBeGreaterThan(0.3);
        expect(s[1]).toBeGreaterThan(0.3);
        expect(s[2]).toBeLessThan(SUPPORTED_AT);
        expect(s[3]).toBeLessThan(s[0]!);
        expect(s[4]).toBe(0);
    });

    it('is unknown, with the reason, when the oracle has no data', async () => {
        const { support, reason } = await DataSupport.forOracle(oracleSpec(join(dir, 'diagonal', 'model.json'), ['a', 'b'], ['y']), null, join(dir, 'x.inv'));
        expect(support).toBeNull();
        expect(reason).toMatch(/has no `data` and its model records none/);
    });

    it('keeps the answers in the data by default; `support 0` lets them into the gap', async () => {
        const oracle = withData(oracleSpec(join(dir, 'diagonal', 'model.json'), ['a', 'b'], ['y']), join(dir, 'data', 'squares.csv'));
        const target: TargetSpec = { output: 'y', kind: 'equal', value: 0, tolerance: 0.01 };
        const features: FeatureSpec[] = [boxFeature('a', 0, 3), boxFeature('b', 0, 3)];
        const run = (support: number) => runInversion(inversion(oracle, features, [target], { method: METHOD, solutions: 48, steps: 400, learningRate: 0.005, diversity: DEFAULT_DIVERSITY, support, seed: 2 }));
        const [kept, free] = [await run(DEFAULT_SUPPORT), await run(0)];
        const inGap = (r: typeof kept) => r.solutions.filter((s) => Number(s.inputs.a) > 1.1 && Number(s.inputs.a) < 1.9).length;
        expect(kept.summary.meeting).toBe(48);
        expect(inGap(kept)).toBeLessThanOrEqual(2);
        expect(inGap(free)).toBeGreaterThanOrEqual(6);
        // Each answer's support is reported; the summary counts those above the threshold, and says when some are thin.
        expect(kept.solutions.every((s) => typeof s.support === 'number')).toBe(true);
        expect(kept.summary.supported).toBe(kept.solutions.filter((s) => s.support! >= SUPPORTED_AT).length);
        expect(free.summary.supported!).toBeLessThan(kept.summary.supported!);
        expect(free.summary.note).toMatch(/lie where the oracle's training data is thin/);
        // Supported answers rank before thin ones among those that meet.
        const firstThin = free.solutions.findIndex((s) => s.support! < SUPPORTED_AT);
        expect(free.solutions.slice(firstThin).every((s) => s.support! < SUPPORTED_AT || !s.meets)).toBe(true);
    });
});

describe('families of answers', () => {
    const target: TargetSpec = { output: 'y', kind: 'equal', value: 1, tolerance: 1e-3 };
    const features: FeatureSpec[] = [boxFeature('x1', -2, 2), boxFeature('x2', -1, 1)];

    it('finds the two separate lines of |x1| = 1, with x1 pinned within each', async () => {
        const oracle = oracleSpec(join(dir, 'abs', 'model.json'), ['x1', 'x2'], ['y']);
        const r = await runInversion(inversion(oracle, features, [target], { method: METHOD, solutions: 48, steps: 400, learningRate: 0.005, diversity: DEFAULT_DIVERSITY, seed: 4 }));
        expect(r.summary.meeting).toBe(48);
        const modes = r.summary.modes!;
        expect(modes).toHaveLength(2);
        expect(modes[0]!.size + modes[1]!.size).toBe(48);
        expect(modes[0]!.size).toBeGreaterThanOrEqual(modes[1]!.size);
        for (const [f, mode] of modes.entries()) {
            const members = r.solutions.filter((s) => s.mode === f);
            expect(members).toHaveLength(mode.size);
            const x1 = (s: (typeof members)[number]) => Number(s.inputs.x1);
            const side = Math.sign(x1(r.solutions[mode.best]!));
            expect(members.every((s) => Math.sign(x1(s)) === side && Math.abs(Math.abs(x1(s)) - 1) < 0.01)).toBe(true);
            // Within a family x1 is pinned (rank 1), x2 spread.
            const within = Object.fromEntries(mode.importance.map((i) => [i.feature, i]));
            expect(within.x1!.rank).toBe(1);
            expect(within.x2!.spread).toBeGreaterThan(0.15);
        }
        // Over all answers x1 takes two values far apart: its spread is large.
        expect(r.summary.importance.find((i) => i.feature === 'x1')!.spread).toBeGreaterThan(0.2);
        expect(r.summary.coverage!).toBeGreaterThan(0.8);
    });

    it("notes it when the paper's start and loss (diversity 0) collapse and cover part of the level set", async () => {
        const oracle = oracleSpec(join(dir, 'abs', 'model.json'), ['x1', 'x2'], ['y']);
        const r = await runInversion(inversion(oracle, features, [target], { method: METHOD, solutions: 32, steps: 400, learningRate: 0.005, diversity: 0, seed: 4 }));
        expect(r.summary.modes!.length).toBeLessThanOrEqual(1);
        expect(r.summary.coverage!).toBeLessThan(0.3);
        expect(r.summary.note).toMatch(/cover only part of the level set/);
        expect(r.summary.note).toMatch(/collapsed to nearly one point/);
        expect(r.summary.supported).toBeUndefined();
        expect(r.summary.note).toMatch(/No support figures: oracle Oracle has no `data`/);
    });
});
