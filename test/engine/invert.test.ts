import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { engineTestBackend } from './engine-test-backend.js';
import { DEFAULT_DIVERSITY } from '../../src/engine/contract/spec.js';
import { runInversion } from '../../src/engine/inversion/invert.js';
import type { InvResult } from '../../src/engine/contract/results.js';
import type { ConstraintSpec, FeatureSpec, OracleSpec, TargetSpec } from '../../src/engine/contract/spec.js';
import { tf } from '../../src/engine/backend/tf.js';
import { trainOracle } from '../../src/engine/oracle/train.js';
import { boxFeature, inversion, oracleSpec, PAPER_CONSTRAINT, poly4, tempFolder, writeLinearModel, writePaperCsv } from './model-fixtures.js';

const X = ['x1', 'x2', 'x3', 'x4'];
let paper: OracleSpec;
let paperRmse: number;
let linear: OracleSpec;
const y1900: TargetSpec = { output: 'y', kind: 'equal', value: 1900, tolerance: 1.9 };

function truth(r: InvResult, i = 0): number {
    return poly4(X.map((x) => Number(r.solutions[i].inputs[x])));
}

/** Mean over the free features of std / width of the box. */
function spread(r: InvResult, features: string[], width: number): number {
    return (
        features
            .map((f) => {
                const v = r.solutions.map((s) => Number(s.inputs[f]));
                const m = v.reduce((a, b) => a + b, 0) / v.length;
                return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) / width;
            })
            .reduce((a, b) => a + b, 0) / features.length
    );
}

beforeAll(async () => {
    // fused-suites.test.ts runs this suite again on the fused kernel.
    await initBackend(engineTestBackend());
    const dir = tempFolder();
    mkdirSync(join(dir, 'data'));
    writePaperCsv(join(dir, 'data', 'train.csv'), 3000, 11);
    writePaperCsv(join(dir, 'data', 'test.csv'), 300, 12);
    paper = {
        ...oracleSpec(join(dir, 'poly4', 'model.json'), X, ['y'], { lo: 0, hi: 500 }),
        training: {
            dataPath: join(dir, 'data', 'train.csv'),
            testPath: join(dir, 'data', 'test.csv'),
            layers: [32, 32],
            activation: 'relu',
            epochs: 80,
            batch: 64,
            learningRate: 0.001,
            validation: 0.1,
            seed: 0,
            skipMissing: false,
            classify: null,
        },
    };
    paperRmse = (await trainOracle(paper)).testRmse.y;
    // y = 2a + b (no metadata: used as it is).
    linear = oracleSpec(join(dir, 'linear', 'model.json'), ['a', 'b'], ['y']);
    await writeLinearModel(linear.modelPath, [[2], [1]], [0]);
});

const free4 = (): FeatureSpec[] => X.map((name) => ({ role: 'free', name, domain: { lo: 0, hi: 500 }, transform: { kind: 'box', box: { lo: 0, hi: 500 }, source: 'domain' } }));

describe('inversion of the paper\'s function (small budget, judged on the true function)', () => {
    it('finds spread solutions that meet y = 1900 (the paper\'s Exp1)', async () => {
        const r = await runInversion(inversion(paper, free4(), [y1900], { solutions: 64, steps: 600, learningRate: 0.005, diversity: DEFAULT_DIVERSITY }));
        const plain = await runInversion(inversion(paper, free4(), [y1900], { solutions: 64, steps: 600, learningRate: 0.005, diversity: 0 }));
        expect(r.summary.meeting).toBeGreaterThanOrEqual(58);
        expect(Math.abs(truth(r) - 1900)).toBeLessThan(3 * paperRmse + 1.9);
        expect(spread(r, X, 500)).toBeGreaterThan(0.05);
        expect(spread(r, X, 500)).toBeGreaterThan(3 * spread(plain, X, 500));
    });
});

