/**
 * A synthesis's conditional generator G(z, t) (LANGUAGE.md, "Synthesis"): the paper's
 * generator with the target as one more input. Each row of a batch is a fresh latent row z
 * and a fresh target t drawn from the reference; G learns to give, for any t, features
 * that the frozen oracle maps to t, spread over the ways to do so (the spread term, as in
 * an inversion, pushes the rows of a batch apart along the level sets of the output).
 *
 * Training steps are the inversion's (TapedProgram: the same transforms, splice of fixed
 * features, loss on standardised outputs, spread term and divergence probes); only the
 * rows change: a new batch every SPREAD_EVERY steps, so that the spread term's
 * coefficients, computed once per SPREAD_EVERY steps, always belong to the rows they push.
 *
 * `refine` samples the rows to write, G(z, t) for fresh z and their assigned targets t, and
 * hands them on as a program that refines each row onto its own target (the inversion's
 * refinement: the raw values are the variables, no spread term), so the written rows meet
 * their targets as closely as the oracle allows.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';

import { applyDense, denseVariables, initialWeights, type DenseLayer } from '../nn/dense-net.js';
import type { FeatureTransforms } from '../inversion/feature-transform.js';
import { OUTPUT_SCALE } from '../inversion/generator.js';
import { SPREAD_EVERY, TapedProgram, type InversionProgram, type ProgramState, type StepResult } from '../inversion/inversion-program.js';
import type { TargetLoss } from '../inversion/loss.js';
import type { Oracle } from '../oracle/oracle.js';
import { Random, seedFor } from '../nn/random.js';
import type { SpreadForce } from '../inversion/spread-force.js';
import type { MethodSpec } from '../contract/spec.js';
import { tf } from '../backend/tf.js';

/** Where the targets come from, and how they are standardised for G's input and the loss. */
export interface TargetSource {
    /** `n` independent targets in the output's units. */
    draw(random: Random, n: number): Float32Array;
    /** Output units -> standardised (the oracle's output statistics). */
    standardise(values: ArrayLike<number>): Float32Array;
}

export interface ConditionalParts {
    transforms: FeatureTransforms;
    oracle: Oracle;
    /** The spread term for a batch of `batch` rows (the program owns it); null without one. */
    spread: SpreadForce | null;
    /** The loss against the current rows' targets (read through `rowTargets`). */
    loss(rowTargets: () => Tensor1D): TargetLoss;
}

/** The rows the program works on now: latent rows and their targets. */
class Rows {
    z: Tensor2D;
    /** Standardised targets [n]. */
    t: Tensor1D;
    /** The same targets in the output's units, for judging rows. */
    assigned: Float32Array;

    constructor(z: Float32Array, latent: number, assigned: Float32Array, standardised: Float32Array) {
        this.z = tf.tensor2d(z, [assigned.length, latent]);
        this.t = tf.tensor1d(standardised);
        this.assigned = assigned;
    }

    dispose(): void {
        tf.dispose([this.z, this.t]);
    }
}

export class ConditionalProgram {
    private readonly taped: TapedProgram;
    private readonly net: DenseLayer[];
    private readonly random: Random;
    private rows: Rows;
    private steps = 0;

    constructor(
        private readonly method: Extract<MethodSpec, { kind: 'generator' }>,
        private readonly batch: number,
        seed: number,
        private readonly source: TargetSource,
        private readonly parts: ConditionalParts,
    ) {
        // One more input than the paper's generator: the target.
        const sizes = [method.latent + 1, ...method.layers, parts.transforms.rawWidth];
        const net = denseVariables(initialWeights(sizes, new Random(seedFor(seed, 'conditional-generator')), OUTPUT_SCALE), method.activation, 'conditional');
        this.net = net.layers;
        this.random = new Random(seedFor(seed, 'conditional-batches'));
        this.rows = this.drawRows();
        this.taped = new TapedProgram({
            raw: () => this.generate(this.rows),
            variables: net.variables,
            owned: [],
            transforms: parts.transforms,
            oracle: parts.oracle,
            loss: parts.loss(() => this.rows.t),
            spread: parts.spread,
        });
    }

    /** The current rows' targets, in the output's units (row order of `state`). */
    get assigned(): Float32Array {
        return this.rows.assigned;
    }

    step(learningRate: number, spreading: boolean): StepResult {
        if (this.steps > 0 && this.steps % SPREAD_EVERY === 0) {
            this.rows.dispose();
            this.rows = this.drawRows();
            this.taped.newRows();
        }
        this.steps++;
        return this.taped.step(learningRate, spreading);
    }

    state(): Promise<ProgramState> {
        return this.taped.state();
    }

    /**
     * The rows to write: G(z, t) for `latent` rows z and standardised targets t (the caller
     * keeps and disposes t), as a program that refines each row onto its target. This
     * program is disposed.
     */
    writeRows(z: Float32Array, t: Tensor1D): InversionProgram {
        const zt = tf.tensor2d(z, [t.shape[0], this.method.latent]);
        const start = tf.tidy(() => tf.variable(this.generate({ z: zt, t }), true));
        zt.dispose();
        this.dispose();
        const { transforms, oracle } = this.parts;
        return new TapedProgram({ raw: () => start, variables: [start], owned: [], transforms, oracle, loss: this.parts.loss(() => t), spread: null });
    }

    dispose(): void {
        this.taped.dispose();
        this.rows.dispose();
    }

    private generate(rows: { z: Tensor2D; t: Tensor1D }): Tensor2D {
        return tf.tidy(() => applyDense(this.net, tf.concat([rows.z, tf.reshape(rows.t, [-1, 1])], 1) as Tensor2D));
    }

    private drawRows(): Rows {
        const assigned = this.source.draw(this.random, this.batch);
        return new Rows(this.random.normals(this.batch * this.method.latent), this.method.latent, assigned, this.source.standardise(assigned));
    }
}
