/**
 * The penguins example's check (examples/penguins/check-balance.mjs) on a small budget: a
 * classifier trained with synthetic Chinstraps is not worse on held-out real penguins than
 * one trained without them (cross-validated, sign test per penguin) — and the check does
 * say "worse" when the synthetic rows are given the wrong species.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { assertBuilt } from './cli-process.js';

const SCRIPT = fileURLToPath(new URL('../../examples/penguins/check-balance.mjs', import.meta.url));
const SMALL = ['--folds', '3', '--seeds', '2', '--steps', '1000'];

function check(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const run = spawnSync(process.execPath, [SCRIPT, ...SMALL, ...args], { encoding: 'utf8' });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function figure(stdout: string, row: string): number[] {
    const line = stdout.split('\n').find((l) => l.trim().startsWith(row));
    if (!line) throw new Error(`no "${row}" row in:\n${stdout}`);
    return [...line.matchAll(/(\d+\.\d+) %/g)].map((m) => Number(m[1]));
}

beforeAll(() => assertBuilt());

describe('penguins: synthetic Chinstraps', () => {
    it('a classifier trained with them is not worse on held-out penguins', () => {
        const r = check([]);
        expect(r.status, r.stderr + r.stdout).toBe(0);
        expect(r.stdout).toContain('with the synthetic rows: not worse');
        const [accuracyWithout, accuracyWith] = figure(r.stdout, 'accuracy');
        const [balancedWithout, balancedWith] = figure(r.stdout, 'balanced accuracy');
        // Over 342 held-out penguins x 2 seeds, one penguin is 0.15 %: within two of them.
        expect(accuracyWith).toBeGreaterThanOrEqual(accuracyWithout - 0.3);
        expect(balancedWith).toBeGreaterThanOrEqual(balancedWithout - 0.3);
        expect(accuracyWithout).toBeGreaterThan(97);
    }, 120_000);

    it('the check says worse when the synthetic rows carry the wrong species', () => {
        const r = check(['--label', 'Adelie']);
        expect(r.status, r.stderr).toBe(1);
        expect(r.stdout).toContain('with the synthetic rows: WORSE');
        const [recallWithout, recallWith] = figure(r.stdout, 'Chinstrap recall');
        expect(recallWith).toBeLessThan(recallWithout - 5);
    }, 120_000);
});