describe('inversion with fixed features and soft bounds', () => {
    it('keeps a fixed feature exactly at its value (the paper\'s Exp2)', async () => {
        const features = free4();
        features[3] = { role: 'fixed', name: 'x4', value: 10, domain: { lo: 0, hi: 500 } };
        const r = await runInversion(inversion(paper, features, [y1900], { solutions: 32, steps: 400, learningRate: 0.005, diversity: DEFAULT_DIVERSITY }));
        expect(r.solutions.every((s) => s.inputs.x4 === 10)).toBe(true);
        expect(Math.abs(truth(r) - 1900)).toBeLessThan(3 * paperRmse + 1.9);
    });

    it('stops outside bounds with the paper\'s constraint, keeping the last state with half inside (Exp3)', async () => {
        const features: FeatureSpec[] = X.map((name, i) =>
            i === 3 ? { role: 'fixed', name, value: 100, domain: null } : { role: 'free', name, domain: null, transform: { kind: 'constraint', box: { lo: 0, hi: 100 }, constraint: PAPER_CONSTRAINT } },
        );
        const r = await runInversion(inversion(paper, features, [y1900], { solutions: 32, steps: 1500, learningRate: 0.001, stopOutsideBounds: true, diversity: DEFAULT_DIVERSITY }));
        expect(r.stoppedBecause).toBe('outside-bounds');
        expect(r.stepsRun % 50).toBe(0);
        expect(r.stepsRun).toBeLessThan(1500);
        expect(r.solutions.filter((s) => s.inBounds).length).toBeGreaterThanOrEqual(16);
        expect(r.solutions[0].inBounds).toBe(true);
        // The box's maximum on the true function is f(100, 100, 100, 100) = 787.34.
        expect(truth(r)).toBeGreaterThan(0.8 * poly4([100, 100, 100, 100]));
    });

    it('reaches the maximum a hard box allows when the target is out of reach', async () => {
        const features: FeatureSpec[] = X.map((name, i) => (i === 3 ? { role: 'fixed', name, value: 100, domain: null } : boxFeature(name, 0, 100)));
        const r = await runInversion(inversion(paper, features, [y1900], { solutions: 32, steps: 600, learningRate: 0.01, diversity: DEFAULT_DIVERSITY }));
        expect(r.solutions.every((s) => s.inBounds)).toBe(true);
        expect(truth(r)).toBeGreaterThan(0.97 * poly4([100, 100, 100, 100]));
    });
});

describe('stop rules in a run', () => {
    const ab = () => [boxFeature('a', 0, 10), boxFeature('b', 0, 10)];
    const y10: TargetSpec = { output: 'y', kind: 'equal', value: 10, tolerance: 0.01 };

    it('stops with diversity 0 when every solution meets', async () => {
        const r = await runInversion(inversion(linear, ab(), [y10], { steps: 2000 }));
        expect(r.stoppedBecause).toBe('tolerance');
        expect(r.stepsRun).toBeLessThan(2000);
        expect(r.summary.meeting).toBe(32);
        expect(r.solutions.every((s) => Math.abs(2 * Number(s.inputs.a) + Number(s.inputs.b) - 10) <= 0.01 + 1e-4)).toBe(true);
    });

    it('says so when no check ever had half of the solutions inside', async () => {
        const away: ConstraintSpec = { name: 'away', pieces: [], otherwise: { kind: 'bin', op: '+', left: { kind: 'x' }, right: { kind: 'num', value: 1000 } } };
        const features: FeatureSpec[] = ['a', 'b'].map((name) => ({ role: 'free', name, domain: null, transform: { kind: 'constraint', box: { lo: 0, hi: 10 }, constraint: away } }));
        const r = await runInversion(inversion(linear, features, [y10], { steps: 120, stopOutsideBounds: true }));
        expect(r.stoppedBecause).toBe('steps');
        expect(r.stepsRun).toBe(120);
        expect(r.summary.note).toContain('`stop outside bounds` never applied');
    });

    it('stops when a constraint produces NaN, keeping the last finite state and naming the constraint', async () => {
        // sqrt(60 - x): finite at the start (x = 50), NaN once minimising y pushes x past 60.
        const root: ConstraintSpec = {
            name: 'root',
            pieces: [],
            otherwise: { kind: 'call', fn: 'sqrt', args: [{ kind: 'bin', op: '-', left: { kind: 'num', value: 60 }, right: { kind: 'x' } }] },
        };
        const features: FeatureSpec[] = [{ role: 'free', name: 'a', domain: null, transform: { kind: 'constraint', box: { lo: 0, hi: 100 }, constraint: root } }, boxFeature('b', 0, 1)];
        const r = await runInversion(inversion(linear, features, [{ output: 'y', kind: 'minimize' }], { steps: 3000, learningRate: 0.05 }));
        expect(r.stoppedBecause).toBe('diverged');
        expect(r.summary.note).toMatch(/^Diverged: constraint `root` produced NaN at step \d+ \(feature a\); the result is the last finite state \(step \d+\)\./);
        expect(r.solutions.every((s) => Number.isFinite(s.inputs.a) && Number.isFinite(s.outputs.y))).toBe(true);
        expect(r.stepsRun).toBeLessThan(3000);
        expect(r.stepsRun % 50).toBe(0);
    });

    it('returns the state so far when cancelled', async () => {
        const abort = new AbortController();
        let events = 0;
        const r = await runInversion(inversion(linear, ab(), [{ output: 'y', kind: 'maximize' }], { steps: 100_000 }), {
            signal: abort.signal,
            onProgress: (p) => {
                events++;
                expect(p.steps).toBe(100_000);
                expect(Number.isFinite(p.loss)).toBe(true);
                if (p.step > 100) abort.abort();
            },
        });
        expect(events).toBeGreaterThan(0);
        expect(r.stoppedBecause).toBe('cancelled');
        expect(r.stepsRun).toBeGreaterThan(100);
        expect(r.stepsRun).toBeLessThan(100_000);
        expect(r.solutions).toHaveLength(32);
    });
});

