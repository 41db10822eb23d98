/**
 * From raw outputs to features (LANGUAGE.md, "Inversion"). The generator (or the adjoint's
 * free vectors) produces raw values; each free feature becomes its model column(s) in the
 * user's units:
 * - `box` (hard bound): lo + (hi - lo) * sigmoid(u); it can never leave the box;
 * - `constraint` (soft bound): the constraint function applied to centre + s * halfWidth * u
 *   (s = CONSTRAINT_RAW_SCALE), so that u = 0 starts at the centre of the declared box, as
 *   the paper's example expects (its generator starts at 50 in [0, 100], which `paper` maps
 *   to 5);
 * - `none`: centre + scale * u, with centre/scale from the domain when known, else 0 / 1.
 * Typed inputs and relations (LANGUAGE.md, "Typed inputs and relations"): an integer is
 * relaxed to its box while the search trains; a categorical feature is one raw value per
 * label it may take and its one-hot columns relaxed to an annealed softmax
 * (categorical-relaxation.ts); the features a `require` relation names share one raw vector
 * mapped onto the relations' polytope (polytope-map.ts). The finish (typed-finish.ts) makes
 * them whole, one label, exactly feasible.
 *
 * Fixed features are spliced in at their columns before the oracle (a fixed label as its
 * one-hot columns). `normalise` maps free columns to box-normalised coordinates (0..1
 * across the box), where spread is measured.
 */
import type { Tensor2D } from '@tensorflow/tfjs';

import { CategoricalPart } from './categorical-relaxation.js';
import { compileConstraint, type CompiledConstraint } from './constraint.js';
import { featureWidth, isCategorical, isInteger, modelColumnStarts } from '../contract/feature-types.js';
import { RelationSpace, type RelationRow } from './linear-relations.js';
import { PolytopePart } from './polytope-map.js';
import type { FeatureSpec, FreeFeature, Interval, RelationSpec } from '../contract/spec.js';
import type { Random } from '../nn/random.js';
import { EngineError } from '../contract/errors.js';
import type { FreeColumn, TransformPart } from './transform-part.js';
import { tf } from '../backend/tf.js';

export type { FreeColumn } from './transform-part.js';

/**
 * A constraint's raw value is centre + CONSTRAINT_RAW_SCALE * halfWidth * u. Small because of
 * `stop outside bounds`: it checks every 50 steps, and the generator's output, once it has a
 * direction, grows fast (its layers grow together). At this scale the paper's Exp3 solutions
 * take about 250 steps to reach the edge of the box rather than 150, so the last check with
 * half of them inside finds the best near the edge: on seeds 0-12 it reached 99.7-100 % of
 * the box's true maximum, against 90.6-99.6 % at 0.1 and 64 % at 1.
 */
export const CONSTRAINT_RAW_SCALE = 0.03;
/** The adjoint's box starts keep off the box's very edges, where the sigmoid's slope vanishes. */
const EDGE = 0.02;

/** The relations' polytope over the free numeric features they name. */
export interface RelationSet {
    space: RelationSpace;
    /** The polytope's variables as free columns, in the space's variable order. */
    columns: FreeColumn[];
}

export class FeatureTransforms {
    readonly free: FreeColumn[];
    /** The oracle's input width (model columns). */
    readonly inputs: number;
    /** Raw values per solution (the generator's outputs). */
    readonly rawWidth: number;
    /** The relations' polytope; null without `require`. */
    readonly relations: RelationSet | null;
    /** Fixed values at their model columns, 0 elsewhere (a fixed label as its one-hot columns). */
    readonly fixedValues: Float64Array;
    /** The same on the backend: [1, inputs]. */
    private readonly fixedRow: Tensor2D;
    /** Places free column j at input column free[j].column: [free, inputs]. */
    private readonly placement: Tensor2D;
    /**
     * Every part is a plain box (lo + width * sigmoid(u), one raw value per column): what a
     * fused kernel may compute on its own. Typed parts (labels, a relations' polytope) are
     * not, even when their columns' features have a box.
     */
    readonly allBox: boolean;
    private readonly lo: Tensor2D;
    private readonly width: Tensor2D;

