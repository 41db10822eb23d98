/**
 * Syntheses on a small budget, judged where it matters: on the TRUE function of the paper
 * (with the committed oracle examples/paper/models/poly4), not on the oracle that made them.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { engineTestBackend } from './engine-test-backend.js';
import { ksDistance } from '../../src/engine/synthesis/ks.js';
import { Random } from '../../src/engine/nn/random.js';
import type { InvResult } from '../../src/engine/contract/results.js';
import type { FeatureSpec, OracleSpec, SynthesisSpec } from '../../src/engine/contract/spec.js';
import { runSynthesis } from '../../src/engine/synthesis/synthesize.js';
import { tf } from '../../src/engine/backend/tf.js';
import { trainOracle } from '../../src/engine/oracle/train.js';
import { poly4, tempFolder } from './model-fixtures.js';

const PAPER = fileURLToPath(new URL('../../examples/paper/', import.meta.url));
const X = ['x1', 'x2', 'x3', 'x4'];
const domain = { lo: 0, hi: 500 };
const paper: OracleSpec = {
    name: 'Poly4',
    modelPath: join(PAPER, 'models/poly4/model.json'),
    modelPathAsWritten: 'models/poly4/model.json',
    inputs: X.map((name) => ({ name, domain })),
    outputs: ['y'],
    training: null,
};
let dir: string;
let dataY: number[];

function features(fixed: Record<string, number> = {}): FeatureSpec[] {
    return X.map((name): FeatureSpec =>
        name in fixed ? { role: 'fixed', name, value: fixed[name], domain } : { role: 'free', name, domain, transform: { kind: 'box', box: domain, source: 'domain' } },
    );
}

function synthesis(overrides: Partial<SynthesisSpec>): SynthesisSpec {
    return {
        kind: 'synthesis',
        name: 'Synth',
        source: '/tmp/synth.inv',
        sourceHash: '0',
        oracle: paper,
        features: features(),
        stopOutsideBounds: false,
        method: { kind: 'generator', latent: 8, layers: [32, 32], activation: 'relu' },
        steps: 600,
        learningRate: 0.001,
        seed: 1,
        diversity: 0.15,
        backend: 'wasm',
        reference: { kind: 'column', output: 'y', path: join(PAPER, 'data/poly4-train.csv'), column: 'y', tolerance: 3.371 },
        count: 300,
        outputPath: join(dir, 'out', 'rows.csv'),
        outputPathAsWritten: 'out/rows.csv',
        ...overrides,
    };
}

/** The CSV a synthesis wrote: header and numeric rows. */
function readRows(path: string): { header: string[]; rows: number[][] } {
    const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
    return { header: header.split(','), rows: lines.map((l) => l.split(',').map(Number)) };
}

