/**
 * The single translation from the AST of a validated `.inv` file to the engine's RunSpec
 * (src/engine/contract/spec.ts). The CLI, the language server's runs and the benchmarks all go
 * through here, so a file means the same thing everywhere. Defaults are LANGUAGE.md's.
 *
 * The file is expected to have passed validation; what validation would have reported
 * (an unresolved name, a missing `oracle`) is thrown as a SpecError naming the node, never
 * silently filled in.
 */
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { AstNode, LangiumDocument } from 'langium';
import { DEFAULT_DIVERSITY, DEFAULT_SUPPORT } from '../engine/contract/spec.js';
import type { InvModelMetadata } from '../engine/contract/model-metadata.js';
import { summariseModelBytes, summariseModelJson } from '../engine/contract/model-summary.js';
import { importedFormatOf } from '../engine/contract/imported-model-summary.js';
import { FILE_SIZE_LIMITS, readRegularFileSync, readRegularTextFileSync } from '../engine/contract/regular-file.js';
import type {
    Activation,
    BackendChoice,
    Comparison as SpecComparison,
    ConstraintFunction,
    ConstraintSpec,
    ExprNode,
    FeatureSpec,
    Interval as SpecInterval,
    InversionSpec,
    MethodSpec,
    OracleSpec,
    ReferenceSpec,
    RelationSpec,
    RunSpec,
    SynthesisSpec,
    TargetSpec,
} from '../engine/contract/spec.js';
import {
    isBinaryExpr,
    isCallExpr,
    isInversion,
    isNegExpr,
    isNumberLit,
    isSynthesis,
    isVarRef,
    type Constraint,
    type Expression,
    type InvFile,
    type Inversion,
    type Oracle,
    type Synthesis,
    type TargetField,
} from './generated/ast.js';
import {
    featureType, generatorActivation, generatorLayers, interval, numberValue, oracleActivation, oracleClassify, oracleData, oracleInputs,
    oracleLayers, oracleModel, oracleOutputs, oracleSkipMissing, oracleTest, runBackend, runBounds, runFixItems,
    runGenerator, runMethodKind, runOracle, runOracleField, runRequires, runStopOutsideBounds, runTargets, synthesisLike,
    synthesisOutput, synthesisOverwrite, type RunBlock,
} from './ast-fields.js';
import { relationForm, relationSpec } from './relation-form.js';

/** Defaults of LANGUAGE.md, in one place. */
export const SPEC_DEFAULTS = {
    oracle: { layers: [64, 64], activation: 'relu' as Activation, epochs: 200, batch: 128, learningRate: 0.001, validation: 0.1, seed: 0 },
    generator: { latent: 8, layers: [64, 64], activation: 'relu' as Activation },
    solutions: 256,
    steps: 3000,
    learningRate: 0.001,
    seed: 0,
    backend: 'auto' as BackendChoice,
    /** Rows a synthesis writes when its block has no `count`. */
    count: 1000,
    /** Default tolerance of a target on a classifier's class probability. */
    probabilityTolerance: 0.01,
    /** The default tolerance is max(1, |value|, ...) / this, i.e. 1e-3 of the value's size. */
    toleranceDivisor: 1000,
} as const;

/** A translation failure: the file would not have passed validation. Carries the node for its position. */
export class SpecError extends Error {
    constructor(
        message: string,
        readonly node: AstNode | undefined,
    ) {
        super(message);
        this.name = 'SpecError';
    }
}

export interface ToSpecOptions {
    /**
     * Reads the metadata a trained model records (the domains used when the file declares
     * none); by default from the model.json on disk. Tests inject their own.
     */
    readMetadata?: (modelPath: string) => InvModelMetadata | null;
    /**
     * Values that replace the language's defaults where the block leaves them unset: the
     * editor's settings (`inv.defaultBackend`, `inv.defaultSolutions`, `inv.defaultSteps`).
     * The CLI passes none. The result's `settings` record the values used.
     */
    defaults?: RunDefaults;
}

