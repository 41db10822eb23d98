import { describe, expect, it } from 'vitest';

import type { FreeColumn } from '../../src/engine/inversion/feature-transform.js';
import type { ProgramState } from '../../src/engine/inversion/inversion-program.js';
import type { FreeFeature } from '../../src/engine/contract/spec.js';
import { EarlyStopRule, insideCount, OutsideBoundsRule, SPREAD_WINDOW, spreadOf } from '../../src/engine/inversion/stop-rules.js';
import { PAPER_CONSTRAINT } from './model-fixtures.js';

function state(features: number[], raw = features.map(() => 0), outputs = features.map(() => 0), solutions = features.length): ProgramState {
    return { solutions, raw: Float32Array.from(raw), features: Float32Array.from(features), outputs: Float32Array.from(outputs) };
}

const boxed: FreeColumn = {
    column: 0,
    feature: { role: 'free', name: 'x1', domain: null, transform: { kind: 'constraint', box: { lo: 0, hi: 100 }, constraint: PAPER_CONSTRAINT } } as FreeFeature,
    origin: 0,
    width: 100,
    box: { lo: 0, hi: 100 },
    constraint: { name: 'paper', apply: (x) => x },
};

/** Runs the outside-bounds rule over checks given as shares inside (of 4 solutions); returns the stop step and the kept step. */
function runOutside(insides: number[]): { stoppedAt: number | null; kept: number | null } {
    const rule = new OutsideBoundsRule();
    for (let i = 0; i < insides.length; i++) {
        const step = 50 * i;
        if (rule.check(step, insides[i], 4, state([step]))) return { stoppedAt: step, kept: rule.lastHalfInside!.step };
    }
    return { stoppedAt: null, kept: rule.lastHalfInside?.step ?? null };
}

describe('stop outside bounds (LANGUAGE.md, exactly)', () => {
    it('stops at the first check after some half-inside one where more than half are outside, keeping the last half-inside state', () => {
        expect(runOutside([4, 3, 2, 1, 4])).toEqual({ stoppedAt: 150, kept: 100 });
    });

    it('counts exactly half inside as inside, and more than half outside as outside', () => {
        expect(runOutside([2, 2, 2])).toEqual({ stoppedAt: null, kept: 100 });
        expect(runOutside([2, 1])).toEqual({ stoppedAt: 50, kept: 0 });
    });

    it('does not stop before any check had half inside', () => {
        expect(runOutside([0, 1, 0, 3, 1])).toEqual({ stoppedAt: 200, kept: 150 });
        expect(runOutside([1, 0, 1])).toEqual({ stoppedAt: null, kept: null });
    });

    it('keeps the state of the kept check', () => {
        const rule = new OutsideBoundsRule();
        const kept = state([1, 2, 3, 4]);
        rule.check(0, 4, 4, kept);
        expect(rule.check(50, 0, 4, state([500, 500, 500, 500]))).toBe(true);
        expect(rule.lastHalfInside).toEqual({ step: 0, state: kept });
    });

    it('counts solutions inside their boxes', () => {
        expect(insideCount(state([-1, 0, 50, 100, 100.5]), [boxed])).toBe(3);
    });
});

describe('early stop', () => {
    it('with diversity 0 stops when every solution meets', () => {
        const rule = new EarlyStopRule(0, 3000, false);
        expect(rule.spreadingAt(0)).toBe(false);
        expect(rule.check(0, false, 0.1)).toBe(false);
        expect(rule.check(50, true, 0.1)).toBe(true);
    });

    it('with a positive diversity spreads until the spread stops growing, then stops when every solution meets', () => {
        const rule = new EarlyStopRule(0.15, 100_000, false);
        let step = 0;
        // Growing by 10 % every 500 steps: still spreading, even when all meet.
        for (; step <= 2000; step += 50) expect(rule.check(step, true, 0.1 * 1.1 ** (step / SPREAD_WINDOW))).toBe(false);
        expect(rule.spreadingAt(step)).toBe(true);
        // Flat: after a window the spreading ends; the run stops at the next check where all meet.
        let stopped = -1;
        for (; step <= 4000 && stopped < 0; step += 50) if (rule.check(step, step >= 3000, 0.2)) stopped = step;
        expect(rule.spreadingAt(stopped)).toBe(false);
        expect(stopped).toBe(3000);
    });

    it('never stops early with an objective (maximize/minimize): there is always more to gain', () => {
        const rule = new EarlyStopRule(0, 3000, true);
        expect(rule.check(0, true, 0.1)).toBe(false);
        expect(rule.check(50, true, 0.1)).toBe(false);
    });

    it('with an objective beside goals, follows it until 90 % of the steps whatever the spread does, then settles', () => {
        for (const diversity of [0, 0.15]) {
            const rule = new EarlyStopRule(diversity, 2000, true, true);
            // A flat spread for longer than a window would end the spread term: not here.
            for (let step = 0; step < 1800; step += 50) expect(rule.check(step, true, 0.2)).toBe(false);
            expect(rule.spreadingAt(1799)).toBe(true);
            expect(rule.spreadingAt(1800)).toBe(false);
            expect(rule.check(1800, true, 0.2)).toBe(false); // an objective: never an early stop
        }
    });

    it('stops spreading at 90 % of the steps at the latest, between checks too', () => {
        const rule = new EarlyStopRule(0.15, 1000, false);
        for (let step = 0; step < 900; step += 50) rule.check(step, false, step);
        expect(rule.spreadingAt(899)).toBe(true);
        expect(rule.spreadingAt(900)).toBe(false);
        expect(new EarlyStopRule(0.15, 300, false).spreadingAt(270)).toBe(false);
    });
});

describe('spread', () => {
    it('measures spread as the mean std of box-normalised features', () => {
        const two: FreeColumn[] = [boxed, { ...boxed, column: 1, width: 10, box: { lo: 0, hi: 10 } }];
        // Two solutions: the first column has std 20 over a width of 100, the second std 0.
        expect(spreadOf(state([30, 5, 70, 5], undefined, undefined, 2), two)).toBeCloseTo(0.1, 9);
    });
});
