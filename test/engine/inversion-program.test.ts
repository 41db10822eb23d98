import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { adjointProgram } from '../../src/engine/inversion/adjoint.js';
import { initBackend } from '../../src/engine/backend/backend.js';
import { FeatureTransforms } from '../../src/engine/inversion/feature-transform.js';
import { generatorProgram } from '../../src/engine/inversion/generator.js';
import type { InversionProgram } from '../../src/engine/inversion/inversion-program.js';
import { targetLoss } from '../../src/engine/inversion/loss.js';
import { loadOracle, type Oracle } from '../../src/engine/oracle/oracle.js';
import { SpreadForce } from '../../src/engine/inversion/spread-force.js';
import type { TargetSpec } from '../../src/engine/contract/spec.js';
import { tf } from '../../src/engine/backend/tf.js';
import { boxFeature, oracleSpec, tempFolder, writeLinearModel } from './model-fixtures.js';

let oracle: Oracle;
let transforms: FeatureTransforms;
const targets: TargetSpec[] = [{ output: 'y', kind: 'equal', value: 10, tolerance: 0.01 }];

beforeAll(async () => {
    await initBackend('wasm');
    const path = join(tempFolder(), 'model.json');
    await writeLinearModel(path, [[2], [1], [0.5]], [0]);
    oracle = await loadOracle(oracleSpec(path, ['a', 'b', 'c'], ['y']));
    transforms = await FeatureTransforms.create([boxFeature('a', 0, 10), boxFeature('b', 0, 10), { role: 'fixed', name: 'c', value: 2, domain: null }]);
});

function parts(spread: boolean) {
    const loss = targetLoss(targets, oracle);
    return { transforms, oracle, loss, spread: spread ? new SpreadForce(0.15, 16, transforms, oracle, targets) : null };
}

/**
 * numTensors after each of three rounds of 12 steps (results disposed). 12: a multiple of
 * the steps between two spread computations, whose inputs the program keeps in between.
 */
async function tensorsAcrossSteps(program: InversionProgram, spreading: boolean): Promise<number[]> {
    const counts: number[] = [];
    for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 12; i++) {
            const r = program.step(0.01, spreading);
            tf.dispose([r.loss, r.health]);
        }
        await program.state();
        counts.push(tf.memory().numTensors);
    }
    return counts;
}

describe('inversion programs', () => {
    it('keep the number of tensors flat across steps, with and without the spread term, and leave none', async () => {
        const before = tf.memory().numTensors;
        const method = { kind: 'generator' as const, latent: 4, layers: [8, 8], activation: 'relu' as const };
        for (const spread of [false, true]) {
            const program = generatorProgram(method, 16, 0, parts(spread));
            const counts = await tensorsAcrossSteps(program, spread);
            expect(new Set(counts).size).toBe(1);
            const refined = await program.refine();
            const refinedCounts = await tensorsAcrossSteps(refined, false);
            expect(new Set(refinedCounts).size).toBe(1);
            refined.dispose();
        }
        const adjoint = adjointProgram(16, 0, parts(true));
        expect(new Set(await tensorsAcrossSteps(adjoint, true)).size).toBe(1);
        adjoint.dispose();
        expect(tf.memory().numTensors).toBe(before);
    });

    it('report the state in user units, fixed features spliced in before the oracle', async () => {
        const program = adjointProgram(4, 3, parts(false));
        const s = await program.state();
        for (let i = 0; i < 4; i++) {
            const [a, b] = [s.features[2 * i], s.features[2 * i + 1]];
            expect(s.outputs[i]).toBeCloseTo(2 * a + b + 0.5 * 2, 4);
        }
        program.dispose();
    });

    it('refine the generator\'s solutions one by one from where they are', async () => {
        const method = { kind: 'generator' as const, latent: 4, layers: [8, 8], activation: 'relu' as const };
        const program = generatorProgram(method, 16, 0, parts(false));
        for (let i = 0; i < 20; i++) tf.dispose(Object.values(program.step(0.01, false)));
        const before = await program.state();
        const refined = await program.refine();
        const after = await refined.state();
        // The same values, up to float32 rounding (the refined raw values are scaled: adjoint-scale.ts).
        Array.from(after.features).forEach((v, i) => expect(v).toBeCloseTo(before.features[i], 5));
        refined.dispose();
    });
});
