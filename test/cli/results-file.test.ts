import Papa from 'papaparse';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultsFormatOf, resultsToCsv, writeResultsFile } from '../../src/engine/contract/results-file.js';
import { makeResult, solution } from './fixtures/make-result.js';

describe('results file', () => {
    const a = makeResult('A', [solution(1, 2, 1899.5, 0.5, true), solution(3.25, 4, 1800, 100, false)]);
    const b = makeResult('B, with a comma', [solution(5, 6, 7, 0, true)], {
        oracle: { name: 'Q', model: 'q.json', inputs: ['x2', 'z'], outputs: ['w'], testRmse: null },
    });
    b.solutions[0] = { inputs: { x2: 6, z: 9 }, outputs: { w: 7 }, error: 0, meets: true, inBounds: true, inDomain: true };

    it('picks the format from the extension', () => {
        expect(resultsFormatOf('r.json')).toBe('json');
        expect(resultsFormatOf('R.CSV')).toBe('csv');
        expect(resultsFormatOf('r.txt')).toBeNull();
    });

    it('writes a JSON array with one results object per run, in order', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'inv-out-'));
        await writeResultsFile(join(dir, 'r.json'), [a]);
        const back = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
        expect(Array.isArray(back)).toBe(true);
        expect(back).toEqual([a]);
        await writeResultsFile(join(dir, 'r.json'), [a, b]);
        expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).map((r: { name: string }) => r.name)).toEqual(['A', 'B, with a comma']);
        // Nothing is left beside it: the temp file was renamed into place.
        expect(readdirSync(dir)).toEqual(['r.json']);
    });

    it('writes one CSV row per solution: name, inputs, outputs, error, meets', () => {
        const text = resultsToCsv([a]);
        expect(text).toBe('name,x1,x2,y,error,meets\nA,1,2,1899.5,0.5,true\nA,3.25,4,1800,100,false\n');
    });

    it('joins runs on different oracles under the union of their columns', () => {
        const rows = Papa.parse<string[]>(resultsToCsv([a, b]).trim()).data;
        expect(rows[0]).toEqual(['name', 'x1', 'x2', 'z', 'y', 'w', 'error', 'meets']);
        expect(rows[3]).toEqual(['B, with a comma', '', '6', '9', '', '7', '0', 'true']);
    });

    it('refuses an extension it cannot write and leaves no file', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'inv-out-'));
        await expect(writeResultsFile(join(dir, 'r.txt'), [a])).rejects.toThrow('--out must end in .json or .csv');
        expect(readdirSync(dir)).toEqual([]);
    });

    it('keeps the results beside the target when it cannot be written (a folder in the way), and leaves no temp file', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'inv-out-'));
        const { mkdirSync } = await import('node:fs');
        mkdirSync(join(dir, 'r.json'));
        const kept = await writeResultsFile(join(dir, 'r.json'), [a]);
        expect(kept.asideBecause).toBe('it is a folder');
        expect(kept.path).toMatch(/r\.inv-[0-9T-]+Z\.json$/);
        expect(JSON.parse(readFileSync(kept.path, 'utf8'))[0].name).toBe(a.name);
        expect(readdirSync(dir).sort()).toEqual(['r.json', basename(kept.path)].sort());
    });
});
