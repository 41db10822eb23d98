/**
 * The finish of a search over a typed design space (LANGUAGE.md, "Typed inputs and
 * relations"): the relaxed solutions the search ends with become answers that are whole
 * where declared, hold exactly one label of the allowed ones, and satisfy every `require`
 * relation to 1e-9 relative, and the oracle is scored at exactly those values.
 *
 * 1. Candidates. Per solution: each categorical feature's labels (all allowed ones up to
 *    LABEL_OPTIONS, by relaxed probability), each integer's floor and ceiling; their product
 *    capped at MAX_CANDIDATES. The continuous features of a relation that names an integer
 *    are repaired into the polytope's slice at those whole values (linear-relations.ts);
 *    a solution none of whose candidates has a slice gets its nearest whole values from a
 *    small MIP. The oracle scores every candidate; the best per solution is kept.
 * 2. Refinement. With the choices held per solution, the continuous features are optimised
 *    on their own (raw values as variables, inside their boxes and the slice's polytope),
 *    as the inversion's own refinement does, keeping each solution's best state.
 * 3. Local search. Each integer one step up or down (pairs of them too, for a few integers),
 *    each other allowed label: the oracle scores the neighbours, a better one is taken, until
 *    none is. It finds whole optima that rounding misses (a knapsack's corner). Steps 2-3
 *    run twice, each refinement with half of the budget.
 * 4. Exact values: every free column recomputed in float64 (boxes, the polytope's gauge map
 *    from the raw values; whole numbers and labels as chosen), the oracle scored there, and
 *    every rule checked: `violations` counts the answers that break any (0 by construction).
 */
