/**
 * Every diagnostic's stable `code` (LANGUAGE.md, "Diagnostics every implementation gives",
 * plus the ones this implementation adds, marked below). Codes are kebab-case and never
 * change meaning: editors, CI scripts and the quick fixes switch on them.
 * README.md ("The language", Diagnostics) lists them all for users; keep the two in step.
 */
export namespace IssueCodes {
    // ---- reading the file
    export const Syntax = 'syntax';
    /** Added: the file is not UTF-8 text (UTF-16, NUL characters). */
    export const Encoding = 'encoding';
    export const TooDeep = 'too-deep';

    // ---- names
    export const UnknownOracle = 'unknown-oracle';
    export const UnknownFeature = 'unknown-feature';
    export const UnknownOutput = 'unknown-output';
    export const UnknownConstraint = 'unknown-constraint';
    export const DuplicateName = 'duplicate-name';
    export const DuplicateField = 'duplicate-field';
    /** Added: a required field is absent (`model`, `inputs`, `outputs`, `oracle`, `count`, `output`). */
    export const MissingField = 'missing-field';

    // ---- oracle files
    export const ModelMissing = 'model-missing';
    export const NotTrained = 'not-trained';
    export const ModelUnreadable = 'model-unreadable';
    /** An ONNX or Keras model that uses an operator or layer inv does not import (LANGUAGE.md, "Models from elsewhere"). */
    export const ModelUnsupported = 'model-unsupported';
    export const InputCount = 'input-count';
    export const OutputCount = 'output-count';
    export const DataMissing = 'data-missing';
    export const DataColumn = 'data-column';
    export const ClassLabels = 'class-labels';
    /** Added (warning): a training field (`epochs`, `layers`, …) on an oracle without `data`. */
    export const TrainingWithoutData = 'training-without-data';

    // ---- memory (added): a job's estimate against this machine (engine/contract/memory-estimate.ts)
    export const MemoryLimit = 'memory-limit';
    /** Warning: near the limit, or past the wasm heap when `auto` may pick wasm. */
    export const MemoryHigh = 'memory-high';

    // ---- where a synthesis writes (LANGUAGE.md "Synthesis"; `output-not-csv` added)
    export const OutputOutside = 'output-outside';
    export const OutputExists = 'output-exists';
    export const OutputNotCsv = 'output-not-csv';

    // ---- numbers
    export const NonFinite = 'non-finite';
    export const NotPositive = 'not-positive';
    export const NotInteger = 'not-integer';
    /** Added: `validation` outside [0, 1). (A negative `diversity` or `support` is `not-positive`.) */
    export const OutOfRange = 'out-of-range';
    export const BadBound = 'bad-bound';

    // ---- features and targets
    export const FixOutsideDomain = 'fix-outside-domain';
    export const FixedAndBounded = 'fixed-and-bounded';
    /** Added: the same feature fixed twice, or bounded twice. */
    export const FeatureTwice = 'feature-twice';
    export const AllFixed = 'all-fixed';
    export const TargetTwice = 'target-twice';
    export const NoTarget = 'no-target';
    /** Added: a synthesis target that is not `in`, `>=` or `<=`, or more than one reference. */
    export const SynthesisReference = 'synthesis-reference';
    export const StopNeedsUsing = 'stop-needs-using';

    // ---- constraint functions
    export const ConstraintVariable = 'constraint-variable';
    export const UnknownFunction = 'unknown-function';
    export const WrongArity = 'wrong-arity';

    // ---- warnings
    export const Extrapolation = 'extrapolation';
    export const ObjectiveUnbounded = 'objective-unbounded';
    export const UnboundedFeature = 'unbounded-feature';
    export const BoundOutsideDomain = 'bound-outside-domain';
    export const UnreachablePiece = 'unreachable-piece';
    /** Added (warning): a `tolerance` on its own line right after a target, read as that target's own. */
    export const TolerancePlacement = 'tolerance-placement';

    // ---- typed inputs and relations (LANGUAGE.md, "Typed inputs and relations")
    export const RelationNonlinear = 'relation-nonlinear';
    export const RelationCategorical = 'relation-categorical';
    export const RelationInfeasible = 'relation-infeasible';
    export const RelationFalse = 'relation-false';
    /** Added: a label that is not one of its feature's (`fix material = stel`). */
    export const UnknownLabel = 'unknown-label';
    /** Added: the same label twice in `of { .. }`. */
    export const DuplicateLabel = 'duplicate-label';
    /**
     * Added: a value of the wrong type: a categorical feature fixed to a number or bounded by
     * `[lo, hi]`, a numeric one fixed to a label or bounded by `{ .. }`.
     */
    export const TypeMismatch = 'type-mismatch';
    /** Added: a feature in a `require` relation with a soft bound (`using`): relations need hard bounds. */
    export const RelationSoftBound = 'relation-soft-bound';

    // ---- results (the language server, after a run)
    /** Added (warning): a target the last run did not meet, while its result belongs to the file's text. */
    export const TargetNotMet = 'target-not-met';
}

export type IssueCode = (typeof IssueCodes)[keyof typeof IssueCodes];

/** What a diagnostic carries in `data` for its quick fix (LSP `Diagnostic.data`). */
export interface IssueData {
    code: IssueCode;
    /** "did you mean": the closest name in scope (the first of `suggestions`). */
    suggestion?: string;
    /** Every name in scope equally close to the misspelt one; a quick fix for each. */
    suggestions?: string[];
    /** For `unbounded-feature` / `objective-unbounded`: the feature to add a bound for, and a box. */
    feature?: string;
    box?: { lo: number; hi: number };
    /** For `not-integer` on an integer feature's ends: the whole ends to use instead. */
    whole?: { lo: number; hi: number };
}
