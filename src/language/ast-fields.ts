/**
 * Typed accessors over the AST's field lists. Blocks hold their fields as lists in any order
 * (`fields+=...`), so every reader (validator, hover, code lens, the translation to RunSpec)
 * asks here instead of filtering lists itself. A field that may appear once is read from
 * its FIRST occurrence; a second one is a `duplicate-field` error reported by the validator.
 */
import type { AstNode } from 'langium';
import type { FeatureType } from '../engine/contract/spec.js';
import {
    isActivationField, isBackendField, isBoundField, isClassifyField, isDataField, isFixField,
    isInputsField, isLayersField, isLikeField, isMethodField, isModelField, isNumberField,
    isOracleRefField, isOutputPathField, isOutputsField, isOverwriteField, isRequireField, isSkipMissingField, isStopOutsideField,
    isTargetField, isTestField,
} from './generated/ast.js';
import type {
    Activation, ActivationField, Backend, BackendField, BoundField, ClassifyField, DataField,
    FeatureDecl, FixField, FixItem, GeneratorMethod, InputsField, Interval, Inversion, LayersField,
    LikeField, MethodField, ModelField, NumberField, Oracle, OracleRefField, OutputDecl,
    OutputPathField, OutputsField, RequireField, Synthesis, TargetField, TestField,
} from './generated/ast.js';

/** A block that runs: an inversion or a synthesis. */
export type RunBlock = Inversion | Synthesis;
/** Every block that has `fields`. */
export type FieldBlock = Oracle | Inversion | Synthesis | GeneratorMethod;

/** The `key NUMBER` fields each block allows (the grammar enforces the same lists). */
export type OracleNumberKey = 'epochs' | 'batch' | 'learningRate' | 'validation' | 'seed';
export type InversionNumberKey = 'solutions' | 'steps' | 'learningRate' | 'seed' | 'diversity' | 'support' | 'tolerance';
export type SynthesisNumberKey = 'count' | 'steps' | 'learningRate' | 'seed' | 'diversity' | 'tolerance';
export type GeneratorNumberKey = 'latent';
export type NumberKey = OracleNumberKey | InversionNumberKey | SynthesisNumberKey | GeneratorNumberKey;

type KeyOf<B> = B extends Oracle ? OracleNumberKey
    : B extends Inversion ? InversionNumberKey
    : B extends Synthesis ? SynthesisNumberKey
    : GeneratorNumberKey;

function first<T extends AstNode>(fields: readonly AstNode[], guard: (n: unknown) => n is T): T | undefined {
    for (const f of fields) if (guard(f)) return f;
    return undefined;
}

function all<T extends AstNode>(fields: readonly AstNode[], guard: (n: unknown) => n is T): T[] {
    return fields.filter(guard);
}

// ---------------------------------------------------------------- numbers (any block)

/** The first `key NUMBER` field with this key, for its range and value. */
export function numberField<B extends FieldBlock>(block: B, key: KeyOf<B>): NumberField | undefined {
    for (const f of block.fields) if (isNumberField(f) && f.key === key) return f;
    return undefined;
}

/** The value of `key NUMBER`, or undefined when the block leaves it to the default. */
export function numberValue<B extends FieldBlock>(block: B, key: KeyOf<B>): number | undefined {
    return numberField(block, key)?.value;
}

/** `[lo, hi]` as plain numbers. */
export function interval(node: Interval): { lo: number; hi: number } {
    return { lo: node.lo, hi: node.hi };
}

// ---------------------------------------------------------------- oracle

export function oracleModelField(o: Oracle): ModelField | undefined { return first(o.fields, isModelField); }
export function oracleDataField(o: Oracle): DataField | undefined { return first(o.fields, isDataField); }
export function oracleTestField(o: Oracle): TestField | undefined { return first(o.fields, isTestField); }
export function oracleInputsField(o: Oracle): InputsField | undefined { return first(o.fields, isInputsField); }
export function oracleOutputsField(o: Oracle): OutputsField | undefined { return first(o.fields, isOutputsField); }
export function oracleLayersField(o: Oracle): LayersField | undefined { return first(o.fields, isLayersField); }
export function oracleActivationField(o: Oracle): ActivationField | undefined { return first(o.fields, isActivationField); }
export function oracleClassifyField(o: Oracle): ClassifyField | undefined { return first(o.fields, isClassifyField); }

