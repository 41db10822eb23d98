/**
 * Adam (Kingma & Ba) over a fixed list of variables, with a learning rate given per step.
 * Written here rather than taken from tf.train.adam because the oracle's training follows a
 * learning-rate schedule (TF.js optimizers keep their rate in a protected field), and
 * because it must use the engine's live `tf` (src/engine/backend/tf.ts), not the module TF.js
 * classes were defined in.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7; // TF.js's and Keras's default

/** The step size of update t (from 1): the learning rate with the bias correction folded in. */
export function adamStepSize(learningRate: number, t: number): number {
    return (learningRate * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t);
}

export class Adam {
    private readonly m: Variable[];
    private readonly v: Variable[];
    private t = 0;

    constructor(private readonly variables: Variable[]) {
        this.m = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
        this.v = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
    }

    /** One update with gradients `grads` (same order as the variables). */
    apply(grads: Tensor[], learningRate: number): void {
        this.t++;
        const t = this.t;
        // Bias correction folded into the step size, as in the paper's section 2 (and the fused kernel).
        const step = adamStepSize(learningRate, t);
        tf.tidy(() => {
            for (let i = 0; i < this.variables.length; i++) {
                const g = grads[i];
                const m = tf.add(tf.mul(this.m[i], BETA1), tf.mul(g, 1 - BETA1));
                const v = tf.add(tf.mul(this.v[i], BETA2), tf.mul(tf.square(g), 1 - BETA2));
                this.m[i].assign(m);
                this.v[i].assign(v);
                this.variables[i].assign(tf.sub(this.variables[i], tf.div(tf.mul(m, step), tf.add(tf.sqrt(v), EPSILON))));
            }
        });
    }

    dispose(): void {
        for (const x of [...this.m, ...this.v]) x.dispose();
    }
}
