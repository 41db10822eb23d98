/**
 * `inv check` as a real process (out/cli.cjs, built by `npm run build`): its output lines,
 * its JSON, and its exit status for a clean file, warnings only, errors, a missing file, a
 * bad flag, and input that is not a .inv file at all.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const CLI = fileURLToPath(new URL('../../out/cli.cjs', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../language/fixtures/', import.meta.url));

let dir: string;

function inv(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, INV_DEBUG: '' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CLEAN = `// a clean file: a trained oracle, every free input bounded
oracle Poly {
  model "models/poly/model.json"
  inputs x1, x2, x3, x4
  outputs y
}

inversion I {
  oracle Poly
  target y = 1000
  fix x4 = 100
  bound x1, x2, x3 in [0, 100]
}
`;

const WARNINGS = `oracle Fresh {
  model "models/fresh/model.json"
  data "data/poly.csv"
  inputs x1, x2, x3, x4
  outputs y
}
`;

const ERRORS = `oracle Poly {
  model "models/poly/model.json"
  inputs x1, x2, x3, x4
  outputs y
}
inversion I {
  oracle Poli
  target y = 1
}
inversion J {
  oracle Poly
  target y = 1
  steps 2.5
}
`;

beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    dir = mkdtempSync(join(tmpdir(), 'inv-check-'));
    cpSync(join(FIXTURES, 'models/poly'), join(dir, 'models/poly'), { recursive: true });
    cpSync(join(FIXTURES, 'data/poly.csv'), join(dir, 'data/poly.csv'));
    writeFileSync(join(dir, 'clean.inv'), CLEAN);
    writeFileSync(join(dir, 'warnings.inv'), WARNINGS);
    writeFileSync(join(dir, 'errors.inv'), ERRORS);
    let state = 3;
    // Random bytes but NUL (with a NUL the file is "not a text file": one `encoding` error, test/cli/reliability.test.ts).
    writeFileSync(join(dir, 'random.inv'), Buffer.from(Array.from({ length: 20_000 }, () => ((state = (state * 1103515245 + 12345) % 2147483648) % 255) + 1)));
    writeFileSync(join(dir, 'notes.txt'), 'oracle P {}');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inv check', () => {
    test('a clean file: no output, exit 0', () => {
        const r = inv('check', 'clean.inv');
        expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    });

    test('warnings only: FILE:LINE:COL lines, exit 0', () => {
        const r = inv('check', 'warnings.inv');
        expect(r.code).toBe(0);
        expect(r.stdout).toBe('warnings.inv:2:9 warning not-trained oracle Fresh is not trained yet: models/fresh/model.json does not exist; `inv train` (or ▶ Train) writes it from its data\n');
        expect(r.stderr).toBe('0 errors, 1 warning in 1 file\n');
    });

    test('errors: one line each, in file order, exit 1', () => {
        const r = inv('check', 'errors.inv');
        expect(r.code).toBe(1);
        expect(r.stdout.trimEnd().split('\n')).toEqual([
            'errors.inv:7:10 error unknown-oracle unknown oracle `Poli` (did you mean `Poly`?)',
            'errors.inv:13:9 error not-integer `steps` must be a whole number, not 2.5',
        ]);
        expect(r.stderr).toBe('2 errors, 0 warnings in 1 file\n');
    });

    test('several files: each line names its file; one with errors makes exit 1', () => {
        const r = inv('check', 'clean.inv', 'warnings.inv', 'errors.inv');
        expect(r.code).toBe(1);
        expect(r.stdout.trimEnd().split('\n').map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
            'warnings.inv:2:9 warning not-trained',
            'errors.inv:7:10 error unknown-oracle',
            'errors.inv:13:9 error not-integer',
        ]);
    });

    test('a file named twice is checked once', () => {
        const r = inv('check', 'warnings.inv', './warnings.inv');
        expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    });

    test('--json: one array, 1-based positions, exit status as without it', () => {
        const r = inv('check', '--json', 'errors.inv', 'warnings.inv');
        expect(r.code).toBe(1);
        const parsed = JSON.parse(r.stdout) as unknown[];
        expect(parsed).toEqual([
            { file: 'errors.inv', line: 7, column: 10, endLine: 7, endColumn: 14, severity: 'error', code: 'unknown-oracle', message: 'unknown oracle `Poli` (did you mean `Poly`?)' },
            { file: 'errors.inv', line: 13, column: 9, endLine: 13, endColumn: 12, severity: 'error', code: 'not-integer', message: '`steps` must be a whole number, not 2.5' },
            expect.objectContaining({ file: 'warnings.inv', line: 2, severity: 'warning', code: 'not-trained' }),
        ]);
        expect(r.stderr).toBe('');
    });

    test('--json on a clean file: an empty array, exit 0', () => {
        const r = inv('check', 'clean.inv', '--json');
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toEqual([]);
    });

    test('a missing file is named; exit 2 and nothing else is checked', () => {
        const r = inv('check', 'errors.inv', 'missing.inv', 'gone.inv');
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe('inv check: missing.inv: file not found\ninv check: gone.inv: file not found\n');
    });

    test('not an .inv file, a folder: exit 2', () => {
        expect(inv('check', 'notes.txt')).toMatchObject({ code: 2, stderr: 'inv check: notes.txt: not an .inv file; inv reads files ending in .inv\n' });
        expect(inv('check', 'models')).toMatchObject({ code: 2, stderr: 'inv check: models: is a folder; give an .inv file\n' });
    });

    test('a bad flag: exit 2 with the reason', () => {
        const r = inv('check', '--bogus', 'clean.inv');
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("unknown option '--bogus'");
    });

    test('no file at all: exit 2', () => {
        expect(inv('check').code).toBe(2);
    });

    test('random bytes: syntax errors with positions, no stack trace, exit 1', () => {
        const r = inv('check', 'random.inv');
        expect(r.code).toBe(1);
        const lines = r.stdout.trimEnd().split('\n');
        expect(lines.length).toBeGreaterThan(1);
        for (const line of lines) expect(line).toMatch(/^random\.inv:\d+:\d+ error (syntax|too-deep) \S/);
        expect(r.stderr).not.toMatch(/\n\s+at /);
    });
});
