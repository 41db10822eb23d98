/**
 * The shipped examples run clean: `inv check` on every one of them prints no warning but
 * `not-trained` (the showcase's models are not committed: `inv run` trains them first), and
 * once the showcase's classifier is trained (a second; it records its domains), still none —
 * the bounds stay inside what the data covers.
 */
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, inv } from './cli-process.js';
import { tempFolder } from '../support/temp-folder.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

function invFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'out' ? [] : invFiles(path);
        return name.endsWith('.inv') ? [path] : [];
    });
}

/** The diagnostics' codes, one per line of `inv check`'s stdout. */
const codes = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => l.split(' ')[2]);

let work: string;
beforeAll(() => {
    assertBuilt();
    work = tempFolder('inv-examples-');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the examples', () => {
    const files = invFiles(EXAMPLES);

    it('are all here', () => {
        expect(files.map((f) => relative(EXAMPLES, f)).sort()).toEqual(expect.arrayContaining([
            'cars/cars.inv', 'paper/paper.inv', 'paper/synthesis.inv', 'penguins/penguins.inv', 'showcase/showcase.inv',
        ]));
    });

    it.each(invFiles(EXAMPLES).map((f) => relative(EXAMPLES, f)))('%s: inv check prints no warning but not-trained', async (file) => {
        const r = await inv(['check', file], EXAMPLES);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(codes(r.stdout).filter((c) => c !== 'not-trained'), r.stdout).toEqual([]);
    });

    it('showcase.inv stays clean once its classifier is trained (its bounds within the data)', async () => {
        cpSync(join(EXAMPLES, 'showcase'), join(work, 'showcase'), { recursive: true });
        const dir = join(work, 'showcase');
        const trained = await inv(['train', 'showcase.inv', '--oracle', 'Penguins', '--quiet'], dir);
        expect(trained.code, trained.stderr).toBe(0);
        const r = await inv(['check', 'showcase.inv'], dir);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^showcase\.inv:\d+:\d+ warning not-trained oracle Beam /);
        expect(codes(r.stdout), r.stdout).toEqual(['not-trained']);
    });
});