/** `model "…"` as written (relative to the .inv file), or undefined. */
export function oracleModel(o: Oracle): string | undefined { return oracleModelField(o)?.path; }
/** `data "…"` as written, or undefined: an oracle without data cannot be trained. */
export function oracleData(o: Oracle): string | undefined { return oracleDataField(o)?.path; }
/** `test "…"` as written, or undefined. */
export function oracleTest(o: Oracle): string | undefined { return oracleTestField(o)?.path; }
/** The declared inputs in model column order (empty when `inputs` is missing). */
export function oracleInputs(o: Oracle): FeatureDecl[] { return oracleInputsField(o)?.features ?? []; }
/** The declared outputs in model unit order (empty when `outputs` is missing). */
export function oracleOutputs(o: Oracle): OutputDecl[] { return oracleOutputsField(o)?.outputs ?? []; }
/** `layers A, B, …` of the oracle's MLP, or undefined for the default. */
export function oracleLayers(o: Oracle): number[] | undefined { return oracleLayersField(o)?.widths; }
export function oracleActivation(o: Oracle): Activation | undefined { return oracleActivationField(o)?.activation; }
/** `classify COLUMN`: the CSV column with class labels, or undefined for a regressor. */
export function oracleClassify(o: Oracle): string | undefined { return oracleClassifyField(o)?.column; }
export function oracleSkipMissing(o: Oracle): boolean { return o.fields.some(isSkipMissingField); }

// ---------------------------------------------------------------- inversion and synthesis

export function runOracleField(block: RunBlock): OracleRefField | undefined { return first(block.fields, isOracleRefField); }
/** The block's oracle when `oracle NAME` is present and resolves. */
export function runOracle(block: RunBlock): Oracle | undefined { return runOracleField(block)?.oracle.ref; }
/** Every `target …` in file order. */
export function runTargets(block: RunBlock): TargetField[] { return all(block.fields, isTargetField); }
export function runFixFields(block: RunBlock): FixField[] { return all(block.fields, isFixField); }
/** Every `fix NAME = NUM` item across all `fix` fields, in file order. */
export function runFixItems(block: RunBlock): FixItem[] { return runFixFields(block).flatMap((f) => f.items); }
/** Every `bound … in [lo, hi] (using C)?` in file order. */
export function runBounds(block: RunBlock): BoundField[] { return all(block.fields, isBoundField); }
export function runStopOutsideBounds(block: RunBlock): boolean { return block.fields.some(isStopOutsideField); }
/** Every `require LEFT op RIGHT` in file order. */
export function runRequires(block: RunBlock): RequireField[] { return all(block.fields, isRequireField); }
export function runMethodField(block: RunBlock): MethodField | undefined { return first(block.fields, isMethodField); }
export function runBackendField(block: RunBlock): BackendField | undefined { return first(block.fields, isBackendField); }
export function runBackend(block: RunBlock): Backend | undefined { return runBackendField(block)?.backend; }
/** A synthesis's `like "ref.csv" column OUT`. */
export function synthesisLike(s: Synthesis): LikeField | undefined { return first(s.fields, isLikeField); }
/** A synthesis's `output "…"` as a field (for its range). */
export function synthesisOutputField(s: Synthesis): OutputPathField | undefined { return first(s.fields, isOutputPathField); }
/** A synthesis's `output "…"` as written. */
export function synthesisOutput(s: Synthesis): string | undefined { return synthesisOutputField(s)?.path; }
/** `overwrite`: the output may replace a file inv did not write. */
export function synthesisOverwrite(s: Synthesis): boolean { return first(s.fields, isOverwriteField)?.overwrite === true; }

/** `method generator {…}` (also the default when no `method` is written) or `method adjoint`. */
export function runMethodKind(block: RunBlock): 'generator' | 'adjoint' {
    return runMethodField(block)?.adjoint ? 'adjoint' : 'generator';
}
/** The generator block of `method generator {…}`, when written. */
export function runGenerator(block: RunBlock): GeneratorMethod | undefined { return runMethodField(block)?.generator; }
export function generatorLayers(g: GeneratorMethod): number[] | undefined { return first(g.fields, isLayersField)?.widths; }
export function generatorActivation(g: GeneratorMethod): Activation | undefined { return first(g.fields, isActivationField)?.activation; }

/** A declared input's type (LANGUAGE.md, "Typed inputs and relations"); undefined for a real one. */
export function featureType(f: FeatureDecl): FeatureType | undefined {
    if (f.categorical) return { kind: 'categorical', labels: f.labels.map((l) => l.name) };
    return f.integer ? { kind: 'integer' } : undefined;
}

/** The oracle input a `fix`/`bound` names, when it resolves. */
export function featureOf(ref: { ref?: FeatureDecl }): FeatureDecl | undefined { return ref.ref; }