import type { Rank, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';

import { isInteger } from '../contract/feature-types.js';
import { EngineError } from '../contract/errors.js';
import { FeatureTransforms, type RelationSet } from './feature-transform.js';
import { RELATION_TOLERANCE, rowViolation, type RelationSpace } from './linear-relations.js';
import { TapedProgram, type ProgramState, type StepResult } from './inversion-program.js';
import type { TargetLoss } from './loss.js';
import type { Oracle } from '../oracle/oracle.js';
import { PolytopePart } from './polytope-map.js';
import type { RelationSpec } from '../contract/spec.js';
import { FrozenPart, type FreeColumn, type TransformPart } from './transform-part.js';
import { tf } from '../backend/tf.js';
import { CHECK_EVERY } from './stop-rules.js';
import { RunLog, type RunOutcome, type RunProgressEvent } from './run-log.js';
import { Random, seedFor } from '../nn/random.js';

/**
 * A typed design space keeps this share of `steps` for the finish: refining the continuous
 * features once the whole numbers and labels are chosen, projected onto the relations'
 * polytope at every step.
 */
export const FINISH_SHARE = 0.2;

/**
 * Whether the finish refines: it has whole numbers or labels to choose, or relations whose
 * features the refinement (with a projection at every step) can still improve.
 */
export function finishRefines(transforms: FeatureTransforms): boolean {
    return transforms.relations !== null || transforms.free.some((f) => f.label !== undefined || isInteger(f.feature.type));
}

/** Labels of one categorical feature tried per solution (all of them, up to this many). */
const LABEL_OPTIONS = 6;
/** Candidates per solution at most (the product of the options is trimmed to this). */
const MAX_CANDIDATES = 64;
/** Local search: rounds at most, and integers up to which pairs of steps are tried too. */
const SEARCH_ROUNDS = 6;
const PAIR_INTEGERS = 4;
/** Candidates per solution refined after the first choice (the best by the oracle before refining). */
const REFINED_CHOICES = 3;
/** The first refinement's share of the budget; the second (after a local search moved) has the rest. */
const FIRST_REFINEMENT = 0.75;
/**
 * The refinement's raw values are REFINE_STEP_SCALE * v with v the optimised variable, as the
 * adjoint's are (adjoint.ts): a choice can move an answer's output by much more than the
 * last steps of the search did, and at the plain scale a few hundred steps at 0.001 could
 * not make that up (measured: 55 % of a synthesis's rows back on their targets, 100 % at 10).
 */
const REFINE_STEP_SCALE = 10;
/**
 * The relaxed solutions count as collapsed below this spread (std / width) in every
 * continuous feature: a search with the spread term leaves 0.1-0.3; on the concrete example
 * one seed left 0.03, and refining from there put all 256 answers on one point.
 */
const COLLAPSED = 0.05;
/** Rows per oracle call when scoring candidates. */
const PREDICT_CHUNK = 4096;

/** How good a solution's outputs are: meets, its error, then its objectives (smaller is better). */
export interface RowJudgement {
    error: number;
    meets: boolean;
    objectives: number[];
}

export type RowJudge = (row: number, outputs: ArrayLike<number>) => RowJudgement;

export interface FinishOptions {
    /** The search's transforms (the finish's values come back in its free-column order). */
    transforms: FeatureTransforms;
    oracle: Oracle;
    /** The relaxed state the search ended with. */
    state: ProgramState;
    judge: RowJudge;
    /**
     * The accuracy loss for rows that belong to solutions `owners` (an index into `state`'s
     * rows each; a solution may have several), for the refinement; `dispose` frees what it made.
     */
    lossFor(owners: number[]): { loss: TargetLoss; dispose(): void };
    /** The relations as the spec gives them (checked at the end). */
    relations: RelationSpec[];
    /** Whether the run has `maximize`/`minimize` targets (the refinement then holds the goals first). */
    objectives: boolean;
    /** The run's seed (fresh starts are drawn from it). */
    seed: number;
    /** The refinement's step budget and rate. */
    steps: number;
    learningRate: number;
    signal?: AbortSignal;
    onStep?(step: number, result: StepResult): Promise<void>;
}

export interface FinishResult {
    /** Exact values (features float64, in the search's free-column order) and the oracle there. */
    state: ProgramState;
    stepsRun: number;
    /** Answers that break a relation, a bound, a whole number or a label (0). */
    violations: number;
    notes: string[];
}

interface Discrete {
    /** Categorical features: their base columns per label and the allowed label indices. */
    categories: Array<{ name: string; columns: number[]; allowed: number[] }>;
    /** Integer features: base column, whole range, and the relation variable (or -1). */
    integers: Array<{ name: string; column: number; lo: number; hi: number; variable: number }>;
    /** The relations' polytope, its variables' base columns, and which variables are whole. */
    relations: RelationSet | null;
    relationColumns: number[];
    relationIntegers: number[];
}

export async function finishTyped(opts: FinishOptions): Promise<FinishResult> {
    const { transforms, state } = opts;
    const n = state.solutions;
    const k = transforms.free.length;
    const rawWidth = transforms.rawWidth;
    const discrete = discreteOf(transforms);
    const slices = new SliceCache(discrete);
    const notes: string[] = [];

    // The relaxed values, exact where the transforms are (boxes, the polytope).
    let rows: Float64Array[] = Array.from({ length: n }, (_, i) =>
        transforms.exactRow(state.raw.subarray(i * rawWidth, (i + 1) * rawWidth), i, state.features.subarray(i * k, (i + 1) * k)),
    );
    const hasChoices = discrete.categories.length > 0 || discrete.integers.length > 0;
    const continuous = transforms.free.some((_, j) => !isChosen(discrete, j));
    let stepsRun = 0;
    // The best candidates per solution; with continuous features to refine, the best few,
    // each refined, for a choice that looks no better before refining may be after.
    const kept = hasChoices ? await chooseCandidates(opts, discrete, slices, rows, continuous ? REFINED_CHOICES : 1) : rows.map((r) => [r]);
    // Collapsed onto one point (the search converged from one side of a tight corner): each
    // solution also starts from a fresh point of its own, taken when it meets, so that 256
    // answers are not one answer copied.
    const fresh = continuous && !opts.objectives && collapsed(transforms, discrete, rows);
    if (fresh) {
        const random = new Random(seedFor(opts.seed, 'finish-fresh-starts'));
        kept.forEach((c, i) => c.unshift(freshStart(transforms, discrete, slices, c[0], i, random) ?? c[0]));
        notes.push('The search had collapsed onto nearly one point: each answer was refined from a fresh start of its own too, and that one kept where it meets.');
    }
    let owners = kept.flatMap((c, i) => c.map(() => i));
    let candidates = kept.flat();
    for (let round = 0; round < 2; round++) {
        if (continuous) {
            const budget = round === 0 ? Math.ceil(opts.steps * FIRST_REFINEMENT) : opts.steps - stepsRun;
            const refined = await refine(opts, discrete, slices, candidates, owners, budget, stepsRun);
            candidates = refined.rows;
            stepsRun += refined.steps;
        }
        rows = await bestPerSolution(opts, candidates, owners, n, fresh);
        owners = rows.map((_, i) => i);
        candidates = rows;
        if (!hasChoices) break;
        const searched = await localSearch(opts, discrete, slices, rows);
        rows = searched.rows;
        candidates = rows;
        if (!searched.moved) break;
    }
    const outputs = await predictRows(opts.oracle, transforms, rows);
    const features = new Float64Array(n * k);
    rows.forEach((r, i) => features.set(r, i * k));
    const violations = rows.filter((r) => !holds(transforms, discrete, opts.relations, r)).length;
    if (violations > 0) notes.push(`${violations} answers break a bound, whole number, label or relation: please report this as a bug.`);
    return { state: { solutions: n, raw: state.raw, features, outputs }, stepsRun, violations, notes };
}

/**
 * The finish of a run that ended its search with `run`: its steps logged after the search's
 * (loss curve, progress), and `run` given the exact state, the steps and the notes. Returns
 * the answers that break a rule (0). For inversions and syntheses alike.
 */
export async function finishOutcome(
    run: RunOutcome,
    opts: Omit<FinishOptions, 'state' | 'onStep'>,
    progress: { steps: number; started: number; onProgress?: (p: RunProgressEvent) => void },
): Promise<number> {
    const log = new RunLog(progress.steps, opts.transforms.free, opts.oracle.outputs, progress.started, progress.onProgress);
    const finish = await finishTyped({
        ...opts,
        state: run.state,
        onStep: async (step, result) => {
            log.record(run.stepsRun + step, result);
            await log.afterStep(run.stepsRun + step, null);
        },
    });
    await log.flush();
    run.state = finish.state;
    run.stepsRun += finish.stepsRun;
    run.loss.push(...log.curve);
    run.notes.push(...finish.notes);
    return finish.violations;
}

// ---------------------------------------------------------------- the discrete structure

function discreteOf(transforms: FeatureTransforms): Discrete {
    const free = transforms.free;
    const byFeature = new Map<string, { columns: number[]; allowed: number[] }>();
    const integers: Discrete['integers'] = [];
    const relations = transforms.relations;
    const relationColumns = relations ? relations.columns.map((c) => free.indexOf(c)) : [];
    free.forEach((f, j) => {
        if (f.label !== undefined) {
            const entry = byFeature.get(f.feature.name) ?? { columns: [], allowed: [] };
            entry.columns[f.label] = j;
            const labels = f.feature.type?.kind === 'categorical' ? f.feature.type.labels : [];
            if (f.feature.allowed === undefined || f.feature.allowed.includes(labels[f.label])) entry.allowed.push(f.label);
            byFeature.set(f.feature.name, entry);
        } else if (isInteger(f.feature.type)) {
            const box = f.box;
            integers.push({
                name: f.feature.name,
                column: j,
                lo: box ? Math.ceil(box.lo - 1e-9) : -Infinity,
                hi: box ? Math.floor(box.hi + 1e-9) : Infinity,
                variable: relationColumns.indexOf(j),
            });
        }
    });
    const relationIntegers = relations ? relations.columns.map((c, l) => (isInteger(c.feature.type) ? l : -1)).filter((l) => l >= 0) : [];
    return {
        categories: [...byFeature].map(([name, e]) => ({ name, columns: e.columns, allowed: e.allowed.sort((a, b) => a - b) })),
        integers,
        relations,
        relationColumns,
        relationIntegers,
    };
}

function isChosen(d: Discrete, column: number): boolean {
    return d.integers.some((i) => i.column === column) || d.categories.some((c) => c.columns.includes(column));
}

/** The relations' slices at whole values of their integer variables, computed once per set of values. */
class SliceCache {
    private readonly cache = new Map<string, RelationSpace | null>();

    constructor(private readonly d: Discrete) {}

    /** The key of a row's whole values in the relations; '' when the relations have no integer. */
    key(row: Float64Array): string {
        return this.d.relationIntegers.map((l) => row[this.d.relationColumns[l]]).join(',');
    }

    async prepare(keys: Iterable<string>): Promise<void> {
        const rel = this.d.relations;
        if (!rel || this.d.relationIntegers.length === 0) return;
        for (const key of keys) {
            if (this.cache.has(key)) continue;
            const values = key.split(',').map(Number);
            const sliced = await rel.space.slice(new Map(this.d.relationIntegers.map((l, j) => [l, values[j]])));
            this.cache.set(key, sliced.ok ? sliced.space : null);
        }
    }

    /** The slice for `key` (prepared first); null when those whole values leave no room. */
    get(key: string): RelationSpace | null {
        return this.cache.get(key) ?? null;
    }

    /**
     * `row` with its continuous relation variables moved into the slice at its whole values
     * (a new array), or null when there is no slice.
     */
    repair(row: Float64Array): Float64Array | null {
        const d = this.d;
        if (!d.relations || d.relationIntegers.length === 0) return row;
        const slice = this.get(this.key(row));
        if (!slice) return null;
        const continuous = d.relationColumns.filter((_, l) => !d.relationIntegers.includes(l));
        const out = Float64Array.from(row);
        if (continuous.length === 0) return out;
        const repaired = slice.repair(continuous.map((j) => row[j]));
        continuous.forEach((j, l) => (out[j] = repaired[l]));
        return out;
    }
}

// ---------------------------------------------------------------- step 1: candidates

async function chooseCandidates(opts: FinishOptions, d: Discrete, slices: SliceCache, rows: Float64Array[], keep: number): Promise<Float64Array[][]> {
    const perRow = rows.map((row) => candidatesOf(d, row));
    await slices.prepare(perRow.flat().map((c) => slices.key(c)));
    let valid = perRow.map((cands) => cands.map((c) => slices.repair(c)).filter((c): c is Float64Array => c !== null));
    // A row none of whose candidates leaves room for the relations: the nearest whole values (MIP).
    for (let i = 0; i < rows.length; i++) {
        if (valid[i].length > 0 || !d.relations) continue;
        const nearest = await d.relations.space.nearestWhole(d.relationColumns.map((j) => rows[i][j]));
        if (!nearest) throw new EngineError('no whole values of the integer features satisfy the `require` relations inside the bounds');
        const fixed = Float64Array.from(perRow[i][0]);
        for (const [l, v] of nearest) fixed[d.relationColumns[l]] = v;
        await slices.prepare([slices.key(fixed)]);
        const repaired = slices.repair(fixed);
        if (repaired) valid[i] = [repaired];
        else throw new EngineError(`the nearest whole values found for the \`require\` relations leave no room for the other features (solution ${i + 1})`);
    }
    const flat = valid.flat();
    const outputs = await predictRows(opts.oracle, opts.transforms, flat);
    const width = opts.oracle.outputs.length;
    let at = 0;
    return valid.map((cands, i) => {
        const judged = cands.map((cand, c) => ({ cand, c, j: opts.judge(i, outputs.subarray((at + c) * width, (at + c + 1) * width)) }));
        at += cands.length;
        judged.sort((a, b) => (better(a.j, b.j) ? -1 : better(b.j, a.j) ? 1 : a.c - b.c));
        return judged.slice(0, keep).map((x) => x.cand);
    });
}

/** Of candidate rows owned by solutions (`owners`), the best per solution by the oracle. */
async function bestPerSolution(opts: FinishOptions, rows: Float64Array[], owners: number[], n: number, firstMeeting = false): Promise<Float64Array[]> {
    if (rows.length === n && owners.every((o, i) => o === i)) return rows;
    const outputs = await predictRows(opts.oracle, opts.transforms, rows);
    const width = opts.oracle.outputs.length;
    const best: Array<{ row: Float64Array; j: RowJudgement } | null> = new Array(n).fill(null);
    rows.forEach((row, r) => {
        const j = opts.judge(owners[r], outputs.subarray(r * width, (r + 1) * width));
        const i = owners[r];
        // `firstMeeting`: the first candidate that meets wins (a fresh start is listed first).
        if (best[i] === null || (firstMeeting && best[i]!.j.meets ? false : better(j, best[i]!.j))) best[i] = { row, j };
    });
    return best.map((b) => b!.row);
}

/** Whether every continuous free column spreads less than COLLAPSED of its width over the solutions. */
function collapsed(transforms: FeatureTransforms, d: Discrete, rows: Float64Array[]): boolean {
    if (rows.length < 2) return false;
    return transforms.free.every((f, j) => {
        if (isChosen(d, j)) return true;
        const values = rows.map((r) => r[j]);
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
        return std < COLLAPSED * f.width;
    });
}

/**
 * `row` with its continuous features moved to a seeded random point of their boxes and of
 * the relations' polytope (its slice at the row's whole numbers), the choices kept; null
 * when the slice leaves no room.
 */
function freshStart(transforms: FeatureTransforms, d: Discrete, slices: SliceCache, row: Float64Array, index: number, random: Random): Float64Array | null {
    const values = transforms.exactRow(transforms.randomRaw(random), index, row);
    const out = Float64Array.from(row);
    transforms.free.forEach((_, j) => {
        if (!isChosen(d, j)) out[j] = values[j];
    });
    return slices.repair(out);
}

/** The candidates of one relaxed row: each categorical feature's labels and each integer's neighbours. */
function candidatesOf(d: Discrete, row: Float64Array): Float64Array[] {
    const options: number[][] = [];
    for (const c of d.categories) {
        const ranked = [...c.allowed].sort((a, b) => row[c.columns[b]] - row[c.columns[a]] || a - b);
        options.push(ranked.slice(0, LABEL_OPTIONS));
    }
    for (const v of d.integers) {
        const x = row[v.column];
        const round = clamp(Math.round(x), v.lo, v.hi);
        const other = clamp(round === Math.floor(x) ? Math.ceil(x) : Math.floor(x), v.lo, v.hi);
        options.push(other === round ? [round] : [round, other]);
    }
    // Trim the longest option lists until the product fits.
    const product = () => options.reduce((p, o) => p * o.length, 1);
    while (product() > MAX_CANDIDATES) {
        const longest = options.reduce((best, o, i) => (o.length > options[best].length ? i : best), 0);
        options[longest] = options[longest].slice(0, -1);
    }
    const out: Float64Array[] = [];
    const choice = new Array<number>(options.length).fill(0);
    for (;;) {
        out.push(assign(d, row, options.map((o, i) => o[choice[i]])));
        let i = options.length - 1;
        while (i >= 0 && ++choice[i] === options[i].length) choice[i--] = 0;
        if (i < 0) break;
    }
    return out;
}

/** `row` with the categorical labels and integer values of `values` (categories first, then integers). */
function assign(d: Discrete, row: Float64Array, values: number[]): Float64Array {
    const out = Float64Array.from(row);
    d.categories.forEach((c, i) => c.columns.forEach((j, label) => (out[j] = label === values[i] ? 1 : 0)));
    d.integers.forEach((v, i) => (out[v.column] = values[d.categories.length + i]));
    return out;
}

function choicesOf(d: Discrete, row: Float64Array): number[] {
    return [
        ...d.categories.map((c) => c.columns.findIndex((j) => row[j] === 1)),
        ...d.integers.map((v) => row[v.column]),
    ];
}

// ---------------------------------------------------------------- step 2: refinement

async function refine(opts: FinishOptions, d: Discrete, slices: SliceCache, rows: Float64Array[], owners: number[], steps: number, offset: number): Promise<{ rows: Float64Array[]; steps: number }> {
    if (steps <= 0 || opts.signal?.aborted) return { rows, steps: 0 };
    const base = opts.transforms;
    const n = rows.length;
    const baseIndex = new Map(base.free.map((f, j) => [f, j]));
    // Parts: real features as they were; chosen values frozen; the relation's continuous part per slice.
    const parts: TransformPart[] = [];
    const keep = new Set<TransformPart>();
    const frozenColumns: FreeColumn[] = [];
    for (const part of base.parts) {
        if (part instanceof PolytopePart) {
            // The relation's continuous features, projected back onto their polytope (its slice
            // at the row's whole values) after every step.
            const rel = d.relations!;
            const continuous = rel.columns.filter((_, l) => !d.relationIntegers.includes(l));
            frozenColumns.push(...rel.columns.filter((_, l) => d.relationIntegers.includes(l)));
            const spaces = d.relationIntegers.length > 0 ? rows.map((r) => slices.get(slices.key(r))!) : [rel.space];
            if (continuous.length > 0) parts.push(new PolytopePart(continuous, spaces, 'retract'));
            continue;
        }
        const chosen = part.columns.filter((c) => isChosen(d, baseIndex.get(c)!));
        if (chosen.length === part.columns.length && chosen.length > 0) {
            frozenColumns.push(...chosen);
            continue;
        }
        parts.push(part);
        keep.add(part);
    }
    if (frozenColumns.length > 0) {
        const values = new Float64Array(n * frozenColumns.length);
        rows.forEach((r, i) => frozenColumns.forEach((c, l) => (values[i * frozenColumns.length + l] = r[baseIndex.get(c)!])));
        parts.push(new FrozenPart(frozenColumns, values, n));
    }
    const transforms = new FeatureTransforms(base.features, parts, null);
    const toBase = transforms.free.map((c) => baseIndex.get(c)!);
    const start = new Float32Array(n * transforms.rawWidth);
    rows.forEach((r, i) => start.set(transforms.rawRow(toBase.map((j) => r[j]), i), i * transforms.rawWidth));
    const variable = tf.tidy(() => tf.variable(tf.div(tf.tensor2d(start, [n, transforms.rawWidth]), REFINE_STEP_SCALE), true)) as Variable<Rank.R2>;
    // raw() is always called inside a tidy or a tape, which disposes the product.
    const raw = () => tf.mul(variable, REFINE_STEP_SCALE) as Tensor2D;
    const loss = opts.lossFor(owners);
    const program = new TapedProgram({ raw, variables: [variable], owned: [], transforms, oracle: opts.oracle, loss: withGoalsFirst(loss.loss, opts.objectives), spread: null });
    const best = rows.map((r) => Float64Array.from(r));
    const bestJudgement: Array<RowJudgement | null> = rows.map(() => null);
    const width = opts.oracle.outputs.length;
    const objectives = (j: RowJudgement) => j.objectives.length > 0;
    let run = 0;
    try {
        for (let step = 0; ; step++) {
            if (step % CHECK_EVERY === 0 || step === steps) {
                const state = await program.state();
                // Every solution has a row (of its candidates) that meets.
                const ownerMeets = new Set<number>();
                let anyObjective = false;
                for (let i = 0; i < n; i++) {
                    const exact = transforms.exactRow(state.raw.subarray(i * transforms.rawWidth, (i + 1) * transforms.rawWidth), i, state.features.subarray(i * transforms.free.length, (i + 1) * transforms.free.length));
                    const row = Float64Array.from(best[i]);
                    toBase.forEach((j, l) => (row[j] = exact[l]));
                    const judgement = opts.judge(owners[i], state.outputs.subarray(i * width, (i + 1) * width));
                    if (bestJudgement[i] === null || better(judgement, bestJudgement[i]!)) {
                        best[i] = row;
                        bestJudgement[i] = judgement;
                    }
                    if (bestJudgement[i]!.meets) ownerMeets.add(owners[i]);
                    if (objectives(judgement)) anyObjective = true;
                }
                const allMeet = new Set(owners).size === ownerMeets.size;
                if (step === steps || (allMeet && !anyObjective) || opts.signal?.aborted) break;
            }
            const result = program.step(opts.learningRate, false);
            if (transforms.retracts) {
                const scaled = tf.mul(variable, REFINE_STEP_SCALE) as Tensor2D;
                const retracted = await transforms.retract(scaled);
                tf.tidy(() => variable.assign(tf.div(retracted, REFINE_STEP_SCALE) as Tensor2D));
                tf.dispose([scaled, retracted]);
            }
            run++;
            if (opts.onStep) await opts.onStep(offset + run, result);
            else tf.dispose([result.loss, result.health]);
        }
    } finally {
        program.dispose();
        loss.dispose();
        transforms.dispose(keep);
    }
    return { rows: best, steps: run };
}

/**
 * With an objective, the search's loss settles where the objective's pull balances the
 * squared hinge of a goal, short of it (on the concrete example 1.4 MPa below `>= 40`: no
 * answer met). The refinement adds GOAL_WEIGHT * (miss / tolerance)^2, so that a goal
 * outweighs any objective until it is met, after which only the objective moves the answer.
 */
const GOAL_WEIGHT = 100;

function withGoalsFirst(loss: TargetLoss, objectives: boolean): TargetLoss {
    if (!objectives) return loss;
    return {
        columns: loss.columns,
        missRatio: (y) => loss.missRatio(y),
        perSolution: (y) => tf.tidy(() => tf.add(loss.perSolution(y), tf.mul(GOAL_WEIGHT, tf.square(loss.missRatio(y)))) as Tensor1D),
        settling: () => loss.settling(),
    };
}

// ---------------------------------------------------------------- step 3: local search

async function localSearch(opts: FinishOptions, d: Discrete, slices: SliceCache, rows: Float64Array[]): Promise<{ rows: Float64Array[]; moved: boolean }> {
    let moved = false;
    const width = opts.oracle.outputs.length;
    let current = rows;
    const judgements = await judgeRows(opts, current);
    for (let round = 0; round < SEARCH_ROUNDS; round++) {
        const neighbours = current.map((row) => neighboursOf(d, row));
        await slices.prepare(neighbours.flat().map((c) => slices.key(c)));
        const valid = neighbours.map((cands) => cands.map((c) => slices.repair(c)).filter((c): c is Float64Array => c !== null));
        const outputs = await predictRows(opts.oracle, opts.transforms, valid.flat());
        let at = 0;
        let improved = false;
        current = current.map((row, i) => {
            let best = row;
            let bestJudgement = judgements[i];
            valid[i].forEach((cand, c) => {
                const j = opts.judge(i, outputs.subarray((at + c) * width, (at + c + 1) * width));
                if (better(j, bestJudgement)) {
                    best = cand;
                    bestJudgement = j;
                }
            });
            at += valid[i].length;
            if (best !== row) improved = true;
            judgements[i] = bestJudgement;
            return best;
        });
        if (!improved) break;
        moved = true;
    }
    return { rows: current, moved };
}

/** One step from `row`'s choices: each integer up or down (pairs too, for a few), each other label. */
function neighboursOf(d: Discrete, row: Float64Array): Float64Array[] {
    const choices = choicesOf(d, row);
    const out: Float64Array[] = [];
    const c0 = d.categories.length;
    d.categories.forEach((c, i) => {
        for (const label of c.allowed) if (label !== choices[i]) out.push(assign(d, row, choices.map((v, j) => (j === i ? label : v))));
    });
    const steps = (i: number) => [-1, 1].filter((s) => choices[c0 + i] + s >= d.integers[i].lo && choices[c0 + i] + s <= d.integers[i].hi);
    d.integers.forEach((_, i) => {
        for (const s of steps(i)) out.push(assign(d, row, choices.map((v, j) => (j === c0 + i ? v + s : v))));
    });
    if (d.integers.length <= PAIR_INTEGERS) {
        for (let a = 0; a < d.integers.length; a++) {
            for (let b = a + 1; b < d.integers.length; b++) {
                for (const sa of steps(a)) for (const sb of steps(b)) out.push(assign(d, row, choices.map((v, j) => (j === c0 + a ? v + sa : j === c0 + b ? v + sb : v))));
            }
        }
    }
    return out;
}

// ---------------------------------------------------------------- scoring and checks

async function judgeRows(opts: FinishOptions, rows: Float64Array[]): Promise<RowJudgement[]> {
    const outputs = await predictRows(opts.oracle, opts.transforms, rows);
    const width = opts.oracle.outputs.length;
    return rows.map((_, i) => opts.judge(i, outputs.subarray(i * width, (i + 1) * width)));
}

/** a better than b: meets first; among those that meet, the objectives; else the error, then the objectives. */
export function better(a: RowJudgement, b: RowJudgement): boolean {
    if (a.meets !== b.meets) return a.meets;
    const byObjectives = (): number => {
        for (let o = 0; o < a.objectives.length; o++) {
            const d = compare(a.objectives[o], b.objectives[o]);
            if (d !== 0) return d;
        }
        return 0;
    };
    if (a.meets && a.objectives.length > 0) {
        const d = byObjectives();
        return d !== 0 ? d < 0 : compare(a.error, b.error) < 0;
    }
    const e = compare(a.error, b.error);
    return e !== 0 ? e < 0 : byObjectives() < 0;
}

function compare(a: number, b: number): number {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
    return a - b;
}

/** The oracle at free-column values `rows` (fixed features spliced in): [rows x outputs]. */
export async function predictRows(oracle: Oracle, transforms: FeatureTransforms, rows: Float64Array[]): Promise<Float32Array> {
    const width = oracle.outputs.length;
    const out = new Float32Array(rows.length * width);
    const inputs = transforms.inputs;
    for (let start = 0; start < rows.length; start += PREDICT_CHUNK) {
        const chunk = rows.slice(start, start + PREDICT_CHUNK);
        const x = new Float32Array(chunk.length * inputs);
        chunk.forEach((r, i) => {
            x.set(transforms.fixedValues, i * inputs);
            transforms.free.forEach((f, j) => (x[i * inputs + f.column] = r[j]));
        });
        const y = tf.tidy(() => oracle.predict(tf.tensor2d(x, [chunk.length, inputs])));
        out.set(await y.data(), start * width);
        y.dispose();
    }
    return out;
}

/** Whether a finished row keeps every rule: boxes, whole numbers, one allowed label, the relations. */
function holds(transforms: FeatureTransforms, d: Discrete, relations: RelationSpec[], row: Float64Array): boolean {
    for (const [j, f] of transforms.free.entries()) {
        if (!Number.isFinite(row[j])) return false;
        if (f.feature.transform.kind === 'box' && f.box && (row[j] < f.box.lo || row[j] > f.box.hi)) return false;
    }
    for (const v of d.integers) if (!Number.isInteger(row[v.column]) || row[v.column] < v.lo || row[v.column] > v.hi) return false;
    for (const c of d.categories) {
        const on = c.columns.filter((j) => row[j] === 1);
        if (on.length !== 1 || c.columns.some((j) => row[j] !== 0 && row[j] !== 1)) return false;
        if (!c.allowed.includes(c.columns.indexOf(on[0]))) return false;
    }
    const value = new Map<string, number>();
    transforms.features.forEach((f) => f.role === 'fixed' && value.set(f.name, f.value));
    transforms.free.forEach((f, j) => f.label === undefined && value.set(f.feature.name, row[j]));
    for (const r of relations) {
        const x = r.terms.map((t) => value.get(t.feature) ?? NaN);
        if (!(rowViolation({ coefficients: r.terms.map((t) => t.coefficient), op: r.op, rhs: r.constant, text: r.text }, x) <= RELATION_TOLERANCE)) return false;
    }
    return true;
}

function clamp(v: number, lo: number, hi: number): number {
    return Math.min(hi, Math.max(lo, v));
}
