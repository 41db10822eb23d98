import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { ksDistance, ksToUniform } from '../../src/engine/synthesis/ks.js';
import { Random } from '../../src/engine/nn/random.js';
import { Reference } from '../../src/engine/synthesis/reference.js';
import { tempFolder } from './model-fixtures.js';

const regression = { probability: false, seen: { min: 40, max: 3400 } };

describe('Reference', () => {
    it('a column: draws and stratified targets come from its values; stratified ones follow it within 1/count', async () => {
        const dir = tempFolder();
        const r = new Random(1);
        const values = Array.from({ length: 5000 }, () => Math.exp(2 * r.normal()));
        writeFileSync(join(dir, 'ref.csv'), ['a,y', ...values.map((v, i) => `${i},${v}`)].join('\n') + '\n');
        const ref = await Reference.load({ kind: 'column', output: 'y', path: join(dir, 'ref.csv'), column: 'y', tolerance: 1 }, regression);
        const known = new Set(values.map((v) => Math.fround(v)));
        const draws = ref.draw(new Random(2), 1000);
        expect(Array.from(draws).every((v) => known.has(v))).toBe(true);
        const stratified = ref.stratified(new Random(3), 400);
        expect(ksDistance(stratified, values)).toBeLessThanOrEqual(1 / 400 + 1e-12);
        // Independent draws are further off (typically ~0.87 / sqrt(n)).
        expect(ksDistance(draws, values)).toBeGreaterThan(ksDistance(stratified, values));
        // Shuffled: not in increasing order.
        expect(Array.from(stratified).every((v, i, a) => i === 0 || a[i - 1] <= v)).toBe(false);
        expect(ref.oneSided).toBe(false);
        expect(ref.ks(values)).toBe(0);
        expect(ref.sample().length).toBe(2000);
        expect(ref.rowTarget(12)).toEqual({ output: 'y', kind: 'equal', value: 12, tolerance: 1 });
    });

    it('a range is uniform over it; a goal spreads from its bound to the training max (1 for a probability) and has no KS', async () => {
        const range = await Reference.load({ kind: 'range', output: 'y', low: 1500, high: 1800, tolerance: 1.8 }, regression);
        const t = range.stratified(new Random(4), 300);
        expect(Math.min(...t)).toBeGreaterThanOrEqual(1500);
        expect(Math.max(...t)).toBeLessThanOrEqual(1800);
        expect(ksToUniform(t, 1500, 1800)).toBeLessThanOrEqual(1 / 300 + 1e-12);
        expect(range.ks(t)).toBeCloseTo(ksToUniform(t, 1500, 1800), 12);

        const goal = await Reference.load({ kind: 'atLeast', output: 'y', value: 3000, tolerance: 3 }, regression);
        expect([goal.low, goal.high, goal.oneSided, goal.ks([3100])]).toEqual([3000, 3400, true, null]);
        expect(goal.rowTarget(3200)).toEqual({ output: 'y', kind: 'atLeast', value: 3000, tolerance: 3 });
        const below = await Reference.load({ kind: 'atMost', output: 'y', value: 100, tolerance: 1 }, regression);
        expect([below.low, below.high]).toEqual([40, 100]);
        const probability = await Reference.load({ kind: 'atLeast', output: 'Chinstrap', value: 0.9, tolerance: 0.01 }, { probability: true, seen: null });
        expect([probability.low, probability.high]).toEqual([0.9, 1]);
    });

    it('a goal on an output with no recorded range says what to write instead', async () => {
        await expect(Reference.load({ kind: 'atLeast', output: 'y', value: 3, tolerance: 1 }, { probability: false, seen: null })).rejects.toThrow(
            /records no range for y .*use `target y in \[LO, HI\]`/,
        );
    });
});
