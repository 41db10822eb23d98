/**
 * The summary `inv run` prints, fitted to the terminal: a table when it fits, else one block
 * per run; at 80, 100 and 160 columns no line is wider than the terminal.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InvResult } from '../../src/engine/contract/results.js';
import { outputWidth, summaryTable } from '../../src/cli/summary-table.js';
import { makeResult, solution } from './fixtures/make-result.js';

/** The engine's own results (the panel's fixtures): three inversions and a synthesis. */
const engine = ['exp1', 'exp2', 'exp3', 'synth'].map((n) =>
    JSON.parse(readFileSync(new URL(`../webview/fixtures/${n}.json`, import.meta.url), 'utf8')) as InvResult);
const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('summary', () => {
    it('shows per run the best solution, its outputs and error, how many meet, how it stopped, time and backend', () => {
        const r = makeResult('Exp1', [solution(269.9, 1.25, 1899.7, 0.3, true), solution(1, 2, 5, 1895, false)], {
            summary: {
                best: 0, meeting: 1, meanAbsError: 0.3, note: 'solutions collapsed to one point',
                importance: [{ feature: 'x1', spread: 0.01, rank: 1 }],
            },
            seconds: 2.44, backend: 'wasm', stoppedBecause: 'tolerance', stepsRun: 1850, steps: 3000,
        });
        for (const width of [Infinity, 80]) {
            const text = summaryTable([r], width);
            for (const part of ['Exp1', 'y = 1900 ± 1.9', 'x1 = 269.9', 'x2 = 1.25 (fixed)', 'y = 1899.7', '0.3', '1/2', 'tolerance', '1,850/3,000 steps', '2.4 s', 'wasm']) {
                expect(text, `${part} at width ${width}`).toContain(part);
            }
            expect(text).toContain('Exp1: solutions collapsed to one point');
        }
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

    it('is a table where the table fits (160 columns)', () => {
        const text = summaryTable(engine, 160);
        expect(widest(text)).toBeLessThanOrEqual(160);
        expect(text.split('\n')[0]).toMatch(/^┌─/);
        expect(text).toMatch(/│ run +│ target +│ best solution/);
    });

    for (const width of [80, 100]) {
        it(`is one block per run at ${width} columns, no line wider than the terminal`, () => {
            const text = summaryTable(engine, width);
            expect(widest(text)).toBeLessThanOrEqual(width);
            expect(text).not.toContain('│');
            const lines = text.split('\n');
            // Each run starts a block: its name, targets and meet count on the first line.
            expect(lines[0]).toBe('Exp1  y = 1900 ± 1.9  meet 256/256');
            const exp2 = lines.indexOf('Exp2  y = 1900 ± 1.9  meet 256/256');
            expect(lines[exp2 + 1]).toMatch(/^ {2}best {6}x1 = \d/);
            expect(lines[exp2 + 1]).toContain('x4 = 10 (fixed)');
            expect(lines[exp2 + 2]).toMatch(/^ {2}gives {5}y = 1900 {2}error /);
            expect(lines[exp2 + 3]).toBe('  answers   support unknown');
            expect(lines[exp2 + 4]).toBe('  stopped   tolerance after 2,800/3,000 steps  1 min 3 s  wasm');
            expect(text).toContain('SynthLike  y ~ reference ± 3.37118  82.0 % of rows');
            expect(text).toContain('  wrote     1,000 rows -> data/synthetic.csv');
            // The note wraps under itself.
            expect(text).toContain('Exp3: No solution of 256 meets the targets:');
        });
    }

    it('wraps a long list of inputs under its value column', () => {
        const inputs = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`feature_${i}`, 1234.5678 + i]));
        const r = makeResult('Wide', [{ inputs, outputs: { y: 1900 }, error: 0, meets: true, inBounds: true, inDomain: true }], {
            oracle: { name: 'P', model: 'm.json', inputs: Object.keys(inputs), outputs: ['y'], testRmse: null },
        });
        const lines = summaryTable([r], 80).split('\n');
        expect(widest(lines.join('\n'))).toBeLessThanOrEqual(80);
        const best = lines.findIndex((l) => l.startsWith('  best'));
        expect(lines[best + 1]).toMatch(/^ {12}feature_\d+ = /);
    });

    it('takes its width from the terminal, else from COLUMNS, else it has none', () => {
        expect(outputWidth({ isTTY: true, columns: 93 }, {})).toBe(93);
        expect(outputWidth({ isTTY: false }, { COLUMNS: '100' })).toBe(100);
        expect(outputWidth({ isTTY: false }, {})).toBe(Infinity);
        expect(outputWidth({ isTTY: false }, { COLUMNS: 'wide' })).toBe(Infinity);
    });
});
