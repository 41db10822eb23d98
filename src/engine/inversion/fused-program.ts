/**
 * An inversion on the fused kernel (nn/fused/): the same optimisation as TapedProgram — the
 * generator (or the adjoint's raw values), the feature transforms, the splice of fixed
 * features, the frozen oracle, the loss, the spread term's surrogate and Adam — done by one
 * WebAssembly call per step, with no TF.js and no allocation per step. Chosen for dense
 * oracles on the CPU (fused-support.ts); its results say `wasm-fused`.
 */
import { ADJOINT_STEP_SCALE } from './adjoint.js';
import { constraintCode } from '../nn/fused/constraint-code.js';
import type { FeatureTransforms } from './feature-transform.js';
import { hasTolerance } from '../contract/target-miss.js';
import { FEATURE_BYTES, Feature, FEATURE_KINDS, Plan, STACK_BYTES, Target, TARGET_BYTES, TARGET_KINDS } from '../nn/fused/kernel-layout.js';
import { KernelMemory, roundUp } from '../nn/fused/kernel.js';
import { KernelNet, type LayerWeights } from '../nn/fused/kernel-net.js';
import type { InversionProgram, ProgramState, StepResult } from './inversion-program.js';
import { SPREAD_EVERY } from './inversion-program.js';
import { generatorWeights } from './generator.js';
import { projectOntoLevelSet } from './level-set-projection.js';
import type { SupportForce } from './support.js';
import type { Oracle } from '../oracle/oracle.js';
import { Random, seedFor } from '../nn/random.js';
import { FusedSpread } from './fused-spread.js';
import type { MethodSpec, TargetSpec } from '../contract/spec.js';
import { adamStepSize } from '../nn/adam.js';
import { CONSTRAINT_RAW_SCALE } from './feature-transform.js';

/** Columns per block of the kernel's activations: the memory of a run stops growing with its solutions there. */
export const FUSED_BLOCK = 512;
/** A block's activations of one layer hold at most this many floats (a 100,000-unit layer goes in blocks of 40 columns). */
const BLOCK_FLOATS = 1 << 22;

/** Columns per block for layers as wide as `widest`: a multiple of 8, at most FUSED_BLOCK and npad. */
export function blockColumns(npad: number, widest: number): number {
    const fits = Math.max(8, Math.floor(BLOCK_FLOATS / Math.max(1, widest) / 8) * 8);
    return Math.min(FUSED_BLOCK, npad, fits);
}

/** What the loss asks: the inversion's targets, or a synthesis's target per row (standardised) on one output. */
export type FusedTargets = { kind: 'targets'; targets: TargetSpec[] } | { kind: 'assigned'; column: number; values: Float32Array };

export interface FusedParts {
    transforms: FeatureTransforms;
    oracle: Oracle;
    /** The oracle as dense layers (input standardisation folded in; oracle.denseLayers()). */
    oracleLayers: LayerWeights[];
    targets: FusedTargets;
    /** The spread term's weight; 0: none (the paper's loss). */
    diversity: number;
    /** The targets the spread term projects along (for a synthesis, one `=` target on its output). */
    spreadTargets: TargetSpec[];
    /** When `refine` is to move each solution onto the targets' level set first (and into the data): level-set-projection.ts. */
    settle?: { targets: TargetSpec[]; support: SupportForce | null; spread: boolean };
}

/** The generator (mode 0) or the raw values (mode 1) a program optimises. */
type Variables =
    | { kind: 'generator'; layers: LayerWeights[]; input: Float32Array; inputWidth: number }
    | { kind: 'raw'; start: Float32Array; scale: number; frozen?: Uint8Array };

export class FusedProgram implements InversionProgram {
    private readonly memory = new KernelMemory();
    private readonly plan: number;
    private readonly n: number;
    private readonly npad: number;
    private readonly free: number;
    private readonly outputs: number;
    private readonly spread: FusedSpread | null;
    private readonly generator: KernelNet | null = null;
    private t = 0;
    private steps = 0;
    /** Features of a forward pass kept for the next spread coefficients ([free x npad]); null: none kept. */
    private lastFeatures: Float32Array | null = null;
    private haveCoefficients = false;
    /** Raw-value programs: rows held where they started (the projection settled them), and their values v. */
    private readonly frozen: { rows: Uint8Array; v: Float32Array } | null = null;

