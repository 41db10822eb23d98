/**
 * The fused kernel against TF.js: from the same weights and solutions, the loss and every
 * gradient agree to 1e-5 of the reference's size, for each activation, target kind,
 * feature transform (box, none, constraint functions), a softmax head, the spread term's
 * coefficients and its surrogate, the adjoint's raw values, odd sizes (padding) and runs
 * larger than one block of columns.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { FeatureTransforms } from '../../src/engine/inversion/feature-transform.js';
import { FusedProgram, type FusedParts } from '../../src/engine/inversion/fused-program.js';
import { targetLoss } from '../../src/engine/inversion/loss.js';
import { loadOracle, type Oracle } from '../../src/engine/oracle/oracle.js';
import { SpreadForce } from '../../src/engine/inversion/spread-force.js';
import type { Activation, ConstraintSpec, FeatureSpec, TargetSpec } from '../../src/engine/contract/spec.js';
import { Random } from '../../src/engine/nn/random.js';
import type { LayerActivation } from '../../src/engine/nn/dense-net.js';
import { tf } from '../../src/engine/backend/tf.js';
import { PAPER_CONSTRAINT, oracleSpec, tempFolder } from './model-fixtures.js';
import { randomLayers, relativeError, tfGeneratorGradients, tfRawGradient, writeMlpModel } from './fused-fixtures.js';

const TOLERANCE = Number(process.env.FUSED_TOL ?? 1e-5);
const INPUTS = ['a', 'b', 'c'];

beforeAll(async () => {
    await initBackend('cpu');
});

async function oracleWith(hidden: LayerActivation, sizes: number[], head: LayerActivation = 'linear', outputs = ['y', 'w']): Promise<Oracle> {
    const path = join(tempFolder(), 'model.json');
    await writeMlpModel(path, randomLayers(sizes, hidden, head, 11), { inputs: INPUTS, outputs }, head === 'softmax' ? outputs : null);
    return loadOracle(oracleSpec(path, INPUTS, outputs));
}

const box = (name: string, lo: number, hi: number): FeatureSpec => ({ role: 'free', name, domain: null, transform: { kind: 'box', box: { lo, hi }, source: 'bound' } });
const fixed = (name: string, value: number): FeatureSpec => ({ role: 'fixed', name, value, domain: null });

interface Case {
    oracle: Oracle;
    features: FeatureSpec[];
    targets: TargetSpec[];
    hidden?: Activation;
    n?: number;
    genSizes?: number[];
    diversity?: number;
}

/** Both gradients of one generator step, compared; returns the worst relative error. */
async function compareGenerator(c: Case): Promise<number> {
    const transforms = await FeatureTransforms.create(c.features);
    const free = transforms.free.length;
    const n = c.n ?? 37;
    const hidden = c.hidden ?? 'tanh';
    const latent = 5;
    const sizes = [latent, ...(c.genSizes ?? [10, 6]), free];
    const layers = randomLayers(sizes, hidden, 'linear', 3, 0.5);
    const z = new Random(5).normals(n * latent);
    const parts: FusedParts = {
        transforms,
        oracle: c.oracle,
        oracleLayers: (await c.oracle.denseLayers())!,
        targets: { kind: 'targets', targets: c.targets },
        diversity: c.diversity ?? 0,
        spreadTargets: c.targets,
    };
    const fused = new FusedProgram(parts, n, { kind: 'generator', layers, input: z, inputWidth: latent });
    const loss = targetLoss(c.targets, c.oracle);
    let coefficients: Float32Array | null = null;
    let worst = 0;
    if (parts.diversity > 0) {
        coefficients = fused.spreadCoefficients()!;
        // The TF.js spread term at the same features.
        const state = await fused.state();
        const spread = new SpreadForce(parts.diversity, n, transforms, c.oracle, c.targets);
        const x = tf.tensor2d(Float32Array.from(state.features), [n, free]);
        const reference = spread.coefficients(x);
        worst = Math.max(worst, relativeError(coefficients, reference.dataSync()));
        tf.dispose([x, reference]);
        spread.dispose();
    }
    const got = fused.gradients();
    const want = tfGeneratorGradients(layers, hidden, z, latent, { transforms, oracle: c.oracle, loss }, coefficients);
    if (!coefficients) worst = Math.max(worst, Math.abs(got.loss - want.loss) / Math.max(1e-12, Math.abs(want.loss)));
    got.generator!.forEach((g, l) => {
        worst = Math.max(worst, relativeError(g.kernel, want.grads[2 * l]), relativeError(g.bias, want.grads[2 * l + 1]));
    });
    fused.dispose();
    transforms.dispose();
    return worst;
}

const TARGETS: TargetSpec[] = [
    { output: 'y', kind: 'equal', value: 1.2, tolerance: 0.01 },
    { output: 'w', kind: 'range', low: 1, high: 1.5, tolerance: 0.01 },
];

