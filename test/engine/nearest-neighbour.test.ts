import { describe, expect, it } from 'vitest';

import { nearestNeighbours } from '../../src/engine/inversion/nearest-neighbour.js';
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
});
