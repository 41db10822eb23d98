/**
 * The final evaluation of a run (LANGUAGE.md, "Inversion"; CLI-AND-RESULTS.md): every
 * solution in user units with its error, whether it meets its targets, lies in its bounds
 * and in the oracle's domain; the solutions sorted best first; and the summary with the
 * paper's feature importance. Plain arithmetic on numbers read back from the backend.
 */
import type { FeatureImportance, LabelShares, ResultSummary, Solution, SolutionFamily } from '../contract/results.js';
import { DEFAULT_DIVERSITY, type FeatureSpec, type Interval, type TargetSpec } from '../contract/spec.js';
import type { FreeColumn } from './feature-transform.js';
import { rowInside } from './stop-rules.js';
import { float32Shortest } from '../contract/number-format.js';
import { solutionMiss } from '../contract/target-miss.js';

/** A feature whose spread is below this share of its bound counts as collapsed. */
const COLLAPSED = 0.01;
/** Importance needs this many meeting solutions; with fewer it uses the best IMPORTANCE_SHARE. */
const IMPORTANCE_MIN = 10;
const IMPORTANCE_SHARE = 0.1;

export interface AnalysisInput {
    features: FeatureSpec[];
    free: FreeColumn[];
    /** The oracle's domain per input (declared, else recorded); null where unknown. */
    domains: Array<Interval | null>;
    outputs: string[];
    targets: TargetSpec[];
    /** Free features [n x free] and oracle outputs [n x outputs], user units. */
    solutions: number;
    freeValues: ArrayLike<number>;
    outputValues: ArrayLike<number>;
    /** Notes from the run itself (e.g. `stop outside bounds` never had half inside). */
    notes: string[];
    /** The spread term's weight the run used (the note on collapsed solutions depends on it). */
    diversity?: number;
    /**
     * A synthesis: each row's own targets (its assigned target) instead of `targets`, and
     * the rows kept in their order (the order of the CSV written), `best` pointing at the
     * row with the least error.
     */
    perRow?: { targets(row: number): TargetSpec[] };
    /** Each solution's support (support.ts) and the threshold above which it counts as supported; absent when the data is not known. */
    support?: { scores: ArrayLike<number>; threshold: number };
    /** Each solution's family (families.ts; -1: none), when families were found. */
    families?: Int32Array | null;
    /** The level-set coverage (coverage.ts), when measured. */
    coverage?: number | null;
}

/** Below this coverage a note says the answers cover only part of the level set. */
const PARTIAL_COVERAGE = 0.7;

