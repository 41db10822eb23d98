/**
 * A categorical feature while the search trains (LANGUAGE.md, "Typed inputs and relations"):
 * one raw value (a logit) per label it may take, and its one-hot columns relaxed to
 * softmax(u / T), a probability per label (0 for labels a `bound` leaves out). The
 * temperature T anneals geometrically from T_START to T_END over the first ANNEAL_SHARE of
 * the search, so the relaxed columns end close to one-hot and the oracle has learnt to be
 * judged at a single label; the finish (typed-finish.ts) then picks exactly one label per
 * solution and re-scores the oracle there.
 */
import type { Tensor2D } from '@tensorflow/tfjs';

import type { FreeColumn, TransformPart } from './transform-part.js';
import type { Random } from '../nn/random.js';
import { tf } from '../backend/tf.js';

/**
 * Why these: at T = 1 a generator's near-zero start gives every label the same share, so
 * gradients reach every label; at T = 0.05 a logit gap of 0.25 already gives 99 % to one
 * label. Annealing over 80 % leaves the last steps to settle at a near-one-hot choice.
 */
export const T_START = 1;
export const T_END = 0.05;
export const ANNEAL_SHARE = 0.8;

export function temperatureAt(progress: number): number {
    const q = Math.min(1, Math.max(0, progress / ANNEAL_SHARE));
    return T_START * (T_END / T_START) ** q;
}

export class CategoricalPart implements TransformPart {
    readonly raw: number;
    private temperature = T_START;
    /** [allowed, labels]: places allowed label a at its column. */
    private readonly placement: Tensor2D;

    constructor(
        /** One column per label, in label order. */
        readonly columns: FreeColumn[],
        /** Indices (into the labels) of the labels the search may choose. */
        readonly allowed: number[],
    ) {
        this.raw = allowed.length;
        const place = new Float32Array(allowed.length * columns.length);
        allowed.forEach((label, a) => (place[a * columns.length + label] = 1));
        this.placement = tf.tensor2d(place, [allowed.length, columns.length]);
    }

    setProgress(progress: number): void {
        this.temperature = temperatureAt(progress);
    }

    apply(u: Tensor2D): Tensor2D {
        return tf.tidy(() => tf.matMul(tf.softmax(tf.div(u, this.temperature)), this.placement) as Tensor2D);
    }

    /** The relaxed probabilities (the finish reads them to rank the labels). */
    exact(_u: ArrayLike<number>, _row: number, approx: ArrayLike<number>): number[] {
        return Array.from(approx);
    }

    /** Logits that give `x` (probabilities) at the current temperature. */
    rawFor(x: ArrayLike<number>): number[] {
        return this.allowed.map((label) => this.temperature * Math.log(Math.max(1e-6, x[label])));
    }

    /** The adjoint's start: small random logits, so no label is favoured. */
    randomRaw(random: Random): number[] {
        return this.allowed.map(() => random.uniform(-0.1, 0.1));
    }

    dispose(): void {
        this.placement.dispose();
    }
}
