/**
 * The webgpu backend (Dawn through the `webgpu` package) on a software Vulkan adapter: its
 * arithmetic must agree with the cpu backend's over the first steps from the same weights
 * (DESIGN.md, "Compute backends"). Run by `npm run test:webgpu` (test/webgpu/run.sh), which
 * provides Mesa's lavapipe; on a GPU machine `npx vitest run --config test/webgpu/vitest.config.ts`
 * runs the same file against its real adapter.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InvResult, Solution } from '../../src/engine/contract/results.js';
import { assertBuilt, inv, scratch, tinyCsv, TINY_ORACLE } from '../cli/cli-process.js';

/** run.sh sets `software` (lavapipe); on a GPU machine the suite expects a real adapter. */
const ADAPTER = process.env.INV_WEBGPU_ADAPTER === 'software' ? 'software' : 'hardware';
const PAPER = new URL('../../examples/paper/', import.meta.url);
const FIXTURES = new URL('../engine/imported-models/', import.meta.url);

const RUNS = `
oracle Poly4 {
  model "poly4/model.json"
  inputs x1 in [0, 500], x2 in [0, 500], x3 in [0, 500], x4 in [0, 500]
  outputs y
}
inversion Plain { oracle Poly4 target y = 1900 fix x4 = 10 solutions 64 steps 100 seed 7 diversity 0 }
inversion Spread { oracle Poly4 target y = 1900 solutions 64 steps 100 seed 3 }
inversion Box { oracle Poly4 target y = 1900 fix x4 = 100 bound x1, x2, x3 in [0, 100] solutions 32 steps 100 diversity 0 }
inversion Adjoint { oracle Poly4 target y in [1000, 1100] fix x1 = 20 method adjoint solutions 32 steps 100 diversity 0 }
`;

/** A general graph (GELU through Erf), a recognised MLP (SiLU) and a Keras functional model. */
const IMPORTED = `
oracle Gelu { model "torch-gelu.onnx" inputs a in [-2, 2], b in [-2, 2], c in [-2, 2], d in [-2, 2] outputs y }
oracle Silu { model "torch-silu.onnx" inputs a in [-2, 2], b in [-2, 2], c in [-2, 2], d in [-2, 2] outputs y }
oracle Species { model "keras-functional.keras" inputs a in [-2, 2], b in [-2, 2], c in [-2, 2], d in [-2, 2] outputs p, q, r }
inversion G { oracle Gelu target y = 0.3 solutions 32 steps 100 seed 1 diversity 0 }
inversion S { oracle Silu target y = 0.1 solutions 32 steps 100 seed 2 diversity 0 }
inversion K { oracle Species target q >= 0.7 solutions 32 steps 100 seed 3 diversity 0 }
`;

let dir: string;
let cpu: InvResult[] = [];
let gpu: InvResult[] = [];

function results(backend: string): Promise<InvResult[]> {
    return inv(['run', 'runs.inv', '--backend', backend, '--out', `${backend}.json`, '--quiet'], dir).then((r) => {
        if (r.code !== 0) throw new Error(`inv run --backend ${backend} exited ${r.code}:\n${r.stderr}`);
        return JSON.parse(readFileSync(join(dir, `${backend}.json`), 'utf8')) as InvResult[];
    });
}

function relative(a: number, b: number): number {
    return Math.abs(a - b) / Math.max(1e-9, Math.abs(a), Math.abs(b));
}

beforeAll(() => {
    assertBuilt();
    dir = scratch({ 'runs.inv': RUNS, 'imported.inv': IMPORTED, 'tiny.csv': tinyCsv(), 'tiny.inv': TINY_ORACLE.replace('epochs 30', 'epochs 5') });
    cpSync(new URL('models/poly4', PAPER), join(dir, 'poly4'), { recursive: true });
});