/** What the editor's settings may fill in; `solutions` applies to inversions only (a synthesis has `count`). */
export interface RunDefaults {
    backend?: BackendChoice;
    solutions?: number;
    steps?: number;
}

/** A document's text as a RunSpec (and so its result) records it: sha256, hex. A result is stale when this changes. */
export function sourceHash(text: string): string {
    return createHash('sha256').update(text).digest('hex');
}

/** The inversions and syntheses of a file, in file order: what `inv run FILE` runs. */
export function runBlocks(file: InvFile): RunBlock[] {
    return file.elements.filter((e): e is RunBlock => isInversion(e) || isSynthesis(e));
}

export function toRunSpec(document: LangiumDocument<InvFile>, name: string, opts: ToSpecOptions = {}): RunSpec {
    const blocks = runBlocks(document.parseResult.value);
    const block = blocks.find((b) => b.name === name);
    if (!block) {
        const names = blocks.map((b) => b.name).join(', ') || 'none';
        throw new SpecError(`no inversion or synthesis named \`${name}\`; the file has: ${names}`, undefined);
    }
    const documentPath = document.uri.fsPath;
    const text = document.textDocument.getText();
    return isInversion(block) ? inversionSpec(block, documentPath, text, opts) : synthesisSpec(block, documentPath, text, opts);
}

export function toOracleSpec(oracle: Oracle, documentPath: string): OracleSpec {
    const model = oracleModel(oracle);
    if (model === undefined) throw new SpecError(`oracle \`${oracle.name}\` has no \`model\`; add \`model "models/NAME/model.json"\``, oracle);
    const base = dirname(documentPath);
    const data = oracleData(oracle);
    const test = oracleTest(oracle);
    const d = SPEC_DEFAULTS.oracle;
    return {
        name: oracle.name,
        modelPath: absolute(base, model),
        modelPathAsWritten: model,
        inputs: oracleInputs(oracle).map((x) => {
            const type = featureType(x);
            return { name: x.name, domain: x.domain && !x.categorical ? interval(x.domain) : null, ...(type ? { type } : {}) };
        }),
        outputs: oracleOutputs(oracle).map((o) => o.name),
        training:
            data === undefined
                ? null
                : {
                      dataPath: absolute(base, data),
                      testPath: test === undefined ? null : absolute(base, test),
                      layers: [...(oracleLayers(oracle) ?? d.layers)],
                      activation: oracleActivation(oracle) ?? d.activation,
                      epochs: numberValue(oracle, 'epochs') ?? d.epochs,
                      batch: numberValue(oracle, 'batch') ?? d.batch,
                      learningRate: numberValue(oracle, 'learningRate') ?? d.learningRate,
                      validation: numberValue(oracle, 'validation') ?? d.validation,
                      seed: numberValue(oracle, 'seed') ?? d.seed,
                      skipMissing: oracleSkipMissing(oracle),
                      classify: oracleClassify(oracle) ?? null,
                  },
    };
}

// ---------------------------------------------------------------- runs

function commonSpec(block: RunBlock, documentPath: string, text: string, opts: ToSpecOptions) {
    const oracleNode = runOracle(block);
    if (!oracleNode) {
        throw new SpecError(`\`${block.name}\` names no oracle of this file; add \`oracle NAME\``, runOracleField(block) ?? block);
    }
    const oracle = toOracleSpec(oracleNode, documentPath);
    const recorded = (opts.readMetadata ?? readRecordedMetadata)(oracle.modelPath);
    return {
        oracleNode,
        recorded,
        classifier: oracleClassify(oracleNode) !== undefined || givesProbabilities(oracle.modelPath),
        blockTolerance: numberValue(block, 'tolerance'),
        common: {
            name: block.name,
            source: documentPath,
            sourceHash: sourceHash(text),
            oracle,
            features: featureSpecs(block, oracle, recorded),
            stopOutsideBounds: runStopOutsideBounds(block),
            method: methodSpec(block),
            steps: numberValue(block, 'steps') ?? opts.defaults?.steps ?? SPEC_DEFAULTS.steps,
            learningRate: numberValue(block, 'learningRate') ?? SPEC_DEFAULTS.learningRate,
            seed: numberValue(block, 'seed') ?? SPEC_DEFAULTS.seed,
            diversity: numberValue(block, 'diversity') ?? DEFAULT_DIVERSITY,
            backend: (runBackend(block) as BackendChoice | undefined) ?? opts.defaults?.backend ?? SPEC_DEFAULTS.backend,
            ...relationSpecs(block),
        },
    };
}

