/**
 * `inv check` and `inv run` on ONNX and Keras oracles, as a user runs them: the built CLI
 * (out/cli.cjs, with h5wasm in out/hdf5.cjs) on copies of the fixtures.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import type { InvResult } from '../../src/engine/contract/results.js';
import { fixtureFile } from '../engine/imported-models/fixture-points.js';
import { assertBuilt, inv, scratch } from './cli-process.js';

const FILE = `
oracle Scaled {
  model "torch-scaled.onnx"
  inputs x1 in [0, 500], x2 in [0, 500], x3 in [0, 500], x4 in [0, 500]
  outputs y
}

oracle Diabetes {
  model "sklearn-regressor.onnx"
  inputs age in [-0.1, 0.15], sex in [-0.1, 0.15], bmi in [-0.1, 0.15], bp in [-0.1, 0.15], s1 in [-0.1, 0.15],
         s2 in [-0.1, 0.15], s3 in [-0.1, 0.15], s4 in [-0.1, 0.15], s5 in [-0.1, 0.15], s6 in [-0.1, 0.15]
  outputs progression
}

oracle Species {
  model "keras-functional.keras"
  inputs a in [-2, 2], b in [-2, 2], c in [-2, 2], d in [-2, 2]
  outputs p, q, r
}

inversion Target {
  oracle Scaled
  target y = 1900
  fix x4 = 100
  solutions 16
  steps 400
  seed 3
}

inversion Low {
  oracle Diabetes
  target progression <= 100
  fix sex = 0
  solutions 16
  steps 300
}

inversion Likely {
  oracle Species
  target q >= 0.6
  solutions 16
  steps 400
}
`;

let dir: string;

beforeAll(() => {
    assertBuilt();
    dir = scratch({ 'models.inv': FILE });
    for (const f of ['torch-scaled.onnx', 'sklearn-regressor.onnx', 'keras-functional.keras']) copyFileSync(fixtureFile(f), join(dir, f));
});

describe('inv on ONNX and Keras oracles', () => {
    it('checks the file: no diagnostics', async () => {
        const r = await inv(['check', 'models.inv'], dir);
        expect(r.stdout + r.stderr).toBe('');
        expect(r.code).toBe(0);
    });

    it('runs every inversion on them', async () => {
        const r = await inv(['run', 'models.inv', '--out', 'r.json', '--quiet'], dir);
        expect(r.code, r.stderr).toBe(0);
        const results = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as InvResult[];
        expect(results.map((x) => [x.name, x.oracle.model])).toEqual([
            ['Target', 'torch-scaled.onnx'], ['Low', 'sklearn-regressor.onnx'], ['Likely', 'keras-functional.keras'],
        ]);
        const [target, low, likely] = results;
        expect(target.solutions[0].meets).toBe(true);
        expect(Math.abs(target.solutions[0].outputs.y - 1900)).toBeLessThanOrEqual(target.targets[0].tolerance!);
        expect(target.solutions.every((s) => s.inputs.x4 === 100)).toBe(true);
        expect(low.solutions[0].outputs.progression).toBeLessThanOrEqual(100 + low.targets[0].tolerance!);
        // A softmax head: probabilities, with the probability tolerance.
        expect(likely.targets[0].tolerance).toBe(0.01);
        const best = likely.solutions[0].outputs;
        expect(best.q).toBeGreaterThanOrEqual(0.6 - 0.01);
        expect(best.p + best.q + best.r).toBeCloseTo(1, 5);
        // The oracle records no training: no test RMSE.
        expect(target.oracle.testRmse).toBeNull();
    });

    it('reports an unsupported or corrupt model on its line, and runs nothing', async () => {
        const bad = scratch({
            'bad.inv': 'oracle A {\n  model "trunc.onnx"\n  inputs a in [0, 1]\n  outputs y\n}\noracle B {\n  model "trunc.keras"\n  inputs a in [0, 1]\n  outputs y\n}\ninversion I {\n  oracle A\n  target y = 1\n}\n',
        });
        writeFileSync(join(bad, 'trunc.onnx'), readFileSync(fixtureFile('torch-relu.onnx')).subarray(0, 1000));
        writeFileSync(join(bad, 'trunc.keras'), readFileSync(fixtureFile('keras-functional.keras')).subarray(0, 1000));
        const check = await inv(['check', 'bad.inv'], bad);
        expect(check.code).toBe(1);
        expect(check.stdout.trim().split('\n')).toEqual([
            expect.stringMatching(/^bad\.inv:2:9 error model-unreadable cannot use trunc\.onnx: it is not a valid ONNX file/),
            expect.stringMatching(/^bad\.inv:7:9 error model-unreadable cannot use trunc\.keras: it is not a valid \.keras archive/),
        ]);
        const run = await inv(['run', 'bad.inv', '--out', 'r.json'], bad);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/bad\.inv:2:9 error model-unreadable/);
        expect(run.stderr).not.toMatch(/^\s+at /m);
    });
});