describe('the webgpu backend on a software adapter', () => {
    it('is found; a software adapter is named so and never chosen by auto, a real one is', async () => {
        const r = await inv(['backends'], dir);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^webgpu\s+yes\s/m);
        if (ADAPTER === 'software') {
            expect(r.stdout).toMatch(/^webgpu\s+yes\s+only a software adapter/m);
            expect(r.stdout).not.toMatch(/`backend auto` uses: webgpu/);
        } else {
            expect(r.stdout).toMatch(/`backend auto` uses: (webgpu|tensorflow)/);
        }
    });

    it('agrees with cpu over the first 100 steps: loss curve, solutions and their outputs', async () => {
        [cpu, gpu] = [await results('cpu'), await results('webgpu')];
        expect(gpu.map((r) => r.backend)).toEqual(gpu.map(() => 'webgpu'));
        for (const [c, g] of cpu.map((r, i) => [r, gpu[i]] as const)) {
            if (c.name === 'Spread') continue; // below
            expect(g.stepsRun, g.name).toBe(c.stepsRun);
            expect(g.loss.map(([step]) => step)).toEqual(c.loss.map(([step]) => step));
            const lossGap = Math.max(...c.loss.map(([, l], i) => relative(l, g.loss[i][1])));
            expect(lossGap, `${c.name}: largest relative loss difference`).toBeLessThan(1e-4);
            // Solutions are sorted by their error, and near-equal errors may order differently on
            // two backends: compare each column's sorted values.
            const columns = [...c.oracle.inputs.map((f) => (x: Solution) => Number(x.inputs[f])), ...c.oracle.outputs.map((o) => (x: Solution) => x.outputs[o])];
            for (const column of columns) {
                const [a, b] = [c, g].map((r) => r.solutions.map(column).sort((p, q) => p - q));
                const gap = Math.max(...a.map((v, i) => relative(v, b[i])));
                expect(gap, `${c.name}: a column of the solutions`).toBeLessThan(1e-4);
            }
            expect(g.summary.meeting, c.name).toBe(c.summary.meeting);
        }
    });

    it('gives the spread term the same effect as cpu does', () => {
        // Nearest-neighbour repulsion is discontinuous: which neighbour is nearest among the
        // generator's first, nearly identical outputs is decided by rounding, so trajectories
        // drift apart after the first steps on any two backends (cpu and wasm too, measured:
        // 1e-3 relative by step 20). The first loss must agree; what the term does must match.
        const [c, g] = [cpu.find((r) => r.name === 'Spread')!, gpu.find((r) => r.name === 'Spread')!];
        expect(relative(c.loss[0][1], g.loss[0][1])).toBeLessThan(1e-5);
        const spread = (r: InvResult) => {
            const columns = ['x1', 'x2', 'x3', 'x4'].map((f) => r.solutions.map((s) => Number(s.inputs[f])));
            return columns.map((v) => Math.sqrt(v.reduce((a, x) => a + (x - v.reduce((p, q) => p + q, 0) / v.length) ** 2, 0) / v.length)).reduce((a, b) => a + b, 0) / 4;
        };
        expect(relative(spread(c), spread(g))).toBeLessThan(0.1);
        expect(Math.abs(c.summary.meeting - g.summary.meeting)).toBeLessThanOrEqual(0.1 * c.solutions.length);
    });

    it('inverts ONNX and Keras models as cpu does: their imported operations and gradients run on webgpu', async () => {
        for (const f of ['torch-gelu.onnx', 'torch-silu.onnx', 'keras-functional.keras']) cpSync(new URL(f, FIXTURES), join(dir, f));
        const runs = (backend: string) => inv(['run', 'imported.inv', '--backend', backend, '--out', `imported-${backend}.json`, '--quiet'], dir).then((r) => {
            if (r.code !== 0) throw new Error(`inv run --backend ${backend} exited ${r.code}:\n${r.stderr}`);
            return JSON.parse(readFileSync(join(dir, `imported-${backend}.json`), 'utf8')) as InvResult[];
        });
        const [c, g] = [await runs('cpu'), await runs('webgpu')];
        for (const [a, b] of c.map((r, i) => [r, g[i]] as const)) {
            expect(b.backend).toBe('webgpu');
            const lossGap = Math.max(...a.loss.map(([, l], i) => relative(l, b.loss[i][1])));
            expect(lossGap, `${a.name}: largest relative loss difference`).toBeLessThan(1e-4);
            for (const o of a.oracle.outputs) {
                const [x, y] = [a, b].map((r) => r.solutions.map((s) => s.outputs[o]).sort((p, q) => p - q));
                expect(Math.max(...x.map((v, i) => relative(v, y[i]))), `${a.name}: output ${o}`).toBeLessThan(1e-4);
            }
        }
    }, 180_000);

    it('runs what reads solutions back on the host: a `require` relation, and the nearest neighbours of over 4,096 solutions', async () => {
        // Both read tensors back (Dykstra's projection, the k-d tree): webgpu cannot do it
        // synchronously in Node, so these paths must read asynchronously or stay on the device.
        const file = `${RUNS.split('inversion')[0]}
inversion Related { oracle Poly4 target y = 1900 fix x4 = 10 require x1 + x2 <= 600 solutions 32 steps 60 seed 5 }
inversion Many { oracle Poly4 target y = 1900 fix x4 = 10 solutions 4100 steps 3 seed 6 }
`;
        writeFileSync(join(dir, 'host-reads.inv'), file);
        const r = await inv(['run', 'host-reads.inv', '--backend', 'webgpu', '--out', 'host-reads.json', '--quiet'], dir);
        expect(r.code, r.stderr).toBe(0);
        const [related, many] = JSON.parse(readFileSync(join(dir, 'host-reads.json'), 'utf8')) as InvResult[];
        expect(related.backend).toBe('webgpu');
        expect(related.summary.violations ?? 0).toBe(0);
        for (const s of related.solutions) expect(Number(s.inputs.x1) + Number(s.inputs.x2)).toBeLessThanOrEqual(600 + 1e-6);
        expect(many.solutions).toHaveLength(4100);
    }, 240_000);

    it('trains an oracle to the same test error as cpu', async () => {
        const rmse: number[] = [];
        for (const backend of ['cpu', 'webgpu']) {
            const r = await inv(['train', 'tiny.inv', '--backend', backend, '--quiet'], dir);
            expect(r.code, r.stderr).toBe(0);
            rmse.push(JSON.parse(readFileSync(join(dir, 'model/model.json'), 'utf8')).userDefinedMetadata.inv.testRmse.y);
        }
        expect(relative(rmse[0], rmse[1])).toBeLessThan(1e-3);
    });
});