function inversionSpec(block: Inversion, documentPath: string, text: string, opts: ToSpecOptions): InversionSpec {
    const { common, blockTolerance, classifier } = commonSpec(block, documentPath, text, opts);
    return {
        ...common,
        kind: 'inversion',
        targets: runTargets(block).map((t) => targetSpec(t, blockTolerance, classifier)),
        solutions: numberValue(block, 'solutions') ?? opts.defaults?.solutions ?? SPEC_DEFAULTS.solutions,
        support: numberValue(block, 'support') ?? DEFAULT_SUPPORT,
    };
}

function synthesisSpec(block: Synthesis, documentPath: string, text: string, opts: ToSpecOptions): SynthesisSpec {
    const { common, blockTolerance, classifier, recorded } = commonSpec(block, documentPath, text, opts);
    const outputPath = synthesisOutput(block);
    if (outputPath === undefined) throw new SpecError(`synthesis \`${block.name}\` has no \`output\`; add \`output "data/synthetic.csv"\``, block);
    const base = dirname(documentPath);
    const like = synthesisLike(block);
    const targets = runTargets(block);
    let reference: ReferenceSpec;
    if (like) {
        const output = refName(like.output, like);
        // The column's size is not known before reading it; the output's recorded range stands in.
        const stats = recorded?.outputs.find((o) => o.name === output);
        const scale = stats ? Math.max(Math.abs(stats.min), Math.abs(stats.max)) : 1;
        reference = {
            kind: 'column',
            output,
            path: absolute(base, like.path),
            column: output,
            tolerance: blockTolerance ?? (classifier ? SPEC_DEFAULTS.probabilityTolerance : relative(scale)),
        };
    } else if (targets.length === 1) {
        const t = targetSpec(targets[0], blockTolerance, classifier);
        if (t.kind === 'range') reference = { kind: 'range', output: t.output, low: t.low, high: t.high, tolerance: t.tolerance };
        else if (t.kind === 'atLeast' || t.kind === 'atMost') reference = { kind: t.kind, output: t.output, value: t.value, tolerance: t.tolerance };
        else throw new SpecError('a synthesis takes `target OUT in [LO, HI]`, `>=` or `<=`, or `like "FILE.csv" column OUT`', targets[0]);
    } else {
        throw new SpecError(`synthesis \`${block.name}\` needs one \`like "FILE.csv" column OUT\` or one \`target\``, block);
    }
    return {
        ...common,
        kind: 'synthesis',
        reference,
        count: numberValue(block, 'count') ?? SPEC_DEFAULTS.count,
        outputPath: absolute(base, outputPath),
        outputPathAsWritten: outputPath,
        overwrite: synthesisOverwrite(block),
    };
}

// ---------------------------------------------------------------- features

/**
 * One FeatureSpec per oracle input, in the model's order: fixed from `fix`; a free one gets
 * a hard box from `bound`, a constraint from `bound ... using C`, else the oracle's domain
 * as a hard box (declared, else recorded by training), else nothing.
 */
