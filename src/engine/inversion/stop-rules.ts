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
 * Early stop. With `diversity 0`: as soon as every solution meets its targets. With a
 * positive diversity the spread term acts until the spread (spreadOf) has stopped growing,
 * i.e. grew by less than SPREAD_GROWTH (relative) over the last SPREAD_WINDOW steps, checked
 * every CHECK_EVERY steps, or until SETTLE_AT of the steps have passed; then each solution
 * settles onto its targets on its own, without the term, and the run stops as soon as every
 * solution meets. Never with a `maximize`/`minimize` target (there is always more to gain);
 * an objective beside goals is followed until SETTLE_AT, then each solution settles onto its
 * goals alone.
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
 * Early stop (`tolerance`), and with a positive diversity when the spread term stops acting
 * (see SPREAD_WINDOW above).
 */
export class EarlyStopRule {
    private readonly spreads = new Map<number, number>();
    /** The step from which the spread term no longer acts. */
    private spreadEnd: number;

    /** Whether the spread term stops early once the spread has stopped growing. */
    private readonly stalls: boolean;

    constructor(
        diversity: number,
        steps: number,
        /** With a `maximize`/`minimize` target there is always more to gain: no early stop. */
        private readonly objective: boolean,
        /**
         * An objective beside goals (`=`, `in`, `>=`, `<=`): the objective is followed until
         * SETTLE_AT of the steps whatever the spread does, then each solution settles onto its
         * goals alone (TargetLoss.settling), so the run ends with solutions that meet them.
         */
        goalsBesideObjective = false,
    ) {
        this.spreadEnd = diversity > 0 || goalsBesideObjective ? Math.floor(SETTLE_AT * steps) : 0;
        this.stalls = diversity > 0 && !goalsBesideObjective;
    }

    /** Whether the spread term acts at `step`. */
    spreadingAt(step: number): boolean {
        return step < this.spreadEnd;
    }

    /** Records a check; true when the run must stop now (every solution meets, nothing left to spread). */
    check(step: number, allMeet: boolean, spread: number): boolean {
        this.spreads.set(step, spread);
        if (this.spreadingAt(step)) {
            const before = this.spreads.get(step - SPREAD_WINDOW);
            if (this.stalls && before !== undefined && spread < before * (1 + SPREAD_GROWTH)) this.spreadEnd = step;
            return false;
        }
        return allMeet && !this.objective;
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