beforeAll(async () => {
    // fused-suites.test.ts runs this suite again on the fused kernel.
    await initBackend(engineTestBackend());
    dir = tempFolder('inv-synthesis-');
    dataY = readFileSync(join(PAPER, 'data/poly4-train.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
});

describe('runSynthesis on the paper oracle', () => {
    it('like the data`s y: the TRUE f of the rows written follows the data`s y (KS), every input then the output, no tensor left', async () => {
        const before = tf.memory().numTensors;
        const result = await runSynthesis(synthesis({}));
        expect(tf.memory().numTensors).toBe(before);

        const { header, rows } = readRows(join(dir, 'out', 'rows.csv'));
        expect(header).toEqual(['x1', 'x2', 'x3', 'x4', 'y']);
        expect(rows.length).toBe(300);
        const truth = rows.map((r) => poly4(r.slice(0, 4)));
        expect(ksDistance(truth, dataY)).toBeLessThan(0.06);

        const s = result.synthesis!;
        expect(result.kind).toBe('synthesis');
        expect(s).toMatchObject({ output: 'out/rows.csv', count: 300, overwritten: false });
        expect(s.ks).toBeLessThan(0.06);
        // The report's KS is the oracle's outputs of the rows written against the data's y.
        expect(s.ks).toBeCloseTo(ksDistance(rows.map((r) => r[4]), dataY), 2);
        expect(s.distinct).toBe(300);
        expect(s.assigned.length).toBe(300);
        expect(result.solutions.length).toBe(300);
        expect(result.targets).toEqual([{ output: 'y', kind: 'distribution', value: null, low: null, high: null, tolerance: 3.371 }]);
        expect(result.settings).toMatchObject({ count: 300, solutions: 300, batch: 256, tolerance: { y: 3.371 } });
        // Solutions are the rows in CSV order; each is judged against its own assigned target.
        result.solutions.forEach((sol, i) => {
            expect(sol.inputs.x1).toBeCloseTo(rows[i][0], 2);
            expect(sol.error).toBeCloseTo(Math.abs(sol.outputs.y - s.assigned[i]), 3);
            expect(sol.meets).toBe(sol.error <= 3.371);
        });
        expect(s.meeting).toBeCloseTo(result.solutions.filter((r) => r.meets).length / 300, 12);
        expect(s.meeting).toBeGreaterThan(0.3);
        const best = result.solutions[result.summary.best];
        expect(result.solutions.every((r) => r.error >= best.error)).toBe(true);
        expect(result.loss.length).toBeGreaterThan(10);
    });

    it('y in [1500, 1800] with x4 fixed: rows truly in range, x4 exact, distinct; a file inv did not write is replaced only with `overwrite`, and the summary says so', async () => {
        const spec = synthesis({
            features: features({ x4: 250 }),
            reference: { kind: 'range', output: 'y', low: 1500, high: 1800, tolerance: 1.8 },
            count: 200,
            outputPath: join(dir, 'range.csv'),
            outputPathAsWritten: 'range.csv',
        });
        writeFileSync(spec.outputPath, 'old content\n', { mode: 0o600 });
        // Refused before anything trains; the file is untouched.
        await expect(runSynthesis(spec)).rejects.toThrow(/output-exists/);
        expect(readFileSync(spec.outputPath, 'utf8')).toBe('old content\n');
        const result = await runSynthesis({ ...spec, overwrite: true });
        // A replaced file keeps its mode.
        expect(statSync(spec.outputPath).mode & 0o777).toBe(0o600);
        const { rows } = readRows(spec.outputPath);
        expect(rows.length).toBe(200);
        expect(rows.every((r) => r[3] === 250)).toBe(true);
        const inRange = rows.filter((r) => {
            const f = poly4(r.slice(0, 4));
            return f >= 1500 && f <= 1800;
        }).length;
        expect(inRange / rows.length).toBeGreaterThanOrEqual(0.9);
        expect(new Set(rows.map((r) => r.slice(0, 4).map((v) => v.toPrecision(6)).join())).size).toBeGreaterThanOrEqual(100);
        expect(result.synthesis!.overwritten).toBe(true);
        expect(result.summary.note).toContain('range.csv existed and was overwritten');
        expect(result.synthesis!.ks).toBeLessThan(0.15);
        expect(result.targets[0]).toMatchObject({ kind: 'range', low: 1500, high: 1800 });
        expect(result.synthesis!.reference.every((v) => v >= 1500 && v <= 1800)).toBe(true);
    });

    it('is deterministic for a seed; the neural-adjoint method works too', async () => {
        const spec = synthesis({ count: 40, steps: 200, outputPath: join(dir, 'a.csv') });
        await runSynthesis(spec);
        await runSynthesis({ ...spec, outputPath: join(dir, 'b.csv') });
        expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe(readFileSync(join(dir, 'b.csv'), 'utf8'));
        const adjoint = await runSynthesis({ ...spec, method: { kind: 'adjoint' }, learningRate: 0.05, steps: 300, outputPath: join(dir, 'c.csv') });
        expect(adjoint.settings.batch).toBeNull();
        expect(adjoint.synthesis!.meeting).toBeGreaterThan(0.5);
    });

    it('cancelled: writes the rows as they stand and says so', async () => {
        const abort = new AbortController();
        const before = tf.memory().numTensors;
        const result = await runSynthesis(synthesis({ steps: 5000, outputPath: join(dir, 'cancelled.csv') }), {
            signal: abort.signal,
            onProgress: (p) => p.step > 50 && abort.abort(),
        });
        expect(result.stoppedBecause).toBe('cancelled');
        expect(result.stepsRun).toBeLessThan(5000);
        expect(readRows(join(dir, 'cancelled.csv')).rows.length).toBe(300);
        expect(tf.memory().numTensors).toBe(before);
    });

    it('a goal on an output with no recorded range, and a missing reference CSV, fail with what to do', async () => {
        await expect(runSynthesis(synthesis({ reference: { kind: 'column', output: 'y', path: join(dir, 'none.csv'), column: 'y', tolerance: 1 } }))).rejects.toThrow(/none\.csv.*file not found/);
        expect(existsSync(join(dir, 'none.csv'))).toBe(false);
    });
});

describe('runSynthesis on a classifier', () => {
    it('a class probability goal (>= 0.9): the rows written are that class with at least that probability', async () => {
        // Two measurements, three classes: A left of u = 4, B right of it and below v = 5, C above.
        const random = new Random(9);
        const lines = ['u,v,kind'];
        for (let i = 0; i < 500; i++) {
            const [u, v] = [10 * random.next(), 10 * random.next()];
            lines.push(`${u.toFixed(3)},${v.toFixed(3)},${u < 4 ? 'A' : v < 5 ? 'B' : 'C'}`);
        }
        mkdirSync(join(dir, 'cls'), { recursive: true });
        writeFileSync(join(dir, 'cls', 'data.csv'), lines.join('\n') + '\n');
        const oracle: OracleSpec = {
            name: 'Kind',
            modelPath: join(dir, 'cls', 'model.json'),
            modelPathAsWritten: 'model.json',
            inputs: [{ name: 'u', domain: null }, { name: 'v', domain: null }],
            outputs: ['A', 'B', 'C'],
            training: { dataPath: join(dir, 'cls', 'data.csv'), testPath: null, layers: [16], activation: 'relu', epochs: 40, batch: 32, learningRate: 0.001, validation: 0.1, seed: 0, skipMissing: false, classify: 'kind' },
        };
        await trainOracle(oracle);
        const box = { lo: 0, hi: 10 };
        const before = tf.memory().numTensors;
        const result = await runSynthesis(
            synthesis({
                oracle,
                features: ['u', 'v'].map((name): FeatureSpec => ({ role: 'free', name, domain: box, transform: { kind: 'box', box, source: 'domain' } })),
                reference: { kind: 'atLeast', output: 'B', value: 0.9, tolerance: 0.01 },
                count: 100,
                outputPath: join(dir, 'cls', 'more-b.csv'),
            }),
        );
        expect(tf.memory().numTensors).toBe(before);
        const { header, rows } = readRows(join(dir, 'cls', 'more-b.csv'));
        expect(header).toEqual(['u', 'v', 'A', 'B', 'C']);
        const meeting = rows.filter((r) => r[3] >= 0.89).length / rows.length;
        expect(meeting).toBeGreaterThanOrEqual(0.9);
        // Truly B by the rule that made the data (the oracle learnt it): right of u = 4, below v = 5.
        expect(rows.filter((r) => r[0] > 4 && r[1] < 5).length / rows.length).toBeGreaterThanOrEqual(0.9);
        const s = result.synthesis!;
        expect(s.ks).toBeNull();
        expect(s.meeting).toBeCloseTo(rows.filter((r) => r[3] >= 0.89 - 1e-6).length / rows.length, 1);
        expect(s.assigned.every((t) => t >= 0.9 && t <= 1)).toBe(true);
        expect(result.targets[0]).toMatchObject({ output: 'B', kind: 'atLeast', value: 0.9 });
        expect(result.oracle.testRmse).not.toBeNull();
    });
});

export type { InvResult };
