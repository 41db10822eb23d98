/** The panel's pure pieces (no browser): binning and the table's sort order. */
import { describe, expect, it } from 'vitest';
import type { Solution } from '../../src/engine/contract/results.js';
import { asShares, binEdges, countInBins, suggestedBinCount } from '../../src/webview/histogram.js';
import { sortedOrder, type SolutionColumn } from '../../src/webview/solution-columns.js';

describe('histogram bins', () => {
    it('spans every finite value of every sample and counts each value once', () => {
        const a = [0, 1, 2, 3, 10], b = [-5, NaN, Infinity, 4];
        const edges = binEdges([a, b], 5);
        expect(edges).toEqual([-5, -2, 1, 4, 7, 10]);
        expect(countInBins(a, edges)).toEqual([0, 1, 3, 0, 1]); // 10 is in the last bin, its upper edge
        expect(countInBins(b, edges)).toEqual([1, 0, 0, 1, 0]);
        expect(asShares(countInBins(a, edges))).toEqual([0, 0.2, 0.6, 0, 0.2]);
    });

    it('gives one value one bin around it, and an empty sample a unit bin', () => {
        expect(binEdges([[3, 3, 3]], 10)).toEqual([2.5, 3.5]);
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
