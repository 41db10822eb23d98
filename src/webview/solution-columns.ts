/**
 * The solutions table's columns (row number, meets, every input, every output, error, and
 * when the result has them each solution's support and family) and their sort keys. Pure data: no DOM, so the order rules can be read (and tested) alone.
 */
import type { InvResult, Solution } from '../engine/contract/results.js';

export type ColumnKind = 'index' | 'meets' | 'input' | 'output' | 'error' | 'support' | 'family';

export interface SolutionColumn {
    /** Stable id kept in the panel state: `index`, `meets`, `in:x1`, `out:y`, `error`. */
    id: string;
    label: string;
    kind: ColumnKind;
    /** A fixed input: the same value in every solution, shown but marked. */
    fixed: boolean;
    /** Sort key of a solution (its position in `solutions` is `index`); a label sorts by its place in the feature's labels. */
    key(solution: Solution, index: number): number;
    /** A categorical input's cell text: its label. Absent for numeric columns. */
    text?(solution: Solution): string;
}

/**
 * A categorical input's labels in order: from the run's label shares (every label, in the
 * declared order), else the labels its solutions hold, sorted; null for a numeric input.
 */
export function labelsOf(result: InvResult, input: string): string[] | null {
    const shares = result.summary.labelShares?.find((l) => l.feature === input);
    if (shares) return Object.keys(shares.shares);
    const held = result.solutions.map((s) => s.inputs[input]).filter((v): v is string => typeof v === 'string');
    return held.length ? [...new Set(held)].sort() : null;
}

/** A numeric input's value (NaN for a label or a missing value). */
export function numericInput(solution: Solution, input: string): number {
    const v = solution.inputs[input];
    return typeof v === 'number' ? v : NaN;
}

/**
 * Fixed features are the inputs the run did not vary. The results object has no list of
 * them, but `summary.importance` ranks exactly the free ones; without a ranking (nothing to
 * rank) an input that holds one value in every solution counts as fixed.
 */
export function fixedFeatures(result: InvResult): Set<string> {
    const ranked = new Set([...result.summary.importance.map((i) => i.feature), ...(result.summary.labelShares ?? []).map((l) => l.feature)]);
    const fixed = new Set<string>();
    for (const input of result.oracle.inputs) {
        if (ranked.size > 0 ? !ranked.has(input) : isConstant(result.solutions, input)) fixed.add(input);
    }
    return fixed;
}

function isConstant(solutions: Solution[], input: string): boolean {
    const first = solutions[0]?.inputs[input];
    return solutions.length > 1 && solutions.every((s) => s.inputs[input] === first);
}

export function freeFeatures(result: InvResult): string[] {
    const fixed = fixedFeatures(result);
    return result.oracle.inputs.filter((f) => !fixed.has(f));
}

export function solutionColumns(result: InvResult): SolutionColumn[] {
    const fixed = fixedFeatures(result);
    return [
        { id: 'index', label: '#', kind: 'index', fixed: false, key: (_s, i) => i },
        // Meeting first, then in bounds, then by error: the order a reader scans for.
        { id: 'meets', label: 'Status', kind: 'meets', fixed: false, key: (s) => (s.meets ? 0 : 2) + (s.inBounds ? 0 : 1) },
        ...result.oracle.inputs.map((name): SolutionColumn => {
            const labels = labelsOf(result, name);
            return labels
                ? { id: `in:${name}`, label: name, kind: 'input', fixed: fixed.has(name), key: (s) => labels.indexOf(String(s.inputs[name])), text: (s) => String(s.inputs[name] ?? '—') }
                : { id: `in:${name}`, label: name, kind: 'input', fixed: fixed.has(name), key: (s) => numericInput(s, name) };
        }),
        ...result.oracle.outputs.map((name): SolutionColumn => ({
            id: `out:${name}`, label: name, kind: 'output', fixed: false, key: (s) => s.outputs[name] ?? NaN,
        })),
        { id: 'error', label: 'Error', kind: 'error', fixed: false, key: (s) => s.error },
        ...(result.solutions.some((s) => s.support !== undefined)
            ? [{ id: 'support', label: 'Support', kind: 'support', fixed: false, key: (s: Solution) => s.support ?? NaN } satisfies SolutionColumn]
            : []),
        ...(result.summary.modes
            ? [{ id: 'family', label: 'Family', kind: 'family', fixed: false, key: (s: Solution) => (s.mode === undefined ? NaN : s.mode + 1) } satisfies SolutionColumn]
            : []),
    ];
}

/** Whether a solution lies where the oracle's data is thin (its support below the result's threshold). */
export function onThinData(result: InvResult, solution: Solution): boolean {
    return solution.support !== undefined && solution.support < (result.summary.supportThreshold ?? 0);
}

/**
 * Row indices in display order. Ties keep the result's own order (best first) in both
 * directions, and missing values (NaN) go last in both directions.
 */
export function sortedOrder(solutions: Solution[], column: SolutionColumn, direction: 'ascending' | 'descending'): Uint32Array<ArrayBuffer> {
    const keys = Float64Array.from(solutions, (s, i) => column.key(s, i));
    const order = Uint32Array.from(solutions, (_s, i) => i);
    const sign = direction === 'ascending' ? 1 : -1;
    return order.sort((a, b) => {
        const ka = keys[a]!, kb = keys[b]!;
        const na = Number.isNaN(ka), nb = Number.isNaN(kb);
        if (na || nb) return na === nb ? a - b : na ? 1 : -1;
        return ka === kb ? a - b : sign * (ka - kb);
    });
}
