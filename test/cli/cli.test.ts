/**
 * The `inv` command as a real process (out/cli.cjs): what a user or a CI script sees.
 * A tiny oracle (y = 2a + b) keeps it fast: it trains in about a second.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InvResult } from '../../src/engine/contract/results.js';
import { assertBuilt, inv, scratch, startInv, tinyCsv, TINY_ORACLE } from './cli-process.js';

const RUNS = `
inversion Half {
  oracle Tiny
  target y = 1.5 tolerance 0.05
  solutions 16
  steps 300
  seed 1
}
inversion Fixed {
  oracle Tiny
  target y in [1, 2]
  fix b = 0.5
  solutions 8
  steps 200
}
`;

let trained: string;

beforeAll(async () => {
    assertBuilt();
    // One trained model shared by the tests that only run.
    trained = scratch({ 'tiny.csv': tinyCsv(), 'tiny.inv': TINY_ORACLE + RUNS });
    const r = await inv(['train', 'tiny.inv'], trained);
    if (r.code !== 0) throw new Error(`training the tiny oracle failed (exit ${r.code}):\n${r.stderr}`);
});

describe('inv --version, inv backends', () => {
    it('prints the package version', async () => {
        const r = await inv(['--version'], trained);
        expect(r.code).toBe(0);
        expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    });

    it('lists every backend, found or with the reason it is not', async () => {
        const r = await inv(['backends'], trained);
        expect(r.code).toBe(0);
        for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu']) expect(r.stdout).toMatch(new RegExp(`^${name}\\s+(yes|no)\\s+\\S`, 'm'));
        expect(r.stdout).toMatch(/^wasm\s+yes/m);
        expect(r.stdout).toMatch(/^cpu\s+yes/m);
        expect(r.stdout).toMatch(/`backend auto` uses: \w+/);
    });
});

describe('inv train', () => {
    it('wrote the model with its metadata and said what it measured', () => {
        const model = JSON.parse(readFileSync(join(trained, 'model/model.json'), 'utf8'));
        expect(model.userDefinedMetadata.inv.inputs.map((c: { name: string }) => c.name)).toEqual(['a', 'b']);
        expect(typeof model.userDefinedMetadata.inv.testRmse.y).toBe('number');
    });

    it('refuses an oracle name the file does not have (exit 2) and one without data (exit 1)', async () => {
        // Bare uses the trained model but has no `data`.
        writeFileSync(join(trained, 'a.inv'), TINY_ORACLE + 'oracle Bare { model "model/model.json" inputs a, b outputs y }\n');
        const dir = trained;
        const unknown = await inv(['train', 'a.inv', '--oracle', 'Nope'], dir);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr).toContain('no oracle named `Nope`; the file has: Tiny, Bare');
        const bare = await inv(['train', 'a.inv', '--oracle', 'Bare'], dir);
        expect(bare.code).toBe(1);
        expect(bare.stderr).toMatch(/a\.inv:\d+:\d+ error oracle `Bare` has no `data`/);
    });

    it('prints a CSV defect with the CSV line and column, exit 1, nothing written', async () => {
        const rows = tinyCsv(80).split('\n');
        rows[56] = '0.5,abc,1.5'; // line 57 of the file
        const dir = scratch({ 'tiny.csv': rows.join('\n'), 'tiny.inv': TINY_ORACLE });
        const r = await inv(['train', 'tiny.inv'], dir);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain("tiny.csv:57:2 error data-value 'abc' is not a number (column b)");
        expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
        expect(existsSync(join(dir, 'model/model.json'))).toBe(false);
    });
});

describe('inv run', () => {
    it('runs every inversion, writes a JSON array in file order and prints a summary', async () => {
        const r = await inv(['run', 'tiny.inv', '--out', 'r.json', '--backend', 'cpu'], trained);
        expect(r.code, r.stderr).toBe(0);
        const results = JSON.parse(readFileSync(join(trained, 'r.json'), 'utf8')) as InvResult[];
        expect(results.map((x) => x.name)).toEqual(['Half', 'Fixed']);
        expect(results[0].schema).toBe('inv-result/1');
        expect(results[0].solutions).toHaveLength(16);
        expect(results[0].backend).toBe('cpu');
        expect(results[1].solutions.every((s) => s.inputs.b === 0.5)).toBe(true);
        // The summary names each run with its best solution and how many meet.
        expect(r.stdout).toContain('Half');
        expect(r.stdout).toContain('Fixed');
        expect(r.stdout).toMatch(/\d+\/16/);
        // On a pipe: no progress bar, but a line per run on stderr.
        expect(r.stderr).not.toMatch(/[\u2588\u2591]/);
        expect(r.stderr).toContain('running Half: generator, 16 solutions, up to 300 steps, seed 1 on cpu');
        // The oracle learnt y = 2a + b well enough that the best answer is near 1.5 on the true function.
        const best = results[0].solutions[0];
        expect(Math.abs(2 * Number(best.inputs.a) + Number(best.inputs.b) - 1.5)).toBeLessThan(0.2);
    });

    it('writes one CSV row per solution with --out x.csv; --name runs one; --seed changes the answers', async () => {
        const r = await inv(['run', 'tiny.inv', '--name', 'Fixed', '--out', 'r.csv', '--quiet', '--backend', 'cpu'], trained);
        expect(r.code, r.stderr).toBe(0);
        const rows = Papa.parse<string[]>(readFileSync(join(trained, 'r.csv'), 'utf8').trim()).data;
        expect(rows[0]).toEqual(['name', 'a', 'b', 'y', 'error', 'meets']);
        expect(rows).toHaveLength(1 + 8);
        expect(rows.slice(1).every((row) => row[0] === 'Fixed' && row[2] === '0.5')).toBe(true);
        const again = await inv(['run', 'tiny.inv', '--name', 'Fixed', '--out', 'r2.csv', '--quiet', '--backend', 'cpu'], trained);
        expect(readFileSync(join(trained, 'r2.csv'), 'utf8')).toBe(readFileSync(join(trained, 'r.csv'), 'utf8'));
        expect(again.code).toBe(0);
        await inv(['run', 'tiny.inv', '--name', 'Fixed', '--out', 'r3.csv', '--quiet', '--seed', '9', '--backend', 'cpu'], trained);
        expect(readFileSync(join(trained, 'r3.csv'), 'utf8')).not.toBe(readFileSync(join(trained, 'r.csv'), 'utf8'));
    });

    it('trains an oracle that has data but no model first, and says so', async () => {
        const dir = scratch({ 'tiny.csv': tinyCsv(), 'tiny.inv': TINY_ORACLE + RUNS });
        const r = await inv(['run', 'tiny.inv', '--name', 'Fixed', '--backend', 'cpu'], dir);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain('Tiny has `data` but no model yet');
        expect(existsSync(join(dir, 'model/model.json'))).toBe(true);
    });

    it('exits 1 on a file with errors, printing them like check, and runs nothing', async () => {
        // A linking error (unknown oracle) and a validation error (steps) before it in the file.
        const dir = scratch({ 'bad.inv': TINY_ORACLE.replace('data "tiny.csv"', '') + 'inversion A { oracle Tiny target z = 1 }\ninversion B { steps 2.5 oracle Tinny target y = 1 }\n' });
        const r = await inv(['run', 'bad.inv', '--out', 'r.json'], dir);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/bad\.inv:\d+:\d+ error unknown-output /);
        // In file order, as `inv check` prints them.
        const positions = [...r.stderr.matchAll(/bad\.inv:(\d+):(\d+) /g)].map((m) => Number(m[1]) * 1000 + Number(m[2]));
        expect(positions.length).toBeGreaterThanOrEqual(3);
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
        expect(existsSync(join(dir, 'r.json'))).toBe(false);
    });

    it('exits 2 on bad usage: unknown flag, missing file, an --out it cannot write, an unknown run', async () => {
        expect((await inv(['run', 'tiny.inv', '--frobnicate'], trained)).code).toBe(2);
        const missing = await inv(['run', 'nope.inv'], trained);
        expect(missing.code).toBe(2);
        expect(missing.stderr).toContain('nope.inv: file not found');
        const txt = await inv(['run', 'tiny.inv', '--out', 'r.txt'], trained);
        expect(txt.code).toBe(2);
        expect(txt.stderr).toContain('must end in .json or .csv');
        const name = await inv(['run', 'tiny.inv', '--name', 'Nope'], trained);
        expect(name.code).toBe(2);
        expect(name.stderr).toContain('the file has: Half, Fixed');
        expect((await inv(['run', 'tiny.inv', '--seed', '2.5'], trained)).code).toBe(2);
    });

    it('exits 3 when the model cannot be read, with what to do and no stack trace', async () => {
        const dir = scratch({ 'tiny.csv': tinyCsv(), 'tiny.inv': TINY_ORACLE + RUNS });
        expect((await inv(['train', 'tiny.inv', '--backend', 'cpu'], dir)).code).toBe(0);
        const model = JSON.parse(readFileSync(join(dir, 'model/model.json'), 'utf8'));
        const weights = join(dir, 'model', model.weightsManifest[0].paths[0]);
        // A model with no record of its weights (as models written before inv kept one): a
        // truncated weights file passes validation and fails only when the run loads it.
        delete model.userDefinedMetadata.inv.weights;
        writeFileSync(join(dir, 'model/model.json'), JSON.stringify(model));
        writeFileSync(weights, Buffer.alloc(7));
        const r = await inv(['run', 'tiny.inv', '--name', 'Half', '--backend', 'cpu'], dir);
        expect(r.code).toBe(3);
        // Reported at the run that failed, like a diagnostic.
        expect(r.stderr).toMatch(/^tiny\.inv:\d+:\d+ error run-failed \S/m);
        expect(r.stderr).not.toMatch(/\n\s+at /);
    });

    it('a run that fails on its own is reported at its block; the others still run (exit 3)', async () => {
        // A second oracle whose weights file is truncated and not recorded (as in models written
        // before inv kept a record): it passes validation, and fails only when it is loaded.
        mkdirSync(join(trained, 'broken'), { recursive: true });
        const model = JSON.parse(readFileSync(join(trained, 'model/model.json'), 'utf8'));
        delete model.userDefinedMetadata.inv.weights;
        writeFileSync(join(trained, 'broken/model.json'), JSON.stringify(model));
        const weights = model.weightsManifest[0].paths[0];
        writeFileSync(join(trained, 'broken', weights), Buffer.alloc(7));
        writeFileSync(
            join(trained, 'mixed.inv'),
            TINY_ORACLE + 'oracle Broken { model "broken/model.json" inputs a, b outputs y }\ninversion First { oracle Broken target y = 1 }\n' + RUNS,
        );
        const r = await inv(['run', 'mixed.inv', '--out', 'mixed.json', '--backend', 'cpu'], trained);
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toMatch(/^mixed\.inv:\d+:1 error run-failed \S/m);
        const results = JSON.parse(readFileSync(join(trained, 'mixed.json'), 'utf8')) as InvResult[];
        expect(results.map((x) => x.name)).toEqual(['Half', 'Fixed']);
    });

    it('a diverged run still writes its results and exits 3', async () => {
        // A box far wider than float32 can square: the loss is Inf at once.
        const dir = scratch({
            'tiny.csv': tinyCsv(),
            'd.inv': TINY_ORACLE + 'inversion Wild {\n oracle Tiny\n target y = 1\n bound a, b in [-1e30, 1e30]\n solutions 8\n steps 100\n}\n',
        });
        expect((await inv(['train', 'd.inv', '--backend', 'cpu'], dir)).code).toBe(0);
        const r = await inv(['run', 'd.inv', '--out', 'r.json', '--backend', 'cpu'], dir);
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toContain('Wild diverged');
        const [result] = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as InvResult[];
        expect(result.stoppedBecause).toBe('diverged');
    });

    it('Ctrl-C writes the results so far as cancelled and exits 130', async () => {
        const dir = scratch({
            'tiny.csv': tinyCsv(),
            'long.inv': TINY_ORACLE + 'inversion Long {\n oracle Tiny\n target y = 1.5 tolerance 1e-9\n diversity 0\n solutions 16\n steps 1000000\n}\n',
        });
        expect((await inv(['train', 'long.inv', '--backend', 'cpu'], dir)).code).toBe(0);
        const running = startInv(['run', 'long.inv', '--out', 'r.json', '--backend', 'cpu'], dir);
        await running.waitForStderr('running Long');
        await new Promise((r) => setTimeout(r, 1500));
        running.child.kill('SIGINT');
        const r = await running.done;
        expect(r.code, r.stderr).toBe(130);
        const [result] = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as InvResult[];
        expect(result.stoppedBecause).toBe('cancelled');
        expect(result.stepsRun).toBeGreaterThan(0);
        expect(result.stepsRun).toBeLessThan(1000000);
        expect(result.solutions).toHaveLength(16);
        expect(r.stdout).toContain('Long'); // the summary was printed
    });
});