export function analyse(input: AnalysisInput): { solutions: Solution[]; summary: ResultSummary } {
    const { features, free, domains, outputs, targets } = input;
    const m = outputs.length;
    const outputIndex = (name: string) => outputs.indexOf(name);
    // Values computed in float32 (a Float32Array read back from the backend) are kept as the
    // shortest decimals that read back as the same float32 (number-format.ts): results files
    // carry no float noise, and the errors and `meets` are those of the values written. The
    // typed finish's exact values (float64: `require` relations hold to 1e-9) stay as they are.
    const freeValues = asWritten(input.freeValues);
    const outputValues = asWritten(input.outputValues);
    const entries = Array.from({ length: input.solutions }, (_, i) => {
        const values = featureValues(features, free, freeValues, i);
        const { error, meets } = solutionMiss(input.perRow ? input.perRow.targets(i) : targets, outputIndex, outputValues, i, m);
        const solution: Solution = {
            inputs: Object.fromEntries(features.map((f, c) => [f.name, values[c]])),
            outputs: Object.fromEntries(outputs.map((name, o) => [name, outputValues[i * m + o]])),
            error: float32Shortest(error),
            meets,
            inBounds: rowInside(freeValues, i, free),
            inDomain: values.every((v, c) => typeof v === 'string' || domains[c] === null || (v >= domains[c]!.lo && v <= domains[c]!.hi)),
        };
        if (input.support) solution.support = input.support.scores[i];
        return { solution, family: input.families ? input.families[i] : -1 };
    });
    const supportThreshold = input.support?.threshold ?? 0;
    const supported = (s: Solution) => s.support === undefined || s.support >= supportThreshold;
    const objectives = targets.filter((t) => t.kind === 'maximize' || t.kind === 'minimize');
    // In bounds first; among the answers that meet, those the data backs before those it does not.
    const better = (a: Solution, b: Solution): number => {
        if (a.inBounds !== b.inBounds) return a.inBounds ? -1 : 1;
        if (a.meets && b.meets && supported(a) !== supported(b)) return supported(a) ? -1 : 1;
        if (a.error !== b.error) return compareNumbers(a.error, b.error);
        for (const t of objectives) {
            const d = compareNumbers(a.outputs[t.output], b.outputs[t.output]);
            if (d !== 0) return t.kind === 'maximize' ? -d : d;
        }
        return 0;
    };
    let best = 0;
    if (input.perRow) entries.forEach((r, i) => better(r.solution, entries[best].solution) < 0 && (best = i));
    else entries.sort((a, b) => better(a.solution, b.solution));
    const rows = entries.map((e) => e.solution);

    const notes = [...input.notes];
    const meeting = rows.filter((r) => r.meets);
    const { basis, note } = importanceBasis(rows, meeting, input.perRow ? better : null);
    if (note) notes.push(note);
    const importance = featureImportance(basis, free);
    const labelShares = labelSharesOf(basis, features);
    if (rows.length > 1 && importance.length > 0 && importance.every((f) => f.spread < COLLAPSED)) {
        const pinned = free.length <= targets.filter((t) => t.kind === 'equal').length;
        notes.push(pinned
            ? `All solutions agree (every free feature's spread is below ${COLLAPSED * 100} % of its bound): with as many \`=\` targets as free features, one answer is what to expect.`
            : `All solutions collapsed to nearly one point (every free feature's spread is below ${COLLAPSED * 100} % of its bound): the ranking says little; ${collapseAdvice(input.diversity, objectives.length > 0)}.`);
    }
    const modes = familiesOf(entries, free);
    if (input.coverage !== undefined && input.coverage !== null && input.coverage < PARTIAL_COVERAGE && meeting.length > 1) {
        notes.push(
            `The answers cover only part of the level set: about ${Math.round(100 * input.coverage)} % of it (as the oracle draws it, within the bounds${input.support ? ' and the data\'s support' : ''}) has an answer near it. More \`solutions\`, \`steps\` or \`diversity\` may cover more.`,
        );
    }
    const finiteErrors = rows.map((r) => r.error).filter(Number.isFinite);
    const summary: ResultSummary = {
        best,
        meeting: meeting.length,
        meanAbsError: finiteErrors.length ? float32Shortest(finiteErrors.reduce((s, e) => s + e, 0) / finiteErrors.length) : NaN,
        importance,
        ...(labelShares.length > 0 ? { labelShares } : {}),
        note: null,
        spread: float32Shortest(meanSpread(rows, free)),
    };
    if (input.coverage !== undefined) summary.coverage = input.coverage;
    if (input.support) {
        const unsupported = rows.filter((r) => r.meets && !supported(r)).length;
        summary.supported = rows.filter(supported).length;
        summary.supportThreshold = supportThreshold;
        if (unsupported > 0) {
            notes.push(`${unsupported} answer${unsupported === 1 ? '' : 's'} that meet${unsupported === 1 ? 's' : ''} the targets ${unsupported === 1 ? 'lies' : 'lie'} where the oracle's training data is thin (support below ${supportThreshold}): the oracle may be wrong there; check ${unsupported === 1 ? 'it' : 'them'} on the real system.`);
        }
    }
    if (modes) summary.modes = modes;
    summary.note = notes.length ? notes.join(' ') : null;
    return { solutions: rows, summary };
}

/** The families as the summary lists them, with each solution's `mode` set (solutions already in their final order). */
function familiesOf(entries: Array<{ solution: Solution; family: number }>, free: FreeColumn[]): SolutionFamily[] | null {
    const count = entries.reduce((c, e) => Math.max(c, e.family + 1), 0);
    if (count === 0) return null;
    const families: SolutionFamily[] = [];
    for (let f = 0; f < count; f++) {
        const members = entries.flatMap((e, i) => (e.family === f ? [i] : []));
        families.push({ size: members.length, best: members[0], importance: featureImportance(members.map((i) => entries[i].solution), free) });
    }
    entries.forEach((e) => e.family >= 0 && (e.solution.mode = e.family));
    return families;
}

/**
 * Mean over the free numeric features of std / width of the bound (or / |mean| when
 * unbounded): featureImportance's spread (a categorical feature's one-hot columns have none).
 */
function meanSpread(rows: Solution[], free: FreeColumn[]): number {
    const importance = rows.length === 0 ? [] : featureImportance(rows, free);
    return importance.length === 0 ? 0 : importance.reduce((s, f) => s + f.spread, 0) / importance.length;
}

/**
 * The solutions importance is taken over: those that meet, or when fewer than
 * IMPORTANCE_MIN meet, the best IMPORTANCE_SHARE of all — never fewer than meet (the meeting
 * ones first, then the best of the rest). `better` orders rows that are not sorted (a
 * synthesis's, kept in file order); null when `rows` are sorted best first.
 */
