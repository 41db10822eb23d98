import { describe, expect, it } from 'vitest';

import { ksDistance, ksToUniform } from '../../src/engine/synthesis/ks.js';
import { Random } from '../../src/engine/nn/random.js';

describe('ksDistance (two samples)', () => {
    it('matches hand-computed cases', () => {
        // F_a steps 1/4 at 1, 2, 3, 4; F_b 1/2 at 2.5, 3.5. Gaps after each value:
        // 1: .25-0, 2: .5-0, 2.5: .5-.5, 3: .75-.5, 3.5: .75-1, 4: 1-1 -> largest 0.5.
        expect(ksDistance([1, 2, 3, 4], [2.5, 3.5])).toBe(0.5);
        expect(ksDistance([3, 1, 2], [1, 2, 3])).toBe(0);
        expect(ksDistance([1, 2, 3], [4, 5])).toBe(1);
        // [0, 10] against [5]: F_a = 1/2 on [0, 10), F_b jumps to 1 at 5 -> 0.5.
        expect(ksDistance([0, 10], [5])).toBe(0.5);
    });

    it('steps both samples past a shared value before measuring (ties)', () => {
        // At 1: F_a = 2/3, F_b = 1/3; at 2: both 1. Measured between the steps of a tie, it would read 2/3.
        expect(ksDistance([1, 1, 2], [1, 2, 2])).toBeCloseTo(1 / 3, 12);
        expect(ksDistance([7, 7, 7], [7])).toBe(0);
    });

    it('is symmetric and unchanged by a monotone transform of both samples', () => {
        const r = new Random(3);
        const a = Array.from({ length: 300 }, () => r.normal());
        const b = Array.from({ length: 200 }, () => r.normal() + 0.3);
        const d = ksDistance(a, b);
        expect(ksDistance(b, a)).toBe(d);
        expect(ksDistance(a.map(Math.exp), b.map(Math.exp))).toBe(d);
        expect(d).toBeGreaterThan(0.05);
    });

    it('is small for two samples of one distribution and large for shifted ones', () => {
        const r = new Random(5);
        const same = ksDistance(Array.from({ length: 4000 }, () => r.next()), Array.from({ length: 4000 }, () => r.next()));
        // The 99.9 % critical value for n = m = 4000 is 1.95 sqrt(2 / 4000) = 0.044.
        expect(same).toBeLessThan(0.044);
        const shifted = ksDistance(Array.from({ length: 4000 }, () => r.next()), Array.from({ length: 4000 }, () => r.next() + 0.5));
        expect(shifted).toBeGreaterThan(0.45);
        expect(shifted).toBeLessThan(0.55);
    });

    it('leaves NaN out and gives NaN for an empty side', () => {
        expect(ksDistance([1, NaN, 2], [1, 2])).toBe(0);
        expect(ksDistance([], [1])).toBeNaN();
    });
});

describe('ksToUniform (one sample against the uniform distribution)', () => {
    it('matches hand-computed cases', () => {
        // One point at the middle: F jumps from 0 to 1 where the uniform CDF is 0.5.
        expect(ksToUniform([0.5], 0, 1)).toBe(0.5);
        // Points at the quarter and three quarters: gaps of 0.25 everywhere they step.
        expect(ksToUniform([0.25, 0.75], 0, 1)).toBe(0.25);
        expect(ksToUniform([150, 50], 0, 200)).toBe(0.25);
        // Everything outside the range on one side.
        expect(ksToUniform([5, 6], 0, 1)).toBe(1);
    });

    it('agrees with the two-sample distance against a fine uniform grid', () => {
        const r = new Random(8);
        const sample = Array.from({ length: 500 }, () => 10 + 20 * r.next() ** 1.3);
        const grid = Array.from({ length: 200_000 }, (_, i) => 10 + (20 * (i + 0.5)) / 200_000);
        expect(ksToUniform(sample, 10, 30)).toBeCloseTo(ksDistance(sample, grid), 4);
    });
});
