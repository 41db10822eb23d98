/**
 * Typed design spaces through the `inv` command as a real process: training on a CSV with a
 * label column and a whole-number column (the labels recorded in the model), a label outside
 * the list as a `data-value` error naming it, and a run whose written JSON and CSV hold
 * labels, whole numbers and relations to 1e-9.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InvResult } from '../../src/engine/contract/results.js';
import { assertBuilt, inv, scratch } from './cli-process.js';

const LABELS = ['wood', 'glass', 'steel'];
const BONUS: Record<string, number> = { wood: 0, glass: 3, steel: 10 };

/** y = a + b + n / 4 + bonus(material): a, b in [0, 5], n whole in [0, 8]. */
function typedCsv(rows = 600): string {
    let s = 7;
    const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    const lines = ['material,a,b,n,y'];
    for (let i = 0; i < rows; i++) {
        const m = LABELS[Math.floor(3 * random())];
        const a = Number((5 * random()).toFixed(3));
        const b = Number((5 * random()).toFixed(3));
        const n = Math.floor(9 * random());
        lines.push([m, a, b, n, (a + b + n / 4 + BONUS[m]).toFixed(4)].join(','));
    }
    return lines.join('\n') + '\n';
}

const ORACLE = `oracle Typed {
  model "model/model.json"
  data "typed.csv"
  inputs material of { wood, glass, steel }, a in [0, 5], b in [0, 5], n integer in [0, 8]
  outputs y
  layers 32, 32
  epochs 60
  batch 32
}
`;

const RUNS = `
inversion Fourteen {
  oracle Typed
  target y = 14 tolerance 0.2
  bound material in { glass, steel }
  require a + b = 3
  require a - b >= -1
  solutions 24
  steps 400
  seed 2
}
`;

let dir: string;

beforeAll(async () => {
    assertBuilt();
    dir = scratch({ 'typed.csv': typedCsv(), 'typed.inv': ORACLE + RUNS });
    const r = await inv(['train', 'typed.inv', '--quiet'], dir);
    if (r.code !== 0) throw new Error(`training failed (exit ${r.code}):\n${r.stderr}`);
});

describe('inv train with typed inputs', () => {
    it('records each input\'s type and a categorical one\'s labels in the model', () => {
        const model = JSON.parse(readFileSync(join(dir, 'model/model.json'), 'utf8'));
        const inputs = model.userDefinedMetadata.inv.inputs;
        expect(inputs[0]).toMatchObject({ name: 'material', type: 'categorical', labels: LABELS });
        expect(inputs[3]).toMatchObject({ name: 'n', type: 'integer', min: 0, max: 8 });
        // One model column per label: 3 + 3 inputs.
        expect(model.modelTopology.config.layers[0].config.batch_input_shape).toEqual([null, 6]);
    });

    it('reports a label outside the list as a data-value error naming it, with its line', async () => {
        const bad = scratch({ 'typed.csv': typedCsv(20).replace(/\nglass,/, '\niron,'), 'typed.inv': ORACLE });
        const r = await inv(['train', 'typed.inv', '--quiet'], bad);
        expect(r.code).toBe(1);
        expect(r.stderr + r.stdout).toMatch(/typed\.csv:\d+:1 error data-value 'iron' is not a label of material \(declared: wood, glass, steel\)/);
    });
});

describe('inv run with typed inputs and relations', () => {
    it('writes labels, whole numbers and relations held to 1e-9 in the JSON and the CSV', async () => {
        const json = await inv(['run', 'typed.inv', '--out', 'r.json', '--quiet', '--backend', 'wasm'], dir);
        expect(json.code, json.stderr).toBe(0);
        const [result] = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as InvResult[];
        expect(result.summary.violations).toBe(0);
        for (const s of result.solutions) {
            expect(['glass', 'steel']).toContain(s.inputs.material);
            expect(Number.isInteger(s.inputs.n)).toBe(true);
            const [a, b] = [Number(s.inputs.a), Number(s.inputs.b)];
            expect(Math.abs(a + b - 3)).toBeLessThanOrEqual(3e-9);
            expect(a - b).toBeGreaterThanOrEqual(-1 - 1e-9);
        }
        // With a + b = 3, glass tops out at 3 + 8 / 4 + 3 = 8: only steel reaches 14, at n = 4.
        expect(result.summary.labelShares).toEqual([{ feature: 'material', shares: { wood: 0, glass: 0, steel: 1 } }]);
        expect(result.solutions.filter((s) => s.inputs.n === 4).length).toBeGreaterThanOrEqual(20);
        expect(result.summary.meeting).toBeGreaterThanOrEqual(20);
        expect(json.stdout).toContain('material = ');

        const csv = await inv(['run', 'typed.inv', '--out', 'r.csv', '--quiet', '--backend', 'wasm'], dir);
        expect(csv.code, csv.stderr).toBe(0);
        const rows = Papa.parse<Record<string, string>>(readFileSync(join(dir, 'r.csv'), 'utf8').trim(), { header: true }).data;
        expect(rows.length).toBe(24);
        for (const row of rows) {
            expect(['glass', 'steel']).toContain(row.material);
            expect(Number.isInteger(Number(row.n))).toBe(true);
            expect(Math.abs(Number(row.a) + Number(row.b) - 3)).toBeLessThanOrEqual(3e-9);
        }
    });

    it('inv check reports a relation no point of the bounds satisfies', async () => {
        const bad = scratch({ 'typed.csv': typedCsv(20), 'typed.inv': `${ORACLE}inversion X { oracle Typed target y = 1 require a + b >= 20 }` });
        const r = await inv(['check', 'typed.inv'], bad);
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/typed\.inv:\d+:\d+ error relation-infeasible no point inside the bounds satisfies this relation/);
    });
});