    constructor(
        private readonly parts: FusedParts,
        solutions: number,
        variables: Variables,
    ) {
        const { transforms, oracleLayers } = parts;
        const memory = this.memory;
        this.n = solutions;
        this.npad = roundUp(solutions, 8);
        const widths = [...oracleLayers.map((l) => l.outputs), ...(variables.kind === 'generator' ? variables.layers.map((l) => l.outputs) : [])];
        const block = blockColumns(this.npad, Math.max(transforms.inputs, ...widths));
        this.free = transforms.free.length;
        const inputs = transforms.inputs;
        this.outputs = oracleLayers[oracleLayers.length - 1].outputs;
        const plan = (this.plan = memory.words(Plan.bytes / 4));
        const set = (field: number, value: number) => memory.setI32(plan, field, value);
        const words = (count: number) => memory.words(count);
        set(Plan.n, this.n);
        set(Plan.npad, this.npad);
        set(Plan.block, block);
        set(Plan.free, this.free);
        set(Plan.inputs, inputs);
        set(Plan.outputs, this.outputs);
        set(Plan.oracle, new KernelNet(memory, oracleLayers, block, false).pointer);
        const widest = Math.max(inputs, this.outputs, this.free);
        for (const f of [Plan.raw, Plan.x]) set(f, words(this.free * this.npad));
        set(Plan.y, words(this.outputs * this.npad));
        for (const f of [Plan.uBlock, Plan.dxdu]) set(f, words(this.free * block));
        for (const f of [Plan.oin, Plan.doin]) set(f, words(widest * block));
        set(Plan.dy, words(this.outputs * block));
        set(Plan.health, words(1 + this.free + this.outputs));
        set(Plan.stack, words(STACK_BYTES / 4));
        this.writeFeatures(set);
        this.writeTargets(set);
        if (variables.kind === 'generator') {
            set(Plan.mode, 0);
            this.generator = new KernelNet(memory, variables.layers, block, true);
            set(Plan.gen, this.generator.pointer);
            const genIn = words(variables.inputWidth * this.npad);
            memory.f32(genIn, variables.inputWidth * this.npad).set(featureMajor(variables.input, this.n, variables.inputWidth, this.npad));
            set(Plan.genIn, genIn);
        } else {
            set(Plan.mode, 1);
            for (const f of [Plan.v, Plan.vm, Plan.vv, Plan.dv]) set(f, words(this.free * this.npad));
            memory.setF32(plan, Plan.vscale, variables.scale);
            const v = featureMajor(variables.start, this.n, this.free, this.npad);
            for (let i = 0; i < v.length; i++) v[i] /= variables.scale;
            memory.write(memory.getI32(plan, Plan.v), v);
            if (variables.frozen?.some((r) => r === 1)) this.frozen = { rows: variables.frozen, v };
        }
        this.spread =
            parts.diversity > 0
                ? new FusedSpread(parts.diversity, this.n, this.npad, transforms, parts.oracle, parts.spreadTargets, memory, (c, x, out) =>
                      memory.kernel.outputGradient(plan, c, x, out),
                  )
                : null;
        if (this.spread) set(Plan.spread, this.spread.coefficientsPointer);
    }

    private writeFeatures(set: (field: number, value: number) => void): void {
        const memory = this.memory;
        const { transforms } = this.parts;
        const table = memory.words((FEATURE_BYTES / 4) * Math.max(1, this.free));
        transforms.free.forEach((f, j) => {
            const at = table + j * FEATURE_BYTES;
            memory.setI32(at, Feature.column, f.column);
            if (f.feature.transform.kind === 'box') {
                memory.setI32(at, Feature.kind, FEATURE_KINDS.box);
                memory.setF32(at, Feature.a, f.origin);
                memory.setF32(at, Feature.b, f.width);
            } else {
                // Centre + scale * u, then the constraint (if any): feature-transform.ts's applyColumn.
                const transform = f.feature.transform;
                memory.setI32(at, Feature.kind, transform.kind === 'constraint' ? FEATURE_KINDS.constraint : FEATURE_KINDS.linear);
                memory.setF32(at, Feature.a, f.origin + f.width / 2);
                memory.setF32(at, Feature.b, (f.width / 2) * (transform.kind === 'constraint' ? CONSTRAINT_RAW_SCALE : 1));
                if (transform.kind === 'constraint') {
                    const code = constraintCode(transform.constraint);
                    if (!code) throw new Error(`constraint ${transform.constraint.name} is too deep for the fused kernel (fused-support.ts checks this first)`);
                    const p = memory.words(code.length);
                    memory.i32(p, code.length).set(code);
                    memory.setI32(at, Feature.code, p);
                }
            }
        });
        set(Plan.features, table);
        const fixed = memory.words(transforms.inputs);
        memory.write(fixed, transforms.fixedValues);
        set(Plan.fixed, fixed);
    }