    constructor(
        readonly features: FeatureSpec[],
        readonly parts: TransformPart[],
        relations: RelationSet | null,
    ) {
        this.free = parts.flatMap((p) => p.columns);
        this.relations = relations;
        this.rawWidth = parts.reduce((s, p) => s + p.raw, 0);
        const starts = modelColumnStarts(features);
        this.inputs = features.reduce((s, f) => s + featureWidth(f.type), 0);
        const fixed = new Float64Array(this.inputs);
        features.forEach((f, i) => {
            if (f.role !== 'fixed') return;
            fixed[starts[i] + (isCategorical(f.type) ? f.value : 0)] = isCategorical(f.type) ? 1 : f.value;
        });
        this.fixedValues = fixed;
        this.fixedRow = tf.tensor2d(Float32Array.from(fixed), [1, this.inputs]);
        const free = this.free;
        const place = new Float32Array(free.length * this.inputs);
        free.forEach((f, j) => (place[j * this.inputs + f.column] = 1));
        this.placement = tf.tensor2d(place, [free.length, this.inputs]);
        this.allBox = parts.every((p) => p instanceof ScalarPart && p.kind === 'box');
        this.lo = tf.tensor2d(free.map((f) => f.origin), [1, free.length]);
        this.width = tf.tensor2d(free.map((f) => f.width), [1, free.length]);
    }

    static async create(features: FeatureSpec[], relations: RelationSpec[] = []): Promise<FeatureTransforms> {
        const starts = modelColumnStarts(features);
        const related = relatedFeatures(features, relations);
        const parts: TransformPart[] = [];
        const relationColumns: FreeColumn[] = [];
        for (let i = 0; i < features.length; i++) {
            const f = features[i];
            if (f.role !== 'free') continue;
            if (isCategorical(f.type)) {
                const labels = f.type.labels;
                const columns = labels.map((_, label): FreeColumn => ({ column: starts[i] + label, feature: f, origin: 0, width: 1, box: { lo: 0, hi: 1 }, constraint: null, label }));
                const allowed = labels.map((l, index) => (f.allowed === undefined || f.allowed.includes(l) ? index : -1)).filter((index) => index >= 0);
                parts.push(new CategoricalPart(columns, allowed));
                continue;
            }
            const column = await scalarColumn(f, starts[i]);
            if (related.has(f.name)) {
                // The polytope takes the place of the first related feature.
                if (relationColumns.length === 0) parts.push(RELATION_SLOT);
                relationColumns.push(column);
                continue;
            }
            parts.push(new ScalarPart(column));
        }
        let relationSet: RelationSet | null = null;
        if (relationColumns.length > 0) {
            const rows = relationRows(features, relations, relationColumns);
            const variables = relationColumns.map((c) => ({ name: c.feature.name, box: c.box, integer: isInteger(c.feature.type) }));
            const built = await RelationSpace.build(variables, rows);
            if (!built.ok) {
                for (const p of parts) if (p !== RELATION_SLOT) p.dispose();
                throw new EngineError(`the \`require\` relations cannot be met: ${built.reason}`);
            }
            relationSet = { space: built.space, columns: relationColumns };
            parts[parts.indexOf(RELATION_SLOT)] = new PolytopePart(relationColumns, [built.space]);
        }
        return new FeatureTransforms(features, parts, relationSet);
    }

    /** Whether anything needs the finish: an integer, a label, or a relation to hold exactly. */
    get typed(): boolean {
        return this.relations !== null || this.free.some((f) => f.label !== undefined || isInteger(f.feature.type));
    }

    /** Raw outputs u [n, rawWidth] -> free columns in user units [n, free]. */
    apply(u: Tensor2D): Tensor2D {
        return tf.tidy(() => {
            if (this.allBox) return tf.add(this.lo, tf.mul(this.width, tf.sigmoid(u))) as Tensor2D;
            const n = u.shape[0];
            let at = 0;
            const outputs = this.parts.map((p) => {
                const slice = p.raw > 0 ? (tf.slice(u, [0, at], [n, p.raw]) as Tensor2D) : (tf.zeros([n, 0]) as Tensor2D);
                at += p.raw;
                return p.apply(slice);
            });
            return (outputs.length === 1 ? outputs[0] : tf.concat(outputs, 1)) as Tensor2D;
        });
    }

    /** The annealing of the relaxations (categorical temperature), 0 at the start of the search and 1 at its end. */
    setProgress(progress: number): void {
        for (const p of this.parts) p.setProgress?.(progress);
    }

