/**
 * The engine's input: a `RunSpec` is plain, validated data (JSON-serialisable, so it can be
 * sent to a worker process). The language layer owns the single translation from the AST
 * (src/language/to-spec.ts); the engine never sees Langium or VS Code.
 *
 * Every number is in the user's units (features and outputs as in the CSV / model);
 * standardisation happens inside the oracle wrapper only.
 */

/**
 * `wasm-fused` is inv's own kernel for dense networks (src/engine/nn/fused/); the others are
 * TF.js backends.
 */
export const BACKEND_CHOICES = ['auto', 'cpu', 'wasm', 'webgpu', 'tensorflow', 'wasm-fused'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
/** A backend that actually ran (never 'auto'). */
export type BackendName = Exclude<BackendChoice, 'auto'>;
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'selu' | 'swish';

export interface Interval {
    lo: number;
    hi: number;
}

/**
 * What values a feature takes (LANGUAGE.md, "Typed inputs and relations"). Absent means
 * `real`. A categorical feature is one model column per label, one-hot, in `labels` order.
 */
export type FeatureType =
    | { kind: 'real' }
    | { kind: 'integer' }
    | { kind: 'categorical'; labels: string[] };

/**
 * `require LINEAR op LINEAR`, brought to sum(coefficient * feature) op constant, each
 * feature named once (numeric features only). Hard: every written solution satisfies it.
 */
export interface RelationSpec {
    /** The relation as written, for messages. */
    text: string;
    terms: Array<{ feature: string; coefficient: number }>;
    op: '<=' | '>=' | '=';
    constant: number;
}

/** A trained forward model (features -> outputs) as the `.inv` file declares it. */
export interface OracleSpec {
    name: string;
    /** Absolute path of model.json. */
    modelPath: string;
    /** The path as written in the .inv file (relative to it); shown in results. */
    modelPathAsWritten: string;
    /**
     * The declared inputs, in order; `domain` only where the file declares one; `type` absent
     * for a real input. A categorical input takes one model column per label.
     */
    inputs: Array<{ name: string; domain: Interval | null; type?: FeatureType }>;
    /** The model's output units, in order (class names for a classifier). */
    outputs: string[];
    /** Present when the oracle has `data`: how `inv train` fits it. */
    training: OracleTrainingSpec | null;
}

export interface OracleTrainingSpec {
    /** Absolute path of the training CSV. */
    dataPath: string;
    /** Absolute path of the optional held-out CSV (`test`). */
    testPath: string | null;
    layers: number[];
    activation: Activation;
    epochs: number;
    batch: number;
    learningRate: number;
    validation: number;
    seed: number;
    skipMissing: boolean;
    /** `classify COLUMN`: the CSV column holding class labels; outputs are the classes. */
    classify: string | null;
}

// ---------------------------------------------------------------- constraint functions

/** A constraint body, compiled by the engine to tensor operations (never evaluated as JS). */
export type ExprNode =
    | { kind: 'num'; value: number }
    | { kind: 'x' }
    | { kind: 'neg'; arg: ExprNode }
    | { kind: 'bin'; op: '+' | '-' | '*' | '/' | '^'; left: ExprNode; right: ExprNode }
    | { kind: 'call'; fn: ConstraintFunction; args: ExprNode[] };

export type ConstraintFunction = 'exp' | 'log' | 'sqrt' | 'abs' | 'tanh' | 'sigmoid' | 'min' | 'max';

export interface Comparison {
    op: '<' | '<=' | '>' | '>=';
    left: ExprNode;
    right: ExprNode;
}

export interface ConstraintSpec {
    name: string;
    /** Tried in order; the first whose comparisons all hold applies. */
    pieces: Array<{ when: Comparison[]; value: ExprNode }>;
    /** `else EXPR`; null: the value passes through unchanged. */
    otherwise: ExprNode | null;
}

// ---------------------------------------------------------------- features and targets

/** One entry per oracle input, in the model's column order. */
export type FeatureSpec = FixedFeature | FreeFeature;

export interface FixedFeature {
    role: 'fixed';
    name: string;
    /** For a categorical feature: the index of `label` in its labels. */
    value: number;
    domain: Interval | null;
    /** Absent for a real feature. */
    type?: FeatureType;
    /** A categorical feature's label (`fix material = steel`). */
    label?: string;
}

export interface FreeFeature {
    role: 'free';
    name: string;
    /** Where the oracle is valid (declared, else recorded in the model's metadata). */
    domain: Interval | null;
    /** Absent for a real feature. An integer's relaxation ends whole; a categorical's in one label. */
    type?: FeatureType;
    /** A categorical feature's labels the search may choose (`bound material in { a, c }`); all when absent. */
    allowed?: string[];
    /**
     * How the generator's raw output u becomes the feature:
     * - `box`: hard bound, lo + (hi - lo) * sigmoid(u); `source` says whether the box came
     *   from a `bound` or from the oracle's domain;
     * - `constraint`: soft bound, the constraint function applied to u (in feature units),
     *   `box` is the declared bound that `stop outside bounds` and `inBounds` check;
     * - `none`: unbounded, u itself.
     * A categorical feature's transform is `none` (its labels are its values).
     */
    transform:
        | { kind: 'box'; box: Interval; source: 'bound' | 'domain' }
        | { kind: 'constraint'; box: Interval; constraint: ConstraintSpec }
        | { kind: 'none' };
}

export type TargetSpec =
    | { output: string; kind: 'equal'; value: number; tolerance: number }
    | { output: string; kind: 'range'; low: number; high: number; tolerance: number }
    | { output: string; kind: 'atLeast'; value: number; tolerance: number }
    | { output: string; kind: 'atMost'; value: number; tolerance: number }
    | { output: string; kind: 'maximize' }
    | { output: string; kind: 'minimize' };

export type MethodSpec =
    | { kind: 'generator'; latent: number; layers: number[]; activation: Activation }
    | { kind: 'adjoint' };

interface RunCommon {
    name: string;
    /** Absolute path of the .inv file, and the sha256 of its text. */
    source: string;
    sourceHash: string;
    oracle: OracleSpec;
    features: FeatureSpec[];
    stopOutsideBounds: boolean;
    method: MethodSpec;
    steps: number;
    learningRate: number;
    seed: number;
    diversity: number;
    backend: BackendChoice;
    /** `require` relations; absent or empty when the block has none. */
    relations?: RelationSpec[];
}

export interface InversionSpec extends RunCommon {
    kind: 'inversion';
    targets: TargetSpec[];
    solutions: number;
    /** Weight of the term that keeps the search inside the oracle's training data; 0 = off; absent: DEFAULT_SUPPORT (engine/inversion/support.ts). */
    support?: number;
}

/** Where a synthesis draws the targets its conditional generator is trained on. */
export type ReferenceSpec =
    | { kind: 'column'; output: string; path: string; column: string; tolerance: number }
    | { kind: 'range'; output: string; low: number; high: number; tolerance: number }
    | { kind: 'atLeast'; output: string; value: number; tolerance: number }
    | { kind: 'atMost'; output: string; value: number; tolerance: number };

export interface SynthesisSpec extends RunCommon {
    kind: 'synthesis';
    reference: ReferenceSpec;
    count: number;
    /** Absolute path of the CSV to write. */
    outputPath: string;
    outputPathAsWritten: string;
    /** `overwrite`: the output may replace a file inv did not write (LANGUAGE.md, "Synthesis"). */
    overwrite?: boolean;
}

export type RunSpec = InversionSpec | SynthesisSpec;

/**
 * The default `diversity`: the weight of the term that spreads the solutions over the
 * target's level set. Why 0.15: inversion/spread-force.ts.
 */
export const DEFAULT_DIVERSITY = 0.15;
/**
 * The default `support`: the weight of the term that keeps answers where the oracle's
 * training data is. Why 1: inversion/support.ts.
 */
export const DEFAULT_SUPPORT = 1;
