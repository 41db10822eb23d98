/** The panel's pure pieces (no browser): binning and the table's sort order. */
import { describe, expect, it } from 'vitest';
import type { Solution } from '../../src/engine/contract/results.js';
import { asShares, binEdges, countInBins, niceWidth, suggestedBinCount } from '../../src/webview/histogram.js';
import { sortedOrder, type SolutionColumn } from '../../src/webview/solution-columns.js';

describe('histogram bins', () => {
    it('has round edges, multiples of a 1-2-2.5-5 width, spanning every finite value of every sample', () => {
        const a = [0, 1, 2, 3, 10], b = [-5, NaN, Infinity, 4];
        const edges = binEdges([a, b], 5);
        expect(edges).toEqual([-5, -2.5, 0, 2.5, 5, 7.5, 10]);
        expect(countInBins(a, edges)).toEqual([0, 0, 3, 1, 0, 1]); // 10 is in the last bin, its upper edge
        expect(countInBins(b, edges)).toEqual([1, 0, 0, 1, 0, 0]);
        expect(asShares(countInBins(a, edges))).toEqual([0, 0, 0.6, 0.2, 0, 0.2]);
    });

    it('spans the bound when one is given, and the values beyond it', () => {
        expect(binEdges([[99.9, 100]], 10, [0, 100])).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
        expect(binEdges([[260.4, 271.2]], 10, [0, 500])).toEqual([0, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500]);
        expect(binEdges([[260.4, 271.2]], 16, [0, 500])).toHaveLength(21); // width 25
        // A soft bound the solutions left: the axis reaches them.
        expect(binEdges([[-3, 50]], 5, [0, 50])).toEqual([-10, 0, 10, 20, 30, 40, 50]);
        // No float dust on the edges.
        expect(binEdges([[0.1, 0.7]], 6)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    });

    it('picks round widths', () => {
        expect([0.7, 1, 1.2, 2.2, 3, 4, 7.5, 31.25].map(niceWidth)).toEqual([0.5, 1, 1, 2, 2.5, 5, 10, 25]);
    });

    it('gives one value bins around it, and an empty sample a unit bin', () => {
        const around = binEdges([[3, 3, 3]], 10);
        expect(around[0]).toBeLessThan(3);
        expect(around[around.length - 1]).toBeGreaterThan(3);
        expect(binEdges([[]], 10)).toEqual([0, 1]);
        expect(asShares([0, 0])).toEqual([0, 0]);
    });

    it('suggests about √n bins within 5..40', () => {
        expect(suggestedBinCount(4)).toBe(5);
        expect(suggestedBinCount(256)).toBe(16);
        expect(suggestedBinCount(1_000_000)).toBe(40);
    });
});

describe('table sort order', () => {
    const solution = (error: number, x: number): Solution => ({ inputs: { x }, outputs: {}, error, meets: true, inBounds: true, inDomain: true });
    const byX: SolutionColumn = { id: 'in:x', label: 'x', kind: 'input', fixed: false, key: (s) => Number(s.inputs.x ?? NaN) };
    const rows = [solution(0, 2), solution(1, NaN), solution(2, 1), solution(3, 2), solution(4, 0)];

    it('sorts both ways, ties in the result order, missing values last', () => {
        expect([...sortedOrder(rows, byX, 'ascending')]).toEqual([4, 2, 0, 3, 1]);
        expect([...sortedOrder(rows, byX, 'descending')]).toEqual([0, 3, 2, 4, 1]);
    });
});