    /**
     * Row `row`'s free columns in float64 from its raw values (`raw`: that row's) and the
     * float32 columns apply gave (`approx`): exact for boxes and relations.
     */
    exactRow(raw: ArrayLike<number>, row: number, approx: ArrayLike<number>): Float64Array {
        const out = new Float64Array(this.free.length);
        let at = 0;
        let col = 0;
        for (const p of this.parts) {
            const values = p.exact(sub(raw, at, p.raw), row, sub(approx, col, p.columns.length));
            out.set(values, col);
            at += p.raw;
            col += p.columns.length;
        }
        return out;
    }

    /** Raw values for row `row` that give its free columns `x` (a refinement starting from given values). */
    rawRow(x: ArrayLike<number>, row: number): number[] {
        const out: number[] = [];
        let col = 0;
        for (const p of this.parts) {
            out.push(...p.rawFor(sub(x, col, p.columns.length), row));
            col += p.columns.length;
        }
        return out;
    }

    /** Raw values [n, rawWidth] with every part's `retract` applied (parts without one unchanged). */
    async retract(u: Tensor2D): Promise<Tensor2D> {
        const n = u.shape[0];
        let at = 0;
        const pieces: Tensor2D[] = [];
        try {
            for (const p of this.parts.filter((q) => q.raw > 0)) {
                const slice = tf.slice(u, [0, at], [n, p.raw]) as Tensor2D;
                at += p.raw;
                if (!p.retract) pieces.push(slice);
                else {
                    pieces.push(await p.retract(slice));
                    slice.dispose();
                }
            }
            return pieces.length === 1 ? pieces.pop()! : (tf.concat(pieces, 1) as Tensor2D);
        } finally {
            tf.dispose(pieces);
        }
    }

    /**
     * Every part is a real or integer feature of its own (box, constraint or none): one raw
     * value per free column, as the fused kernel computes them. Labels and relations are not.
     */
    get scalarOnly(): boolean {
        return this.parts.every((p) => p instanceof ScalarPart);
    }

    /** Whether any part retracts its raw values (the caller then calls `retract` after each step). */
    get retracts(): boolean {
        return this.parts.some((p) => p instanceof PolytopePart && p.mode === 'retract' && p.raw > 0);
    }

    /** A seeded start of one solution for `method adjoint`. */
    randomRaw(random: Random): number[] {
        return this.parts.flatMap((p) => p.randomRaw(random));
    }

    /** Free features [n, free] -> box-normalised coordinates [n, free]. */
    normalise(x: Tensor2D): Tensor2D {
        return tf.tidy(() => tf.div(tf.sub(x, this.lo), this.width) as Tensor2D);
    }

    /** Free features [n, free] -> every oracle input [n, inputs], fixed values at their columns. */
    splice(x: Tensor2D): Tensor2D {
        return tf.tidy(() => tf.add(tf.matMul(x, this.placement), this.fixedRow) as Tensor2D);
    }

    /** Disposes this object's tensors and its parts (unless `keep` holds them for another). */
    dispose(keep: ReadonlySet<TransformPart> = new Set()): void {
        tf.dispose([this.fixedRow, this.placement, this.lo, this.width]);
        for (const p of this.parts) if (!keep.has(p)) p.dispose();
    }
}

/** A real or integer feature that is its own column: box, constraint or none. */
export class ScalarPart implements TransformPart {
    readonly raw = 1;
    readonly columns: FreeColumn[];
    readonly kind: 'box' | 'constraint' | 'none';

    constructor(private readonly f: FreeColumn) {
        this.columns = [f];
        this.kind = f.feature.transform.kind;
    }

    apply(u: Tensor2D): Tensor2D {
        const f = this.f;
        return tf.tidy(() => {
            // For `box` and `none` the pre-image is origin + width * (something): the same two numbers.
            if (this.kind === 'box') return tf.add(f.origin, tf.mul(f.width, tf.sigmoid(u))) as Tensor2D;
            const scale = (f.width / 2) * (f.constraint ? CONSTRAINT_RAW_SCALE : 1);
            const linear = tf.add(f.origin + f.width / 2, tf.mul(scale, u)) as Tensor2D;
            return f.constraint ? (f.constraint.apply(linear) as Tensor2D) : linear;
        });
    }

