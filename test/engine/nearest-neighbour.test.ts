import { describe, expect, it } from 'vitest';

import { KdTree, nearestNeighbours } from '../../src/engine/inversion/nearest-neighbour.js';
import { Random } from '../../src/engine/nn/random.js';

function bruteDistance(p: Float64Array, n: number, d: number, i: number): number {
    let best = Infinity;
    for (let j = 0; j < n; j++) {
        if (j === i) continue;
        let s = 0;
        for (let k = 0; k < d; k++) s += (p[i * d + k] - p[j * d + k]) ** 2;
        best = Math.min(best, s);
    }
    return best;
}

describe('nearestNeighbours (k-d tree)', () => {
    it('finds, for every point, another point at the least distance (1 to 7 dimensions, clusters, duplicates)', () => {
        const random = new Random(3);
        for (const d of [1, 2, 3, 4, 7]) {
            const n = 700;
            const p = new Float64Array(n * d);
            for (let i = 0; i < n; i++) {
                const cluster = i % 3;
                for (let k = 0; k < d; k++) p[i * d + k] = cluster === 0 ? random.next() : cluster === 1 ? 0.5 + 1e-4 * random.next() : 0.25;
            }
            // The last third are one point, many times (solutions piled on a corner).
            const nn = nearestNeighbours(p, n, d);
            for (let i = 0; i < n; i++) {
                expect(nn[i]).not.toBe(i);
                let s = 0;
                for (let k = 0; k < d; k++) s += (p[i * d + k] - p[nn[i] * d + k]) ** 2;
                expect(s).toBe(bruteDistance(p, n, d, i));
            }
        }
    });

    it('reads feature-major points with a row stride, and gives the same answer every time', () => {
        const random = new Random(4);
        const [n, d, stride] = [300, 3, 304];
        const fm = new Float32Array(d * stride);
        const rm = new Float64Array(n * d);
        for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) rm[i * d + k] = fm[k * stride + i] = Math.fround(random.next());
        const a = nearestNeighbours(fm, n, d, stride);
        expect(a).toEqual(nearestNeighbours(rm, n, d));
        expect(a).toEqual(nearestNeighbours(fm, n, d, stride));
    });

    it('handles one point and two', () => {
        expect(Array.from(nearestNeighbours([1, 2], 1, 2))).toEqual([-1]);
        expect(Array.from(nearestNeighbours([0, 0, 1, 1], 2, 2))).toEqual([1, 0]);
    });

    it('KdTree.nearest: the k nearest of other points, nearest first, as comparing every pair finds them, with one point left out', () => {
        const random = new Random(11);
        for (const d of [1, 3, 5]) {
            const n = 500;
            const p = new Float64Array(n * d);
            for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) p[i * d + k] = i % 5 === 0 ? 0.5 : random.next();
            const tree = new KdTree(p, n, d);
            const queries = new Float64Array(40 * d).map(() => random.next() * 1.2 - 0.1);
            const indices = new Int32Array(8);
            const d2 = new Float64Array(8);
            for (let q = 0; q < 40; q++) {
                const skip = q % 2 === 0 ? q : -1;
                const all = Array.from({ length: n }, (_, i) => i).filter((i) => i !== skip)
                    .map((i) => Array.from({ length: d }, (_, k) => (queries[q * d + k] - p[i * d + k]) ** 2).reduce((a, b) => a + b, 0))
                    .sort((a, b) => a - b);
                expect(tree.nearest(queries, q * d, 8, indices, d2, skip)).toBe(8);
                expect(Array.from(d2)).toEqual(all.slice(0, 8).map((v) => expect.closeTo(v, 12)));
                expect(Array.from(indices)).not.toContain(skip);
            }
        }
        expect(new KdTree(new Float64Array(6), 3, 2).nearest([0, 0], 0, 8, new Int32Array(8), new Float64Array(8), 1)).toBe(2);
    });
});
