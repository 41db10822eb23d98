/**
 * One piece of the map from raw outputs to free features (feature-transform.ts): it takes
 * `raw` raw values per solution and gives the values of its free model columns. A real
 * feature with a box is one raw value and one column; a categorical feature is one raw
 * value per label it may take and one one-hot column per label (categorical-relaxation.ts);
 * the features of `require` relations share one polytope (polytope-map.ts); values chosen
 * per solution (whole numbers, labels) are constants (FrozenPart).
 */
import type { Tensor2D } from '@tensorflow/tfjs';

import type { CompiledConstraint } from './constraint.js';
import type { FreeFeature, Interval } from '../contract/spec.js';
import type { Random } from '../nn/random.js';
import { tf } from '../backend/tf.js';

/** One free model column. */
export interface FreeColumn {
    /** Column in the oracle's inputs (the model's columns: a categorical feature has one per label). */
    column: number;
    feature: FreeFeature;
    /** Where spread and "in bounds" are measured: the box, or the domain, or centre +- scale for none. */
    origin: number;
    width: number;
    /** The bound that `inBounds` and `stop outside bounds` check; null when unbounded. */
    box: Interval | null;
    constraint: CompiledConstraint | null;
    /** A categorical feature's one-hot column: the index of its label. */
    label?: number;
}

export interface TransformPart {
    /** Raw values per solution this part takes. */
    readonly raw: number;
    readonly columns: FreeColumn[];
    /** Raw values [n, raw] -> column values [n, columns] in user units (float32, on the backend). */
    apply(u: Tensor2D): Tensor2D;
    /**
     * Row `row`'s column values in float64 from its raw values `u`; `approx` is what apply
     * gave (float32), for parts that cannot do better.
     */
    exact(u: ArrayLike<number>, row: number, approx: ArrayLike<number>): number[];
    /** Raw values that give column values `x` (a refinement starting from given values). */
    rawFor(x: ArrayLike<number>, row: number): number[];
    /** A seeded start for `method adjoint`: raw values of one solution. */
    randomRaw(random: Random): number[];
    /** The annealing of a relaxation, 0 at the start of the search and 1 at its end. */
    setProgress?(progress: number): void;
    /** Raw values [n, raw] pulled back where they must be, after a step that optimises them directly. */
    retract?(u: Tensor2D): Promise<Tensor2D>;
    dispose(): void;
}

/** Values held per solution (whole numbers and labels once chosen): no raw values, constant columns. */
export class FrozenPart implements TransformPart {
    readonly raw = 0;
    private readonly values: Tensor2D;

    constructor(
        readonly columns: FreeColumn[],
        /** [n x columns], row-major. */
        private readonly rows: Float64Array,
        solutions: number,
    ) {
        this.values = tf.tensor2d(Float32Array.from(rows), [solutions, columns.length]);
    }

    apply(): Tensor2D {
        return tf.clone(this.values);
    }

    exact(_u: ArrayLike<number>, row: number): number[] {
        const k = this.columns.length;
        return Array.from(this.rows.subarray(row * k, (row + 1) * k));
    }

    rawFor(): number[] {
        return [];
    }

    randomRaw(): number[] {
        return [];
    }

    dispose(): void {
        this.values.dispose();
    }
}
