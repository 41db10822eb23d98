/**
 * The rules that end a run before its `steps` (LANGUAGE.md, "Soft bounds", "Early stop").
 * Pure bookkeeping over the checks the run loop makes at step 0, every CHECK_EVERY steps and
 * at the last step; no tensors here.
 */
import type { FreeColumn } from './feature-transform.js';
import type { ProgramState } from './inversion-program.js';

/** Steps between two checks (the spec fixes 50 for `stop outside bounds`; the others share it). */
export const CHECK_EVERY = 50;

/**
 * Early stop with a positive diversity. The spread term acts until the spread has stopped
 * growing (it grew by less than SPREAD_GROWTH, relative, over the last SPREAD_WINDOW steps)
 * or SETTLE_AT of the steps have passed; then the solutions settle onto their targets
 * without it, and the run stops as soon as every solution meets.
 */
export const SPREAD_WINDOW = 500;
export const SPREAD_GROWTH = 0.01;
export const SETTLE_AT = 0.9;

/**
 * `stop outside bounds`, exactly as LANGUAGE.md says: once some check has found at least
 * half of the solutions inside the box, the run stops at the first later check where more
 * than half are outside, and its result is the state of the last check where at least half
 * were inside.
 */
export class OutsideBoundsRule {
    private kept: { step: number; state: ProgramState } | null = null;

    /** Records a check; true when the run must stop now. */
    check(step: number, inside: number, solutions: number, state: ProgramState): boolean {
        if (2 * inside >= solutions) {
            this.kept = { step, state };
            return false;
        }
        return this.kept !== null;
    }

    /** The last check where at least half were inside; null when no check ever had half inside. */
    get lastHalfInside(): { step: number; state: ProgramState } | null {
        return this.kept;
    }
}

/**
 * When to stop for `tolerance`, and (with a positive diversity) when the spread term stops:
 * see SPREAD_WINDOW above.
 */
export class ToleranceRule {
    private readonly spreads = new Map<number, number>();
    /** Whether the spread term still acts (never with diversity 0). */
    spreading: boolean;

    constructor(
        diversity: number,
        private readonly steps: number,
    ) {
        this.spreading = diversity > 0;
    }

    /** Records a check; true when the run must stop now (every solution meets, nothing left to spread). */
    check(step: number, allMeet: boolean, spread: number): boolean {
        this.spreads.set(step, spread);
        if (this.spreading) {
            const before = this.spreads.get(step - SPREAD_WINDOW);
            const settled = before !== undefined && spread < before * (1 + SPREAD_GROWTH);
            if (settled || step >= SETTLE_AT * this.steps) this.spreading = false;
            return false;
        }
        return allMeet;
    }
}

/**
 * Spread of the solutions: the mean over free features of the standard deviation of the
 * box-normalised value (0..1 across the box; the domain, or centre +- scale, when unbounded).
 */
export function spreadOf(state: ProgramState, free: FreeColumn[]): number {
    const n = state.solutions;
    const k = free.length;
    if (n < 2 || k === 0) return 0;
    let total = 0;
    for (let j = 0; j < k; j++) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += state.features[i * k + j];
        const mean = sum / n;
        let sq = 0;
        for (let i = 0; i < n; i++) sq += (state.features[i * k + j] - mean) ** 2;
        total += Math.sqrt(sq / n) / free[j].width;
    }
    return total / k;
}

/** Solutions whose free features are all inside their declared boxes. */
export function insideCount(state: ProgramState, free: FreeColumn[]): number {
    let inside = 0;
    for (let i = 0; i < state.solutions; i++) if (rowInside(state.features, i, free)) inside++;
    return inside;
}

export function rowInside(features: ArrayLike<number>, row: number, free: FreeColumn[]): boolean {
    return free.every((f, j) => {
        const v = features[row * free.length + j];
        return f.box === null || (v >= f.box.lo && v <= f.box.hi);
    });
}

/**
 * Why a state is not finite, in words a user can act on, or null when it is finite: which
 * stage first produced NaN/Inf (the generator's raw output, a constraint, the oracle).
 */
export function divergenceCause(state: ProgramState, free: FreeColumn[], outputs: string[], step: number): string | null {
    const k = free.length;
    const bad = (v: number) => (Number.isNaN(v) ? 'NaN' : 'Inf');
    for (let i = 0; i < state.raw.length; i++) {
        if (!Number.isFinite(state.raw[i])) return `the generator's output became ${bad(state.raw[i])} by step ${step} (lower learningRate)`;
    }
    for (let i = 0; i < state.features.length; i++) {
        const v = state.features[i];
        if (Number.isFinite(v)) continue;
        const f = free[i % k];
        const source = f.constraint ? `constraint \`${f.constraint.name}\`` : `the transform of ${f.feature.name}`;
        return `${source} produced ${bad(v)} at step ${step} (feature ${f.feature.name}, raw value ${state.raw[i]})`;
    }
    for (let i = 0; i < state.outputs.length; i++) {
        const v = state.outputs[i];
        if (!Number.isFinite(v)) return `the oracle produced ${bad(v)} for ${outputs[i % outputs.length]} at step ${step}`;
    }
    return null;
}