function featureSpecs(block: RunBlock, oracle: OracleSpec, recorded: InvModelMetadata | null): FeatureSpec[] {
    const fixed = new Map<string, { value: number; label?: string; node: AstNode }>();
    for (const item of runFixItems(block)) {
        const name = refName(item.feature, item);
        if (item.label) fixed.set(name, { value: NaN, label: refName(item.label, item), node: item });
        else fixed.set(name, { value: num(item.value, item), node: item });
    }
    const bounds = new Map<string, { box: SpecInterval | null; constraint: Constraint | undefined; labels: string[] | null }>();
    for (const field of runBounds(block)) {
        const labels = field.range ? null : field.labels.map((l) => refName(l, field));
        for (const ref of field.features) bounds.set(refName(ref, field), { box: field.range ? interval(field.range) : null, constraint: field.constraint?.ref, labels });
    }
    return oracle.inputs.map(({ name, domain: declared, type }): FeatureSpec => {
        const typed = type ? { type } : {};
        if (type?.kind === 'categorical') {
            const fix = fixed.get(name);
            if (fix) {
                if (fix.label === undefined) throw new SpecError(`${name} is one of { ${type.labels.join(', ')} }: fix it to a label, not a number`, fix.node);
                return { role: 'fixed', name, value: type.labels.indexOf(fix.label), label: fix.label, domain: null, ...typed };
            }
            const labels = bounds.get(name)?.labels;
            return { role: 'free', name, domain: null, ...typed, ...(labels ? { allowed: labels } : {}), transform: { kind: 'none' } };
        }
        const stats = recorded?.inputs.find((c) => c.name === name);
        const domain = declared ?? (stats && Number.isFinite(stats.min) && Number.isFinite(stats.max) ? { lo: stats.min, hi: stats.max } : null);
        const fix = fixed.get(name);
        if (fix !== undefined) {
            if (fix.label !== undefined) throw new SpecError(`${name} is numeric: fix it to a number`, fix.node);
            return { role: 'fixed', name, value: fix.value, domain, ...typed };
        }
        const bound = bounds.get(name);
        if (bound?.box && bound.constraint) {
            return { role: 'free', name, domain, ...typed, transform: { kind: 'constraint', box: bound.box, constraint: constraintSpec(bound.constraint) } };
        }
        if (bound?.box) return { role: 'free', name, domain, ...typed, transform: { kind: 'box', box: bound.box, source: 'bound' } };
        if (domain) return { role: 'free', name, domain, ...typed, transform: { kind: 'box', box: domain, source: 'domain' } };
        return { role: 'free', name, domain, ...typed, transform: { kind: 'none' } };
    });
}

/** `require` relations, linear (validation reports the others; here they are an error). */
function relationSpecs(block: RunBlock): { relations?: RelationSpec[] } {
    const fields = runRequires(block);
    if (fields.length === 0) return {};
    return {
        relations: fields.map((field) => {
            const form = relationForm(field);
            if (!form.linear) throw new SpecError(`\`require\` takes linear relations: ${form.why}`, form.node);
            return relationSpec(field, form.form);
        }),
    };
}

// ---------------------------------------------------------------- targets

/** A per-target `tolerance` wins over the block's, which wins over the default. */
function targetSpec(t: TargetField, blockTolerance: number | undefined, classifier: boolean): TargetSpec {
    const output = refName(t.output, t);
    const given = t.tolerance ?? blockTolerance;
    const tolerance = (scale: number) => given ?? (classifier ? SPEC_DEFAULTS.probabilityTolerance : relative(scale));
    switch (t.kind) {
        case '=':
        case '>=':
        case '<=': {
            const value = num(t.value, t);
            const kind = t.kind === '=' ? 'equal' : t.kind === '>=' ? 'atLeast' : 'atMost';
            return { output, kind, value, tolerance: tolerance(Math.abs(value)) };
        }
        case 'in': {
            if (!t.range) throw new SpecError('`target OUT in` needs a range `[LO, HI]`', t);
            const { lo, hi } = interval(t.range);
            return { output, kind: 'range', low: lo, high: hi, tolerance: tolerance(Math.max(Math.abs(lo), Math.abs(hi))) };
        }
        case 'maximize':
        case 'minimize':
            return { output, kind: t.kind };
    }
}

function relative(scale: number): number {
    // A division, not `1e-3 *`: 1900 / 1000 is exactly 1.9, 1900 * 1e-3 is 1.9000000000000001.
    return Math.max(1, scale) / SPEC_DEFAULTS.toleranceDivisor;
}

