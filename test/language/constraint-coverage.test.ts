/**
 * The union of a constraint's earlier pieces (CoveredSet), kept sorted so that a constraint
 * of 100,000 pieces is checked in n log n (issue 15): the same answers as looking at every
 * point, on random intervals with open and closed ends.
 */
import { expect, test } from 'vitest';
import { CoveredSet, isEmpty, type XInterval } from '../../src/language/validation/constraint-coverage.js';

function contains(i: XInterval, x: number): boolean {
    return (x > i.lo || (x === i.lo && i.loClosed)) && (x < i.hi || (x === i.hi && i.hiClosed));
}

test('covers() agrees with a point-by-point check, whatever the order the intervals come in', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const interval = (): XInterval => {
        const a = Math.floor(random() * 40);
        const b = a + Math.floor(random() * 6);
        return { lo: random() < 0.1 ? -Infinity : a, loClosed: random() < 0.5, hi: random() < 0.1 ? Infinity : b, hiClosed: random() < 0.5 };
    };
    // Every integer and half-integer, and far out: enough to tell intervals with integer ends apart.
    const points = [-1e9, ...Array.from({ length: 2 * 60 }, (_, k) => k / 2 - 5), 1e9];
    for (let trial = 0; trial < 200; trial++) {
        const set = new CoveredSet();
        const added: XInterval[] = [];
        for (let step = 0; step < 12; step++) {
            const inner = interval();
            const expected = isEmpty(inner) || points.filter((x) => contains(inner, x)).every((x) => added.some((c) => contains(c, x)));
            expect(set.covers(inner), JSON.stringify({ inner, added })).toBe(expected);
            const next = interval();
            set.add(next);
            added.push(next);
        }
    }
});

test('100,000 adjacent pieces: linear in practice', () => {
    const set = new CoveredSet();
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) {
        const piece = { lo: i, loClosed: true, hi: i + 1, hiClosed: false };
        expect(set.covers(piece)).toBe(false);
        set.add(piece);
    }
    expect(set.covers({ lo: 0, loClosed: true, hi: 100_000, hiClosed: false })).toBe(true);
    expect(set.covers({ lo: 0, loClosed: true, hi: 100_000, hiClosed: true })).toBe(false);
    // A budget, not a benchmark: the quadratic version took minutes here.
    expect(performance.now() - started).toBeLessThan(5000);
});
