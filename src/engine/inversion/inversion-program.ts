/**
 * One optimisation of a set of solutions against the frozen oracle, behind a small interface
 * so that the run loop (invert.ts) does not care how a step is computed: today a TF.js graph
 * with automatic differentiation (TapedProgram, shared by the generator and the adjoint);
 * later, possibly, a fused kernel for dense MLPs that does forward, backward and Adam in one
 * call.
 */
import type { Scalar, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';

import { ADJOINT_STEP_SCALE } from './adjoint-scale.js';
import { Adam } from '../nn/adam.js';
import { healthProbe } from './divergence.js';
import type { FeatureTransforms } from './feature-transform.js';
import type { TargetLoss } from './loss.js';
import type { Oracle } from '../oracle/oracle.js';
import { projectOntoLevelSet } from './level-set-projection.js';
import type { SpreadForce } from './spread-force.js';
import type { SupportForce } from './support.js';
import type { TargetSpec } from '../contract/spec.js';
import { tf } from '../backend/tf.js';

/** The solutions as they stand, read back from the backend. Row-major arrays. */
export interface ProgramState {
    solutions: number;
    /** Raw outputs u [solutions x free]. */
    raw: Float32Array;
    /** Free features in user units [solutions x free] (float64 once the finish has made them exact). */
    features: Float32Array | Float64Array;
    /** Oracle outputs in user units [solutions x outputs]. */
    outputs: Float32Array;
}

/** Steps between two computations of the spread term's coefficients. */
export const SPREAD_EVERY = 4;

/**
 * Scalars of one step: on TF.js left on the backend (the caller reads them when it needs
 * them, and disposes them); on the fused kernel plain numbers, already read.
 */
export interface StepResult {
    /** The accuracy loss before the step. */
    loss: Scalar | number;
    /** Where NaN/Inf first appeared in the step's forward pass, if anywhere (divergence.ts). */
    health: Tensor1D | Float32Array;
}

export interface InversionProgram {
    /** One optimisation step, with the spread term or without it. */
    step(learningRate: number, spreading: boolean): StepResult;
    state(): Promise<ProgramState>;
    /**
     * A program that goes on from the current solutions, each optimised on its own (its raw
     * values are the variables: no generator, no coupling) and without the spread term. This
     * program is disposed.
     */
    refine(): Promise<InversionProgram>;
    dispose(): void;
}

export interface TapedParts {
    /** The raw outputs u [n, free] as a function of `variables` (run under the gradient tape). */
    raw(): Tensor2D;
    /** The variables optimised; the program owns and disposes them. */
    variables: Variable[];
    /** Other tensors the program owns (the generator's latent rows). */
    owned: Tensor2D[];
    transforms: FeatureTransforms;
    oracle: Oracle;
    loss: TargetLoss;
    /** The diversity term (the program owns and disposes it); null with `diversity 0` (the paper's loss exactly). */
    spread: SpreadForce | null;
    /** When `refine` is to move each solution onto the targets' level set first (and into the data): level-set-projection.ts. */
    settle?: { targets: TargetSpec[]; support: SupportForce | null; spread: boolean };
}

export class TapedProgram implements InversionProgram {
    private readonly adam: Adam;
    private steps = 0;
    /** Features of a forward pass, kept for the next spread coefficients. */
    private lastFeatures: Tensor2D | null = null;
    private coefficients: Tensor2D | null = null;

    constructor(private readonly parts: TapedParts) {
        this.adam = new Adam(parts.variables);
    }

    step(learningRate: number, spreading: boolean): StepResult {
        const { raw, variables, transforms, oracle, loss, spread } = this.parts;
        const useSpread = spread !== null && spreading;
        // The spread term's coefficients are constants of the step (its surrogate's gradient).
        // They are computed at the features of an earlier step's forward pass and kept for
        // SPREAD_EVERY steps: the solutions move little in a few steps, and this saves a
        // second pass through the generator and most passes through the oracle's gradient.
        if (useSpread && (this.coefficients === null || this.steps % SPREAD_EVERY === 0)) {
            const at = this.lastFeatures ?? tf.tidy(() => transforms.apply(raw()));
            this.coefficients?.dispose();
            this.coefficients = spread!.coefficients(at);
            at.dispose();
            this.lastFeatures = null;
        }
        const coefficients = useSpread ? this.coefficients : null;
        const keepFeatures = useSpread && (this.steps + 1) % SPREAD_EVERY === 0;
        this.steps++;
        // Kept (tf.keep) out of the step's scope: the loss and health to return, the features for the next coefficients.
        let accuracy: Scalar | null = null;
        let health: Tensor1D | null = null;
        tf.tidy(() => {
            const { grads } = tf.variableGrads(() => {
                const u = raw();
                const x = transforms.apply(u);
                if (keepFeatures) this.lastFeatures = tf.keep(x);
                const y = oracle.standardised(transforms.splice(x));
                // Not on the path to the loss: the tape leaves it out of the backward pass.
                health = tf.keep(healthProbe(u, x, y));
                const a = tf.keep(tf.mean(loss.perSolution(y)) as Scalar);
                accuracy = a;
                return coefficients ? (tf.add(a, tf.sum(tf.mul(coefficients, x))) as Scalar) : a;
            }, variables);
            this.adam.apply(
                variables.map((v) => grads[v.name]),
                learningRate,
            );
        });
        return { loss: accuracy!, health: health! } as { loss: Scalar; health: Tensor1D };
    }

    /**
     * The rows raw() gives have been replaced (a conditional generator's new batch): the
     * spread coefficients kept for the old rows are dropped, so the next step with the
     * spread term computes them for the new ones.
     */
    newRows(): void {
        this.lastFeatures?.dispose();
        this.coefficients?.dispose();
        this.lastFeatures = null;
        this.coefficients = null;
    }

    async state(): Promise<ProgramState> {
        const { raw, transforms, oracle } = this.parts;
        const [u, x, y] = tf.tidy(() => {
            // A clone: the adjoint's raw() is its variable, which must outlive this read.
            const u = tf.clone(raw());
            const x = transforms.apply(u);
            return [u, x, oracle.predict(transforms.splice(x))];
        });
        try {
            const [rawData, features, outputs] = await Promise.all([u.data(), x.data(), y.data()]);
            return { solutions: u.shape[0], raw: rawData as Float32Array, features: features as Float32Array, outputs: outputs as Float32Array };
        } finally {
            tf.dispose([u, x, y]);
        }
    }

    async refine(): Promise<InversionProgram> {
        const { raw, transforms, oracle, loss, settle } = this.parts;
        const u = tf.tidy(() => tf.clone(raw()));
        let values = (await u.data()) as Float32Array;
        const [n, k] = u.shape;
        u.dispose();
        let settled: Uint8Array | null = null;
        if (settle) ({ raw: values, settled } = await projectOntoLevelSet(values, n, { transforms, oracle, ...settle }));
        this.dispose();
        // After the projection, at the adjoint's scale (adjoint.ts): a solution still far from
        // its targets gets there as fast as an adjoint's would.
        const scale = settle ? ADJOINT_STEP_SCALE : 1;
        const start = tf.tidy(() => tf.variable(tf.div(tf.tensor2d(values, [n, k]), scale) as Tensor2D, true));
        const next = { variables: [start], transforms, oracle, loss: loss.settling(), spread: null };
        if (!settled || !settled.some((s) => s === 1)) return new TapedProgram({ ...next, raw: () => (scale === 1 ? start : (tf.mul(start, scale) as Tensor2D)), owned: [] });
        // Solutions the projection left on the level set stay exactly there: Adam would move
        // them by about its step size even where their gradient is nearly zero.
        const moving = tf.tensor2d(Float32Array.from(settled, (s) => 1 - s), [n, 1]);
        const kept = tf.tidy(() => tf.mul(tf.tensor2d(values, [n, k]), tf.sub(1, moving)) as Tensor2D);
        return new TapedProgram({ ...next, raw: () => tf.add(kept, tf.mul(tf.mul(start, scale), moving)) as Tensor2D, owned: [moving, kept] });
    }

    dispose(): void {
        this.lastFeatures?.dispose();
        this.coefficients?.dispose();
        this.adam.dispose();
        tf.dispose([...this.parts.variables, ...this.parts.owned]);
        this.parts.spread?.dispose();
    }
}
