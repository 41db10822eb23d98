/**
 * `inv run` on a `synthesize` block, as a real process (out/cli.cjs): the CSV of rows, the
 * `synthesis` block of the results file and the summary line — on the paper's committed
 * oracle, judged on the paper's TRUE function.
 */
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { ksDistance } from '../../src/engine/synthesis/ks.js';
import type { InvResult } from '../../src/engine/contract/results.js';
import { assertBuilt, inv, scratch } from './cli-process.js';

const PAPER = fileURLToPath(new URL('../../examples/paper/', import.meta.url));
const poly4 = (x: number[]) => 9 * x[0] ** 0.87 + 8.97 * x[1] ** 0.02 + 0.876 * x[2] ** 0.12 + 2.9876 * x[3] ** 0.987;

const FILE = `
oracle Poly4 {
  model "models/poly4/model.json"
  inputs x1 in [0, 500], x2 in [0, 500], x3 in [0, 500], x4 in [0, 500]
  outputs y
}

synthesize LikeY {
  oracle Poly4
  like "data/poly4-train.csv" column y
  count 200
  output "out/like-y.csv"
  method generator { latent 8 layers 32, 32 }
  steps 500
  seed 3
}

synthesize High {
  oracle Poly4
  target y in [1500, 1800]
  fix x4 = 250
  count 100
  output "out/high.csv"
  steps 400
}
`;

let dir: string;

beforeAll(() => {
    assertBuilt();
    dir = scratch({ 's.inv': FILE });
    cpSync(join(PAPER, 'models'), join(dir, 'models'), { recursive: true });
    cpSync(join(PAPER, 'data'), join(dir, 'data'), { recursive: true });
});

describe('inv run on a synthesis', () => {
    it('--name S --out x.json: writes the rows (every input, then the output) and the synthesis block; the summary says where they went', async () => {
        const r = await inv(['run', 's.inv', '--name', 'LikeY', '--out', 'x.json'], dir);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain('LikeY: wrote 200 rows to');
        expect(r.stdout).toMatch(/LikeY .*200 rows -> out\/like-y\.csv/);
        expect(r.stdout).toMatch(/KS \d/);

        const [header, ...lines] = readFileSync(join(dir, 'out', 'like-y.csv'), 'utf8').trim().split('\n');
        expect(header).toBe('x1,x2,x3,x4,y');
        expect(lines.length).toBe(200);
        const rows = lines.map((l) => l.split(',').map(Number));
        const dataY = readFileSync(join(dir, 'data', 'poly4-train.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
        expect(ksDistance(rows.map((x) => poly4(x.slice(0, 4))), dataY)).toBeLessThan(0.08);

        const results = JSON.parse(readFileSync(join(dir, 'x.json'), 'utf8')) as InvResult[];
        expect(results.map((x) => [x.name, x.kind])).toEqual([['LikeY', 'synthesis']]);
        const s = results[0].synthesis!;
        expect(s).toMatchObject({ output: 'out/like-y.csv', count: 200, overwritten: false, distinct: 200 });
        expect(s.ks).toBeLessThan(0.08);
        expect(s.meeting).toBeGreaterThan(0);
        expect(s.assigned.length).toBe(200);
        expect(s.reference.length).toBeGreaterThan(100);
        // The file's rows are the result's solutions, in order (7 significant digits in the file).
        results[0].solutions.forEach((sol, i) => {
            expect(rows[i][0]).toBeCloseTo(Number(sol.inputs.x1), 3);
            expect(rows[i][4]).toBeCloseTo(sol.outputs.y, 2);
        });
    });

    it('a range with a fixed feature; running again overwrites the file and says so', async () => {
        const first = await inv(['run', 's.inv', '--name', 'High', '--quiet'], dir);
        expect(first.code, first.stderr).toBe(0);
        const rows = readFileSync(join(dir, 'out', 'high.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
        expect(rows.length).toBe(100);
        expect(rows.every((x) => x[3] === 250)).toBe(true);
        expect(rows.filter((x) => poly4(x.slice(0, 4)) >= 1500 && poly4(x.slice(0, 4)) <= 1800).length).toBeGreaterThanOrEqual(90);

        const again = await inv(['run', 's.inv', '--name', 'High', '--out', 'y.json'], dir);
        expect(again.code, again.stderr).toBe(0);
        expect(again.stderr).toContain('(it existed: overwritten)');
        expect(again.stdout).toContain('(overwritten)');
        const [result] = JSON.parse(readFileSync(join(dir, 'y.json'), 'utf8')) as InvResult[];
        expect(result.synthesis!.overwritten).toBe(true);
        expect(result.summary.note).toContain('out/high.csv existed and was overwritten');
        expect(existsSync(join(dir, 'out', 'high.csv'))).toBe(true);
    });
});
