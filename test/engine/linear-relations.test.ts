import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { RelationSpace, RELATION_TOLERANCE, rowViolation, type RelationRow, type RelationVariable } from '../../src/engine/inversion/linear-relations.js';
import { PolytopePart } from '../../src/engine/inversion/polytope-map.js';
import { Random } from '../../src/engine/nn/random.js';
import { tf } from '../../src/engine/backend/tf.js';
import type { FreeColumn } from '../../src/engine/inversion/transform-part.js';

beforeAll(async () => {
    await initBackend('cpu');
});

/**
 * A random polytope that holds a known point p: boxes around p, equalities through p (a
 * mixture's `a + b + c = 100`, or random ones), inequalities through p + slack (some tight).
 */
function randomPolytope(random: Random): { variables: RelationVariable[]; rows: RelationRow[]; point: number[] } {
    const k = 2 + Math.floor(random.uniform(0, 5));
    const scale = 10 ** random.uniform(-2, 4);
    const point = Array.from({ length: k }, () => random.uniform(-1, 1) * scale);
    const variables = point.map((p, l): RelationVariable => {
        const open = random.uniform(0, 1) < 0.1;
        return { name: `x${l}`, box: open ? null : { lo: p - random.uniform(0.01, 2) * scale, hi: p + random.uniform(0.01, 2) * scale }, integer: false };
    });
    const rows: RelationRow[] = [];
    const equalities = Math.floor(random.uniform(0, Math.min(3, k - 1) + 0.99));
    for (let e = 0; e < equalities; e++) {
        const coefficients = point.map(() => (random.uniform(0, 1) < 0.5 ? 1 : Math.round(random.uniform(-5, 5) * 100) / 100));
        rows.push({ coefficients, op: '=', rhs: coefficients.reduce((s, c, l) => s + c * point[l], 0), text: `eq${e}` });
    }
    const inequalities = Math.floor(random.uniform(1, 6));
    for (let i = 0; i < inequalities; i++) {
        const coefficients = point.map(() => Math.round(random.uniform(-3, 3) * 10) / 10);
        const lhs = coefficients.reduce((s, c, l) => s + c * point[l], 0);
        const tight = random.uniform(0, 1) < 0.2;
        const slack = tight ? 0 : random.uniform(0, 1) * scale;
        if (random.uniform(0, 1) < 0.5) rows.push({ coefficients, op: '<=', rhs: lhs + slack, text: `le${i}` });
        else rows.push({ coefficients, op: '>=', rhs: lhs - slack, text: `ge${i}` });
    }
    return { variables, rows, point };
}

function worst(rows: RelationRow[], variables: RelationVariable[], x: ArrayLike<number>): number {
    let w = 0;
    for (const r of rows) w = Math.max(w, rowViolation(r, x));
    variables.forEach((v, l) => {
        if (!v.box) return;
        const size = Math.max(1, Math.abs(v.box.lo), Math.abs(v.box.hi), Math.abs(x[l]));
        w = Math.max(w, (v.box.lo - x[l]) / size, (x[l] - v.box.hi) / size);
    });
    return w;
}