    private writeTargets(set: (field: number, value: number) => void): void {
        const memory = this.memory;
        const { targets, oracle } = this.parts;
        const rows: Array<{ column: number; kind: number; lo: number; hi: number; tolerance: number }> = [];
        if (targets.kind === 'assigned') {
            rows.push({ column: targets.column, kind: TARGET_KINDS.assigned, lo: 0, hi: 0, tolerance: 0 });
            const assigned = memory.words(this.npad);
            memory.write(assigned, targets.values);
            set(Plan.assigned, assigned);
        } else {
            for (const t of targets.targets) {
                const column = oracle.outputs.indexOf(t.output);
                const z = (v: number) => oracle.standardiseOutput(column, v);
                if (t.kind === 'maximize' || t.kind === 'minimize') {
                    rows.push({ column, kind: TARGET_KINDS[t.kind], lo: 0, hi: 0, tolerance: 0 });
                    continue;
                }
                // Goals carry their tolerance: beside an objective the kernel gates and penalises as loss.ts does.
                const tolerance = oracle.standardiseLength(column, t.tolerance);
                if (t.kind === 'range') rows.push({ column, kind: TARGET_KINDS.range, lo: z(t.low), hi: z(t.high), tolerance });
                else rows.push({ column, kind: TARGET_KINDS[t.kind], lo: z(t.value), hi: z(t.value), tolerance });
            }
        }
        const table = memory.words((TARGET_BYTES / 4) * Math.max(1, rows.length));
        rows.forEach((r, i) => {
            const at = table + i * TARGET_BYTES;
            memory.setI32(at, Target.column, r.column);
            memory.setI32(at, Target.kind, r.kind);
            memory.setF32(at, Target.lo, r.lo);
            memory.setF32(at, Target.hi, r.hi);
            memory.setF32(at, Target.tolerance, r.tolerance);
        });
        set(Plan.targets, table);
        set(Plan.targetCount, rows.length);
    }

    step(learningRate: number, spreading: boolean): StepResult {
        const useSpread = this.spread !== null && spreading;
        // As TapedProgram: coefficients every SPREAD_EVERY steps, at the features of the step before.
        if (useSpread && (!this.haveCoefficients || this.steps % SPREAD_EVERY === 0)) {
            let at = this.lastFeatures;
            if (!at) {
                this.memory.kernel.evaluate(this.plan);
                at = this.memory.f32(this.memory.getI32(this.plan, Plan.x), this.free * this.npad).slice();
            }
            this.spread!.compute(at);
            this.haveCoefficients = true;
            this.lastFeatures = null;
        }
        this.memory.setI32(this.plan, Plan.spread, useSpread ? this.spread!.coefficientsPointer : 0);
        const keepFeatures = useSpread && (this.steps + 1) % SPREAD_EVERY === 0;
        this.steps++;
        this.t++;
        this.memory.kernel.inversionStep(this.plan, adamStepSize(learningRate, this.t));
        if (this.frozen) this.holdFrozen();
        if (keepFeatures) this.lastFeatures = this.memory.f32(this.memory.getI32(this.plan, Plan.x), this.free * this.npad).slice();
        return {
            loss: this.memory.getF32(this.plan, Plan.loss),
            health: this.memory.f32(this.memory.getI32(this.plan, Plan.health), 1 + this.free + this.outputs).slice(),
        };
    }

    /** The loss and the gradients of one step at the current weights, without changing them (tests). */
    gradients(): { loss: number; generator: Array<{ kernel: Float32Array; bias: Float32Array }> | null; raw: Float32Array | null } {
        this.memory.setI32(this.plan, Plan.spread, this.spread && this.haveCoefficients ? this.spread.coefficientsPointer : 0);
        this.memory.kernel.inversionStep(this.plan, 0);
        const loss = this.memory.getF32(this.plan, Plan.loss);
        if (this.generator) return { loss, generator: this.generator.gradients(), raw: null };
        const dv = this.memory.f32(this.memory.getI32(this.plan, Plan.dv), this.free * this.npad);
        return { loss, generator: null, raw: rowMajor(dv, this.n, this.free, this.npad) };
    }

    /** The spread coefficients computed now at the current features, row-major [n x free] (tests). */
    spreadCoefficients(): Float32Array | null {
        if (!this.spread) return null;
        this.memory.kernel.evaluate(this.plan);
        this.spread.compute(this.memory.f32(this.memory.getI32(this.plan, Plan.x), this.free * this.npad).slice());
        this.haveCoefficients = true;
        return rowMajor(this.memory.f32(this.spread.coefficientsPointer, this.free * this.npad), this.n, this.free, this.npad);
    }

    async state(): Promise<ProgramState> {
        const m = this.memory;
        m.kernel.evaluate(this.plan);
        const read = (field: number, rows: number) => rowMajor(m.f32(m.getI32(this.plan, field), rows * this.npad), this.n, rows, this.npad);
        const outputs = read(Plan.y, this.outputs);
        const { oracle } = this.parts;
        for (let i = 0; i < this.n; i++) {
            for (let o = 0; o < this.outputs; o++) outputs[i * this.outputs + o] = oracle.userOutput(o, outputs[i * this.outputs + o]);
        }
        return { solutions: this.n, raw: read(Plan.raw, this.free), features: read(Plan.x, this.free), outputs };
    }