    exact(u: ArrayLike<number>, _row: number, approx: ArrayLike<number>): number[] {
        const f = this.f;
        if (this.kind === 'box') {
            const v = f.origin + f.width / (1 + Math.exp(-u[0]));
            // Float64 rounding may step a hair past an end.
            return [Math.min(f.box!.hi, Math.max(f.box!.lo, v))];
        }
        if (this.kind === 'none') return [f.origin + f.width / 2 + (f.width / 2) * u[0]];
        return [approx[0]];
    }

    rawFor(x: ArrayLike<number>): number[] {
        const f = this.f;
        if (this.kind === 'box') {
            const p = Math.min(1 - 1e-6, Math.max(1e-6, (x[0] - f.origin) / f.width));
            return [Math.log(p / (1 - p))];
        }
        // A constraint is not inverted: its raw value is found from the linear part as if none applied.
        const scale = (f.width / 2) * (f.constraint ? CONSTRAINT_RAW_SCALE : 1);
        return [(x[0] - (f.origin + f.width / 2)) / scale];
    }

    randomRaw(random: Random): number[] {
        if (this.kind === 'box') {
            const p = random.uniform(EDGE, 1 - EDGE);
            return [Math.log(p / (1 - p))];
        }
        return [random.uniform(-1, 1)];
    }

    dispose(): void {
        // Nothing of its own on the backend (a constraint's tensors are compiled per call).
    }
}

/** Stands where the relations' polytope goes until it is built. */
const RELATION_SLOT: TransformPart = {
    raw: 0,
    columns: [],
    apply: () => {
        throw new Error('unreachable');
    },
    exact: () => [],
    rawFor: () => [],
    randomRaw: () => [],
    dispose: () => undefined,
};

async function scalarColumn(f: FreeFeature, column: number): Promise<FreeColumn> {
    const t = f.transform;
    let box: Interval | null = null;
    let origin: number;
    let width: number;
    let constraint: CompiledConstraint | null = null;
    if (t.kind === 'none') {
        // Centre +- scale: the domain when known (origin at its low end, as for a box).
        const d = f.domain;
        origin = d ? d.lo : -1;
        width = d ? d.hi - d.lo : 2;
    } else {
        box = t.box;
        origin = t.box.lo;
        width = t.box.hi - t.box.lo;
        if (t.kind === 'constraint') constraint = await compileConstraint(t.constraint);
    }
    return { column, feature: f, origin, width, box, constraint };
}

/** The free numeric features some relation names (after the fixed ones are put in). */
function relatedFeatures(features: FeatureSpec[], relations: RelationSpec[]): Set<string> {
    const free = new Set(features.filter((f) => f.role === 'free' && !isCategorical(f.type)).map((f) => f.name));
    const related = new Set<string>();
    for (const r of relations) for (const t of r.terms) if (free.has(t.feature) && t.coefficient !== 0) related.add(t.feature);
    return related;
}

/**
 * The relations over the polytope's variables, fixed features' values moved to the right-hand
 * side. A relation left with no free feature must hold as it is (validation says so first).
 */
function relationRows(features: FeatureSpec[], relations: RelationSpec[], columns: FreeColumn[]): RelationRow[] {
    const index = new Map(columns.map((c, l) => [c.feature.name, l]));
    const fixed = new Map(features.filter((f) => f.role === 'fixed').map((f) => [f.name, f.value]));
    const rows: RelationRow[] = [];
    for (const r of relations) {
        const coefficients = new Array<number>(columns.length).fill(0);
        let rhs = r.constant;
        let size = Math.max(1, Math.abs(r.constant));
        for (const t of r.terms) {
            const l = index.get(t.feature);
            if (l !== undefined) coefficients[l] += t.coefficient;
            else {
                const v = fixed.get(t.feature);
                if (v === undefined) throw new EngineError(`relation \`${r.text}\` names ${t.feature}, which is neither a free numeric feature nor fixed`);
                rhs -= t.coefficient * v;
                size += Math.abs(t.coefficient * v);
            }
        }
        if (coefficients.every((c) => c === 0)) {
            const miss = r.op === '<=' ? -rhs : r.op === '>=' ? rhs : Math.abs(rhs);
            if (miss > 1e-9 * size) throw new EngineError(`relation \`${r.text}\` is false for the fixed values`);
            continue;
        }
        rows.push({ coefficients, op: r.op, rhs, text: r.text });
    }
    return rows;
}

function sub(a: ArrayLike<number>, start: number, length: number): number[] {
    return Array.from({ length }, (_, i) => a[start + i]);
}