describe('the relations\' polytope (float64)', () => {
    it('maps every cube point of 300 random polytopes inside, to 1e-9 relative', async () => {
        const random = new Random(20260613);
        let points = 0;
        let violations = 0;
        let largest = 0;
        for (let trial = 0; trial < 300; trial++) {
            const { variables, rows } = randomPolytope(random);
            const built = await RelationSpace.build(variables, rows);
            expect(built.ok, `polytope ${trial}: ${built.ok ? '' : built.reason}`).toBe(true);
            if (!built.ok) continue;
            const space = built.space;
            expect(worst(rows, variables, space.center)).toBeLessThanOrEqual(RELATION_TOLERANCE);
            for (let s = 0; s < 40; s++) {
                // Inside the cube, on its faces and corners (where the map reaches the polytope's boundary).
                const v = Array.from({ length: space.d }, () => (s % 3 === 0 ? Math.sign(random.uniform(-1, 1)) : random.uniform(-1, 1)));
                const x = space.map(v);
                const w = worst(rows, variables, x);
                largest = Math.max(largest, w);
                if (w > RELATION_TOLERANCE) violations++;
                points++;
                // A point far outside, repaired.
                const far = Array.from(x, (xl) => xl + random.uniform(-1, 1) * 1e3 * (1 + Math.abs(xl)));
                const repaired = space.repair(far);
                if (worst(rows, variables, repaired) > RELATION_TOLERANCE) violations++;
                points++;
            }
        }
        expect(points).toBe(300 * 80);
        expect(violations, `largest relative violation ${largest}`).toBe(0);
    });

    it('projects onto the polytope (Dykstra): the nearest point, inside, and a point inside stays', async () => {
        // The simplex a + b + c = 100 in [0, 100]^3; (150, 0, -50) projects onto (100, 0, 0).
        const variables = ['a', 'b', 'c'].map((name) => ({ name, box: { lo: 0, hi: 100 }, integer: false }));
        const built = await RelationSpace.build(variables, [{ coefficients: [1, 1, 1], op: '=', rhs: 100, text: 's' }]);
        if (!built.ok) throw new Error(built.reason);
        const space = built.space;
        const projected = space.fromReducedPoint(space.project(space.reducedPoint([150, 0, -50])));
        expect(Array.from(projected).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([100, 0, 0]);
        const inside = [20, 30, 50];
        expect(Array.from(space.fromReducedPoint(space.project(space.reducedPoint(inside))))).toEqual(inside.map((v) => expect.closeTo(v, 9)));
        // On random polytopes: within a hair of feasible, and repair makes it exact.
        const random = new Random(99);
        for (let trial = 0; trial < 50; trial++) {
            const p = randomPolytope(random);
            const b = await RelationSpace.build(p.variables, p.rows);
            if (!b.ok) throw new Error(b.reason);
            for (let s = 0; s < 10; s++) {
                const far = p.point.map((x) => x + random.uniform(-5, 5) * (1 + Math.abs(x)));
                const x = b.space.fromReducedPoint(b.space.project(b.space.reducedPoint(far)));
                expect(worst(p.rows, p.variables, x)).toBeLessThanOrEqual(RELATION_TOLERANCE);
                expect(worst(p.rows, p.variables, b.space.repair(x))).toBeLessThanOrEqual(RELATION_TOLERANCE);
            }
        }
    });

    it('reaches the boundary: a corner of the cube maps onto a face', async () => {
        // a + b + c = 100, each in [0, 100]: the simplex; maximise a -> (100, 0, 0).
        const variables = ['a', 'b', 'c'].map((name) => ({ name, box: { lo: 0, hi: 100 }, integer: false }));
        const built = await RelationSpace.build(variables, [{ coefficients: [1, 1, 1], op: '=', rhs: 100, text: 'a + b + c = 100' }]);
        if (!built.ok) throw new Error(built.reason);
        const space = built.space;
        expect(space.d).toBe(2);
        expect(Array.from(space.center)).toEqual([expect.closeTo(100 / 3, 9), expect.closeTo(100 / 3, 9), expect.closeTo(100 / 3, 9)]);
        // The inverse of a vertex, mapped back, is that vertex.
        const vertex = space.map(space.cubePoint([100, 0, 0]));
        expect(vertex[0]).toBeCloseTo(100, 6);
        expect(vertex[0] + vertex[1] + vertex[2]).toBeCloseTo(100, 12);
    });

    it('says when no point satisfies the relations, and finds a flat polytope\'s hidden equality', async () => {
        const variables = ['a', 'b'].map((name) => ({ name, box: { lo: 0, hi: 10 }, integer: false }));
        const none = await RelationSpace.build(variables, [{ coefficients: [1, 1], op: '>=', rhs: 30, text: 'a + b >= 30' }]);
        expect(none.ok).toBe(false);
        // a + b <= 10 and a + b >= 10: the segment a + b = 10.
        const flat = await RelationSpace.build(variables, [
            { coefficients: [1, 1], op: '<=', rhs: 10, text: 'a + b <= 10' },
            { coefficients: [1, 1], op: '>=', rhs: 10, text: 'a + b >= 10' },
        ]);
        if (!flat.ok) throw new Error(flat.reason);
        expect(flat.space.movable).toBe(true);
        expect(flat.space.d).toBe(1);
        for (const v of [-1, -0.3, 0.5, 1]) {
            const x = flat.space.map([v]);
            expect(Math.abs(x[0] + x[1] - 10)).toBeLessThan(1e-12);
        }
    });

    it('slices at whole numbers: the rest of the polytope, or why there is none', async () => {
        // 6n + 4m <= 24, n + 2m <= 6, plus x with n + x = 4.5.
        const variables: RelationVariable[] = [
            { name: 'n', box: { lo: 0, hi: 10 }, integer: true },
            { name: 'm', box: { lo: 0, hi: 10 }, integer: true },
            { name: 'x', box: { lo: 0, hi: 2 }, integer: false },
        ];
        const built = await RelationSpace.build(variables, [
            { coefficients: [6, 4, 0], op: '<=', rhs: 24, text: '6 n + 4 m <= 24' },
            { coefficients: [1, 2, 0], op: '<=', rhs: 6, text: 'n + 2 m <= 6' },
            { coefficients: [1, 0, 1], op: '=', rhs: 4.5, text: 'n + x = 4.5' },
        ]);
        if (!built.ok) throw new Error(built.reason);
        const ok = await built.space.slice(new Map([[0, 3], [1, 1]]));
        if (!ok.ok) throw new Error(ok.reason);
        expect(ok.space.k).toBe(1);
        expect(ok.space.map([0.7])[0]).toBeCloseTo(1.5, 12);
        expect((await built.space.slice(new Map([[0, 3], [1, 2]]))).ok).toBe(false); // 26 > 24
        expect((await built.space.slice(new Map([[0, 1], [1, 0]]))).ok).toBe(false); // x = 3.5 > 2
    });
});

describe('the relations\' polytope in tensors', () => {
    it('agrees with the float64 map to float32 precision, and the per-solution slices stay apart', async () => {
        const random = new Random(7);
        for (let trial = 0; trial < 20; trial++) {
            const { variables, rows } = randomPolytope(random);
            const built = await RelationSpace.build(variables, rows);
            if (!built.ok) throw new Error(built.reason);
            const columns = variables.map((v, l): FreeColumn => ({ column: l, feature: { role: 'free', name: v.name, domain: null, transform: { kind: 'none' } }, origin: 0, width: 1, box: v.box, constraint: null }));
            const part = new PolytopePart(columns, [built.space]);
            const n = 16;
            const u = Array.from({ length: n * part.raw }, () => random.uniform(-3, 3));
            const before = tf.memory().numTensors;
            const x = part.raw > 0 ? part.apply(tf.tensor2d(u, [n, part.raw])) : part.apply(tf.zeros([n, 0]));
            const values = await x.data();
            tf.dispose(x);
            for (let i = 0; i < n; i++) {
                const exact = part.exact(u.slice(i * part.raw, (i + 1) * part.raw), i);
                const size = Math.max(1, ...exact.map(Math.abs));
                exact.forEach((e, l) => expect(Math.abs(values[i * variables.length + l] - e) / size).toBeLessThan(1e-4));
                expect(worst(rows, variables, exact)).toBeLessThanOrEqual(RELATION_TOLERANCE);
                // rawFor inverts exact.
                const back = part.exact(part.rawFor(exact, i), i);
                back.forEach((b, l) => expect(Math.abs(b - exact[l]) / size).toBeLessThan(1e-6));
            }
            expect(tf.memory().numTensors).toBeLessThanOrEqual(before + (part.raw > 0 ? 1 : 1));
            part.dispose();
        }
    });
});