    async refine(): Promise<InversionProgram> {
        let raw = this.raw();
        this.dispose();
        const { settle, transforms, oracle } = this.parts;
        let frozen: Uint8Array | undefined;
        if (settle) ({ raw, settled: frozen } = await projectOntoLevelSet(raw, this.n, { transforms, oracle, ...settle }));
        // As TapedProgram.refine: raw values at the adjoint's scale; the settled ones held where they are.
        return new FusedProgram({ ...this.parts, targets: settlingTargets(this.parts.targets), diversity: 0, settle: undefined }, this.n, { kind: 'raw', start: raw, scale: settle ? ADJOINT_STEP_SCALE : 1, frozen });
    }

    /** Puts the frozen rows' values back after a step (Adam would move them by about its step size). */
    private holdFrozen(): void {
        const { rows, v } = this.frozen!;
        const current = this.memory.f32(this.memory.getI32(this.plan, Plan.v), this.free * this.npad);
        for (let i = 0; i < this.n; i++) {
            if (!rows[i]) continue;
            for (let j = 0; j < this.free; j++) current[j * this.npad + i] = v[j * this.npad + i];
        }
    }

    /**
     * New rows for the generator (a synthesis's conditional generator: its input rows
     * [n x inputWidth] and, with assigned targets, each row's standardised target): the
     * spread coefficients kept for the old rows are dropped.
     */
    newRows(input: Float32Array, inputWidth: number, assigned: Float32Array | null): void {
        const m = this.memory;
        m.write(m.getI32(this.plan, Plan.genIn), featureMajor(input, this.n, inputWidth, this.npad));
        if (assigned) m.write(m.getI32(this.plan, Plan.assigned), assigned);
        this.haveCoefficients = false;
        this.lastFeatures = null;
    }

    /** The generator's weights as they stand (mode 0). */
    generatorWeights(): LayerWeights[] {
        return this.generator!.weights();
    }

    /** The raw values u of every solution now, row-major [n x free]. */
    raw(): Float32Array {
        this.memory.kernel.evaluate(this.plan);
        return rowMajor(this.memory.f32(this.memory.getI32(this.plan, Plan.raw), this.free * this.npad), this.n, this.free, this.npad);
    }

    /** Bytes of the kernel's memory (the memory test). */
    get memoryBytes(): number {
        return this.memory.bytes;
    }

    dispose(): void {
        // The kernel's memory goes with this object.
        this.lastFeatures = null;
    }
}

/**
 * What a solution settles onto at the end of a run (TargetLoss.settling): its goals alone
 * when it has an objective beside them, else the same targets.
 */
function settlingTargets(targets: FusedParts['targets']): FusedParts['targets'] {
    if (targets.kind !== 'targets') return targets;
    const goals = targets.targets.filter(hasTolerance);
    return goals.length > 0 && goals.length < targets.targets.length ? { kind: 'targets', targets: goals } : targets;
}

/** The paper's generator on the fused kernel: weights and latent rows as generator.ts draws them. */
export function fusedGeneratorProgram(method: Extract<MethodSpec, { kind: 'generator' }>, solutions: number, seed: number, parts: FusedParts): FusedProgram {
    // With a spread term the generator starts spread, as generator.ts's does.
    const weights = generatorWeights(method, seed, parts.transforms, parts.diversity > 0);
    const layers: LayerWeights[] = weights.map((w, l) => ({ ...w, activation: l + 1 === weights.length ? 'linear' : method.activation }));
    const z = new Random(seedFor(seed, 'latent')).normals(solutions * method.latent);
    return new FusedProgram(parts, solutions, { kind: 'generator', layers, input: z, inputWidth: method.latent });
}

/** The adjoint on the fused kernel: starts as adjoint.ts draws them, raw = ADJOINT_STEP_SCALE * v. */
export function fusedAdjointProgram(solutions: number, start: Float32Array, parts: FusedParts): FusedProgram {
    return new FusedProgram(parts, solutions, { kind: 'raw', start, scale: ADJOINT_STEP_SCALE });
}

/** Row-major [n x width] -> feature-major [width x npad] (pad columns zero). */
export function featureMajor(values: ArrayLike<number>, n: number, width: number, npad: number): Float32Array {
    const out = new Float32Array(width * npad);
    for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) out[j * npad + i] = values[i * width + j];
    return out;
}

/** Feature-major [width x npad] -> row-major [n x width]. */
export function rowMajor(values: ArrayLike<number>, n: number, width: number, npad: number): Float32Array {
    const out = new Float32Array(n * width);
    for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) out[i * width + j] = values[j * npad + i];
    return out;
}
