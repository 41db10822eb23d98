import { describe, expect, it } from 'vitest';
import { readable, summaryTable } from '../../src/cli/summary-table.js';
import { makeResult, solution } from './fixtures/make-result.js';

describe('summary table', () => {
    it('formats numbers for reading', () => {
        expect(readable(1899.712345)).toBe('1899.71');
        expect(readable(0)).toBe('0');
        expect(readable(2.5e-7)).toBe('2.500e-7');
        expect(readable(null)).toBe('-');
        expect(readable(Number.NaN)).toBe('NaN');
    });

    it('shows per run the best solution, its outputs and error, how many meet, time and backend', () => {
        const r = makeResult('Exp1', [solution(269.9, 1.25, 1899.7, 0.3, true), solution(1, 2, 5, 1895, false)], {
            summary: {
                best: 0, meeting: 1, meanAbsError: 0.3, note: 'solutions collapsed to one point',
                importance: [{ feature: 'x1', spread: 0.01, rank: 1 }],
            },
            seconds: 2.44, backend: 'wasm', stoppedBecause: 'tolerance', stepsRun: 1850, steps: 3000,
        });
        const text = summaryTable([r]);
        for (const part of ['Exp1', 'y = 1900', 'x1 = 269.9', 'x2 = 1.25 (fixed)', 'y = 1899.7', '0.3', '1/2', 'tolerance', '1850/3000 steps', '2.4 s', 'wasm']) {
            expect(text).toContain(part);
        }
        expect(text).toContain('Exp1: solutions collapsed to one point');
    });

    it('shows how the answers spread, cover the level set and fall into families, and how many the data backs', () => {
        const r = makeResult('Sine', [solution(0.1, 0.2, 0.5, 0, true), solution(0.7, -0.3, 0.5, 0, true)], {
            summary: {
                best: 0, meeting: 2, meanAbsError: 0, note: null, importance: [], spread: 0.2871, coverage: 0.934, supported: 1, supportThreshold: 0.01,
                modes: [{ size: 1, best: 0, importance: [] }, { size: 1, best: 1, importance: [] }],
            },
        });
        const text = summaryTable([r]);
        for (const part of ['answers', 'spread 0.29', 'covers 93.4 %', '2 families', '1 supported']) expect(text).toContain(part);
        // Without the oracle's data there is no support figure, and the table says so.
        expect(summaryTable([makeResult('NoData', [solution(0.1, 0.2, 0.5, 0, true)])])).toContain('support unknown');
    });

    it('says so when a run has no solution at all', () => {
        expect(summaryTable([makeResult('Empty', [])])).toContain('(none)');
    });
});