describe('the fused kernel agrees with TF.js', () => {
    for (const activation of ['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'swish'] as const) {
        it(`for ${activation} layers (oracle and generator)`, async () => {
            const oracle = await oracleWith(activation, [3, 16, 12, 2]);
            const error = await compareGenerator({ oracle, features: [box('a', 0, 10), fixed('b', 4), box('c', -2, 3)], targets: TARGETS, hidden: activation });
            expect(error).toBeLessThan(TOLERANCE);
            oracle.dispose();
        });
    }

    it('for every target kind', async () => {
        const oracle = await oracleWith('relu', [3, 8, 2]);
        const kinds: TargetSpec[][] = [
            [{ output: 'y', kind: 'atLeast', value: 3, tolerance: 0.01 }],
            [{ output: 'y', kind: 'atMost', value: -3, tolerance: 0.01 }],
            [{ output: 'w', kind: 'maximize' }],
            [{ output: 'y', kind: 'minimize' }, { output: 'w', kind: 'equal', value: 0.7, tolerance: 0.1 }],
            // An objective beside a one-sided goal: the gate and the goal's linear penalty (loss.ts).
            [{ output: 'y', kind: 'atMost', value: 0.2, tolerance: 0.05 }, { output: 'w', kind: 'maximize' }],
            [{ output: 'y', kind: 'range', low: -0.5, high: 0.1, tolerance: 0.3 }, { output: 'w', kind: 'minimize' }],
            [{ output: 'y', kind: 'range', low: -0.5, high: 0.1, tolerance: 0.01 }],
        ];
        for (const targets of kinds) {
            const error = await compareGenerator({ oracle, features: [box('a', 0, 10), box('b', 0, 10), box('c', 0, 10)], targets });
            expect(error, JSON.stringify(targets)).toBeLessThan(TOLERANCE);
        }
        oracle.dispose();
    });

    it('for unbounded features and constraint functions (every function of the language)', async () => {
        const oracle = await oracleWith('elu', [3, 8, 2]);
        const functions: ConstraintSpec = {
            name: 'shapes',
            pieces: [
                {
                    when: [{ op: '<', left: { kind: 'x' }, right: { kind: 'num', value: 2 } }],
                    value: { kind: 'call', fn: 'max', args: [{ kind: 'call', fn: 'abs', args: [{ kind: 'x' }] }, { kind: 'call', fn: 'tanh', args: [{ kind: 'x' }] }] },
                },
                {
                    when: [
                        { op: '>=', left: { kind: 'x' }, right: { kind: 'num', value: 2 } },
                        { op: '<=', left: { kind: 'x' }, right: { kind: 'num', value: 3 } },
                    ],
                    value: { kind: 'bin', op: '^', left: { kind: 'x' }, right: { kind: 'num', value: 1.5 } },
                },
            ],
            otherwise: {
                kind: 'bin',
                op: '+',
                left: { kind: 'call', fn: 'sqrt', args: [{ kind: 'x' }] },
                right: {
                    kind: 'bin',
                    op: '-',
                    left: { kind: 'call', fn: 'log', args: [{ kind: 'x' }] },
                    right: { kind: 'call', fn: 'min', args: [{ kind: 'call', fn: 'exp', args: [{ kind: 'neg', arg: { kind: 'x' } }] }, { kind: 'call', fn: 'sigmoid', args: [{ kind: 'x' }] }] },
                },
            },
        };
        const features: FeatureSpec[] = [
            { role: 'free', name: 'a', domain: { lo: 0, hi: 10 }, transform: { kind: 'none' } },
            { role: 'free', name: 'b', domain: null, transform: { kind: 'constraint', box: { lo: 0, hi: 100 }, constraint: PAPER_CONSTRAINT } },
            { role: 'free', name: 'c', domain: null, transform: { kind: 'constraint', box: { lo: 0, hi: 5 }, constraint: functions } },
        ];
        // Large generator outputs so that u reaches every piece.
        const error = await compareGenerator({ oracle, features, targets: TARGETS, genSizes: [12] });
        expect(error).toBeLessThan(TOLERANCE);
        oracle.dispose();
    });

    it('for a softmax head (a classifier oracle)', async () => {
        const oracle = await oracleWith('relu', [3, 12, 3], 'softmax', ['p', 'q', 'r']);
        const targets: TargetSpec[] = [{ output: 'q', kind: 'atLeast', value: 0.9, tolerance: 0.01 }];
        expect(await compareGenerator({ oracle, features: [box('a', 0, 10), box('b', 0, 10), box('c', 0, 10)], targets })).toBeLessThan(TOLERANCE);
        oracle.dispose();
    });

    it('for the spread term: its coefficients, and the gradient with its surrogate', async () => {
        const oracle = await oracleWith('relu', [3, 16, 2]);
        const error = await compareGenerator({ oracle, features: [box('a', 0, 10), box('b', 0, 10), box('c', 0, 10)], targets: TARGETS, diversity: 0.15, n: 64 });
        expect(error).toBeLessThan(1e-4);
        oracle.dispose();
    });

    it('for wide layers and more solutions than one block of columns', async () => {
        const oracle = await oracleWith('relu', [3, 130, 65, 2]);
        const error = await compareGenerator({ oracle, features: [box('a', 0, 10), fixed('b', 2), box('c', 0, 10)], targets: TARGETS, n: 1100, genSizes: [33] });
        expect(error).toBeLessThan(TOLERANCE);
        oracle.dispose();
    });

    it('for the adjoint (raw values optimised directly)', async () => {
        const oracle = await oracleWith('swish', [3, 16, 2]);
        const transforms = await FeatureTransforms.create([box('a', 0, 10), fixed('b', 1), box('c', 0, 10)]);
        const n = 21;
        const u = new Random(9).normals(n * 2);
        const parts: FusedParts = { transforms, oracle, oracleLayers: (await oracle.denseLayers())!, targets: { kind: 'targets', targets: TARGETS }, diversity: 0, spreadTargets: TARGETS };
        const scale = 10;
        const fused = new FusedProgram(parts, n, { kind: 'raw', start: u, scale });
        const got = fused.gradients();
        const want = tfRawGradient(u, { transforms, oracle, loss: targetLoss(TARGETS, oracle) });
        expect(Math.abs(got.loss - want.loss) / want.loss).toBeLessThan(TOLERANCE);
        expect(relativeError(got.raw!, want.grad.map((g) => g * scale))).toBeLessThan(TOLERANCE);
        oracle.dispose();
        transforms.dispose();
    });
});