describe('method adjoint', () => {
    it('optimises the solutions themselves from random starts inside the bounds', async () => {
        const spec = inversion(linear, [boxFeature('a', 0, 10), boxFeature('b', 0, 10)], [{ output: 'y', kind: 'equal', value: 10, tolerance: 0.01 }], { method: { kind: 'adjoint' }, steps: 3000, learningRate: 0.01 });
        const start = await runInversion({ ...spec, steps: 0 });
        expect(start.solutions.every((s) => s.inBounds)).toBe(true);
        expect(spread(start, ['a', 'b'], 10)).toBeGreaterThan(0.2);
        const r = await runInversion(spec);
        expect(r.method).toBe('adjoint');
        expect(r.stoppedBecause).toBe('tolerance');
        expect(r.summary.meeting).toBe(32);
        expect(r.settings).toMatchObject({ latent: null, layers: null, activation: null });
    });

    it('crosses its box within a generator-like number of steps at the default learning rate', async () => {
        // y = 2a + b = 22 needs a >= 6 and b >= 2 in [0, 10]: from random starts many raw values
        // must move several logits, which 1000 plain Adam steps of 0.001 cannot do.
        const spec = inversion(linear, [boxFeature('a', 0, 10), boxFeature('b', 0, 10)], [{ output: 'y', kind: 'equal', value: 22, tolerance: 0.022 }], { method: { kind: 'adjoint' }, steps: 1000, learningRate: 0.001, diversity: 0 });
        const r = await runInversion(spec);
        expect(r.summary.meeting).toBe(32);
        expect(r.stoppedBecause).toBe('tolerance');
    });
});

describe('results', () => {
    it('are complete, and deterministic per seed', async () => {
        const spec = inversion(linear, [boxFeature('a', 0, 10), { role: 'fixed', name: 'b', value: 1, domain: null }], [{ output: 'y', kind: 'range', low: 4, high: 6, tolerance: 0.006 }], { steps: 300, diversity: DEFAULT_DIVERSITY });
        const before = tf.memory().numTensors;
        const a = await runInversion(spec);
        expect(tf.memory().numTensors).toBe(before);
        const b = await runInversion(spec);
        const c = await runInversion({ ...spec, seed: 1 });
        expect(a.solutions).toEqual(b.solutions);
        expect(a.solutions).not.toEqual(c.solutions);
        expect(a).toMatchObject({
            schema: 'inv-result/1',
            inv: '0.3.0',
            name: 'Test',
            kind: 'inversion',
            method: 'generator',
            backend: engineTestBackend(),
            seed: 0,
            steps: 300,
            oracle: { name: 'Oracle', model: 'model.json', inputs: ['a', 'b'], outputs: ['y'], testRmse: null },
            settings: { solutions: 32, steps: 300, learningRate: 0.01, diversity: DEFAULT_DIVERSITY, latent: 4, layers: [16, 16], activation: 'relu', tolerance: { y: 0.006 }, backend: 'wasm', stopOutsideBounds: false },
            targets: [{ output: 'y', kind: 'range', value: null, low: 4, high: 6, tolerance: 0.006 }],
            summary: { best: 0 },
        });
        expect(a.loss[0][0]).toBe(0);
        expect(a.loss.every(([step, loss], i) => step === 10 * i && Number.isFinite(loss))).toBe(true);
        expect(a.seconds).toBeGreaterThan(0);
        // Each solution's output is 2a + 1; inside the range the error is 0.
        expect(a.solutions.every((s) => Math.abs(s.outputs.y - (2 * Number(s.inputs.a) + 1)) < 1e-4)).toBe(true);
        expect(a.solutions.every((s) => s.meets === s.error <= 0.006 && (s.error === 0) === (s.outputs.y >= 4 && s.outputs.y <= 6))).toBe(true);
    });
});