// ---------------------------------------------------------------- method

function methodSpec(block: RunBlock): MethodSpec {
    if (runMethodKind(block) === 'adjoint') return { kind: 'adjoint' };
    const d = SPEC_DEFAULTS.generator;
    const g = runGenerator(block);
    return {
        kind: 'generator',
        latent: (g && numberValue(g, 'latent')) ?? d.latent,
        layers: [...((g && generatorLayers(g)) ?? d.layers)],
        activation: (g && generatorActivation(g)) ?? d.activation,
    };
}

// ---------------------------------------------------------------- constraint functions

export function constraintSpec(c: Constraint): ConstraintSpec {
    return {
        name: c.name,
        pieces: c.pieces.map((p) => ({ when: p.condition.comparisons.map(comparison), value: expr(p.value) })),
        otherwise: c.otherwise ? expr(c.otherwise.value) : null,
    };
}

function comparison(c: { op: SpecComparison['op']; left: Expression; right: Expression }): SpecComparison {
    return { op: c.op, left: expr(c.left), right: expr(c.right) };
}

const FUNCTIONS: ReadonlySet<string> = new Set<ConstraintFunction>(['exp', 'log', 'sqrt', 'abs', 'tanh', 'sigmoid', 'min', 'max']);

function expr(e: Expression): ExprNode {
    if (isNumberLit(e)) return { kind: 'num', value: e.value };
    if (isVarRef(e)) {
        if (e.name !== 'x') throw new SpecError(`a constraint uses only \`x\`, its own parameter; found \`${e.name}\``, e);
        return { kind: 'x' };
    }
    if (isNegExpr(e)) return { kind: 'neg', arg: expr(e.operand) };
    if (isBinaryExpr(e)) return { kind: 'bin', op: e.op, left: expr(e.left), right: expr(e.right) };
    if (isCallExpr(e)) {
        if (!FUNCTIONS.has(e.fn)) throw new SpecError(`unknown function \`${e.fn}\`; known: ${[...FUNCTIONS].join(', ')}`, e);
        return { kind: 'call', fn: e.fn as ConstraintFunction, args: e.args.map(expr) };
    }
    throw new SpecError('this expression cannot be translated', e);
}

// ---------------------------------------------------------------- small pieces

function num(v: number | undefined, node: AstNode): number {
    if (v === undefined) throw new SpecError('a number is missing here', node);
    return v;
}

function refName(ref: { ref?: { name: string }; $refText: string }, node: AstNode): string {
    if (!ref.ref) throw new SpecError(`unknown name \`${ref.$refText}\``, node);
    return ref.ref.name;
}

/**
 * The metadata a trained model records in model.json, or null when there is none or the file
 * cannot be read: the validator reports unreadable models; here that only means "no
 * recorded domain". Synchronous, JSON only (never TF.js), so the translation stays a plain function.
 */
function readRecordedMetadata(modelPath: string): InvModelMetadata | null {
    if (importedFormatOf(modelPath)) return null; // ONNX and Keras models record none
    let text: string;
    try {
        // Never blocks (a FIFO as `model` is refused, not waited on): this runs in the language server.
        text = readRegularTextFileSync(modelPath, FILE_SIZE_LIMITS.modelJson);
    } catch {
        return null;
    }
    const summary = summariseModelJson(text, null);
    return summary.ok ? summary.metadata : null;
}

/** An ONNX or Keras classifier (a softmax head, scikit-learn's probabilities): its targets are probabilities. */
function givesProbabilities(modelPath: string): boolean {
    if (!importedFormatOf(modelPath)) return false;
    try {
        // Never blocks (this runs in the language server): a regular file only, size-limited.
        const summary = summariseModelBytes(modelPath, readRegularFileSync(modelPath, FILE_SIZE_LIMITS.weights));
        return summary.ok && summary.imported?.probabilities === true;
    } catch {
        return false;
    }
}

function absolute(base: string, path: string): string {
    return isAbsolute(path) ? path : resolve(base, path);
}
