/**
 * The engine's output: one `InvResult` per inversion or synthesis, exactly the results
 * object of ../shared/spec/CLI-AND-RESULTS.md. It is what `inv run --out x.json` writes,
 * what the webview renders and what the language server caches per document.
 */
import type { Activation, BackendChoice, BackendName } from './spec.js';

export const RESULT_SCHEMA = 'inv-result/1';

export type StopReason = 'steps' | 'tolerance' | 'outside-bounds' | 'cancelled' | 'diverged';

export type TargetKind = 'equal' | 'range' | 'atLeast' | 'atMost' | 'maximize' | 'minimize' | 'distribution';

export interface ResultTarget {
    output: string;
    kind: TargetKind;
    value: number | null;
    low: number | null;
    high: number | null;
    /** null for maximize/minimize (objectives have no tolerance). */
    tolerance: number | null;
}

export interface Solution {
    /** Every input's value: a number, a whole number for an integer input, the label (a string) for a categorical one. */
    inputs: Record<string, number | string>;
    outputs: Record<string, number>;
    /** Largest absolute miss over the =, in, >=, <= targets (0 inside a range or goal). */
    error: number;
    meets: boolean;
    /** Every free feature inside its declared bound (always true for hard bounds). */
    inBounds: boolean;
    /** Every input inside the oracle's training domain. */
    inDomain: boolean;
    /**
     * How well the oracle's training data backs this solution, 0 to 1: the share of training
     * rows at least as far from their nearest rows as it is (engine/inversion/support.ts).
     * Absent when the oracle's data is not known.
     */
    support?: number;
    /** Index into `summary.modes` of the family this solution belongs to (solutions that meet only). */
    mode?: number;
}

/** A family of solutions: one separate region of the level set (engine/inversion/families.ts). */
export interface SolutionFamily {
    size: number;
    /** Index into `solutions` of the family's best solution. */
    best: number;
    /** Feature importance over this family's solutions. */
    importance: FeatureImportance[];
}

export interface FeatureImportance {
    feature: string;
    /** Standard deviation / width of the bound (or / |mean| when unbounded). */
    spread: number;
    /** 1 = least spread = most important. */
    rank: number;
    /** The box the spread is measured across (the declared bound, else the oracle's domain); null when there is none. Absent in results of inv 0.3.0. */
    bound?: [number, number] | null;
}

export interface ResultSummary {
    /** Index into `solutions` of the best one (always 0: solutions are sorted best first). */
    best: number;
    meeting: number;
    meanAbsError: number;
    /** Numeric free features, ranked. */
    importance: FeatureImportance[];
    /**
     * Categorical free features: the share of each label among the solutions importance is
     * taken over (those that meet). Present when the run has a categorical free feature.
     */
    labelShares?: LabelShares[];
    /**
     * Written solutions that break a `require` relation, a bound, a whole number or a label
     * (always 0). Present whenever the run has any of them.
     */
    violations?: number;
    note: string | null;
    /** Mean over the free features of the solutions' standard deviation / width of the bound (0: one point). */
    spread?: number;
    /**
     * Share of the oracle's level set (within the bounds, and the data's support when the
     * search keeps to it) that has a solution near it (engine/inversion/coverage.ts); null
     * when it cannot be measured (objectives only, or no point of the level set was found).
     */
    coverage?: number | null;
    /** Solutions whose support is at least `supportThreshold`; absent when the oracle's data is not known. */
    supported?: number;
    supportThreshold?: number;
    /** The solutions that meet, grouped into separate regions of the level set, largest first. */
    modes?: SolutionFamily[];
}

export interface LabelShares {
    feature: string;
    /** Label -> share (0..1), in the feature's label order. */
    shares: Record<string, number>;
}

/** Every value the run used, defaults included, so a result can be reproduced. */
export interface RunSettings {
    solutions: number;
    steps: number;
    learningRate: number;
    diversity: number;
    /** null for `method adjoint`. */
    latent: number | null;
    layers: number[] | null;
    activation: Activation | null;
    tolerance: Record<string, number>;
    backend: BackendChoice;
    stopOutsideBounds: boolean;
    /** Inversion only: the weight of the term that keeps the search inside the data (0: off). */
    support?: number;
    /** Synthesis only: the rows written. */
    count?: number;
    /** Synthesis only: rows per training step of the conditional generator (null for `method adjoint`). */
    batch?: number | null;
}

/**
 * A synthesis's report. Its result's `solutions` are the written rows in the order of the
 * CSV (not sorted; `summary.best` is the row with the least error), `assigned[i]` is row
 * i's target, and `meets`/`error` judge each row against its own target (or the goal).
 */
export interface SynthesisReport {
    output: string;
    count: number;
    /** Two-sample Kolmogorov-Smirnov distance to the reference; null for a one-sided goal. */
    ks: number | null;
    /** Share (0..1) of rows within tolerance of their assigned target. */
    meeting: number;
    distinct: number;
    /** True when `output` existed and was overwritten. */
    overwritten: boolean;
    /** The reference targets (a sample of at most a few thousand), for the panel's histogram. */
    reference: number[];
    /** The assigned target of each written row, in row order. */
    assigned: number[];
}

export interface InvResult {
    schema: typeof RESULT_SCHEMA;
    /** The inv version that produced it. */
    inv: string;
    source: string;
    sourceHash: string;
    settings: RunSettings;
    name: string;
    kind: 'inversion' | 'synthesis';
    oracle: {
        name: string;
        model: string;
        inputs: string[];
        outputs: string[];
        testRmse: Record<string, number> | null;
    };
    method: 'generator' | 'adjoint';
    backend: BackendName;
    seed: number;
    steps: number;
    stepsRun: number;
    stoppedBecause: StopReason;
    seconds: number;
    targets: ResultTarget[];
    solutions: Solution[];
    summary: ResultSummary;
    /** [step, loss] pairs, sampled along the run. */
    loss: Array<[number, number]>;
    synthesis?: SynthesisReport;
}