function importanceBasis(rows: Solution[], meeting: Solution[], better: ((a: Solution, b: Solution) => number) | null): { basis: Solution[]; note: string | null } {
    if (meeting.length >= IMPORTANCE_MIN || meeting.length === rows.length) return { basis: meeting, note: null };
    const count = Math.max(meeting.length, Math.ceil(rows.length * IMPORTANCE_SHARE), 1);
    const rest = rows.filter((r) => !r.meets);
    if (better) rest.sort(better);
    const basis = [...meeting, ...rest.slice(0, count - meeting.length)];
    const of = `of ${rows.length}`;
    const met = meeting.length === 0 ? `No solution ${of} meets the targets`
        : meeting.length === 1 ? `Only 1 solution ${of} meets the targets`
        : `Only ${meeting.length} solutions ${of} meet the targets`;
    const over = basis.length === meeting.length
        ? `feature importance is taken over ${meeting.length === 1 ? 'it' : `these ${meeting.length}`}, too few to say much`
        : meeting.length === 0
            ? `feature importance is taken over the best ${basis.length} (the best 10 %)`
            : `feature importance is taken over the best ${basis.length} (the best 10 %, the ${meeting.length} that meet among them)`;
    return { basis, note: `${met}: ${over}.` };
}

/** What to do about solutions that collapsed onto one point, given what the run used. */
function collapseAdvice(diversity: number | undefined, objective: boolean): string {
    if (diversity === 0) return `a positive \`diversity\` (the default is ${DEFAULT_DIVERSITY}) spreads them`;
    if (objective) return 'an objective (`maximize`/`minimize`) draws every solution to its optimum, so they agree';
    return `a larger \`diversity\`${diversity === undefined ? '' : ` (this run used ${diversity})`} spreads them further`;
}

function asWritten(values: ArrayLike<number>): ArrayLike<number> {
    return values instanceof Float32Array ? Float64Array.from(values, float32Shortest) : values;
}

/** NaN sorts last. */
function compareNumbers(a: number, b: number): number {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
    return a - b;
}

/**
 * The paper's reading: a feature that must take nearly one value to meet the target is
 * important; spread = standard deviation / width of its bound (or / |mean| when unbounded);
 * rank 1 = least spread.
 */
export function featureImportance(solutions: Solution[], free: FreeColumn[]): FeatureImportance[] {
    const spreads = free.filter((f) => f.label === undefined).map((f) => {
        const v = solutions.map((s) => Number(s.inputs[f.feature.name]));
        const mean = v.reduce((s, x) => s + x, 0) / v.length;
        const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
        const scale = f.box ? f.box.hi - f.box.lo : Math.abs(mean);
        const spread = float32Shortest(scale > 0 ? std / scale : std);
        return { feature: f.feature.name, spread, bound: f.box ? [f.box.lo, f.box.hi] as [number, number] : null };
    });
    const order = spreads.map((s, j) => j).sort((a, b) => spreads[a].spread - spreads[b].spread || a - b);
    const ranks = new Array<number>(spreads.length);
    order.forEach((j, r) => (ranks[j] = r + 1));
    return spreads.map((s, j) => ({ feature: s.feature, spread: s.spread, rank: ranks[j], bound: s.bound }));
}

/**
 * Each feature's value in row `row`: a fixed one's own (its label for a categorical one); a
 * free numeric one's column; a free categorical one's label, the one-hot column that is set
 * (the largest, should a relaxed state be read).
 */
function featureValues(features: FeatureSpec[], free: FreeColumn[], freeValues: ArrayLike<number>, row: number): Array<number | string> {
    const k = free.length;
    const values: Array<number | string> = features.map((f) => (f.role === 'fixed' ? (f.type?.kind === 'categorical' ? (f.label ?? f.type.labels[f.value]) : f.value) : NaN));
    const index = new Map(features.map((f, c) => [f.name, c]));
    const bestLabel = new Map<string, { label: number; value: number }>();
    free.forEach((f, j) => {
        const v = freeValues[row * k + j];
        if (f.label === undefined) {
            values[index.get(f.feature.name)!] = v;
            return;
        }
        const current = bestLabel.get(f.feature.name);
        if (!current || v > current.value) bestLabel.set(f.feature.name, { label: f.label, value: v });
    });
    for (const [name, { label }] of bestLabel) {
        const f = features[index.get(name)!];
        if (f.type?.kind === 'categorical') values[index.get(name)!] = f.type.labels[label];
    }
    return values;
}

/** A categorical free feature's share of each label among `solutions` (LANGUAGE.md: its importance). */
export function labelSharesOf(solutions: Solution[], features: FeatureSpec[]): LabelShares[] {
    return features
        .filter((f) => f.role === 'free' && f.type?.kind === 'categorical')
        .map((f) => {
            const labels = f.type?.kind === 'categorical' ? f.type.labels : [];
            const shares = Object.fromEntries(labels.map((l) => [l, solutions.length ? solutions.filter((s) => s.inputs[f.name] === l).length / solutions.length : 0]));
            return { feature: f.name, shares };
        });
}
