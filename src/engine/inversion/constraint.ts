/**
 * Constraint functions (the paper's "Constraint Functions", LANGUAGE.md): a ConstraintSpec
 * compiled to element-wise tensor operations, never evaluated as JavaScript.
 *
 * Pieces are tried in order; the first whose comparisons all hold applies; `else` (or the
 * value itself) where none does. The selection is a chain of tf.where over masks built in
 * order. tf.where alone would let a piece that does not apply poison the gradient of the
 * one that does: its gradient is 0 there, but 0 x Inf (say sqrt at 0 or log of a negative
 * number, computed and thrown away) is NaN. So every piece is evaluated on its own copy of
 * the input in which the places where it does not apply hold a *safe* value: a point where
 * the piece does apply and its value and slope are finite, found once at compile time by
 * evaluating the compiled piece itself on candidate points.
 */
import type { Tensor } from '@tensorflow/tfjs';

import type { Comparison, ConstraintSpec, ExprNode } from '../contract/spec.js';
import { tf } from '../backend/tf.js';

type Elementwise = (x: Tensor) => Tensor;

export interface CompiledConstraint {
    name: string;
    /** The constraint applied element-wise to x (any shape). */
    apply(x: Tensor): Tensor;
}

interface Branch {
    /** Where this branch applies (before taking earlier pieces into account); null: everywhere. */
    when: Elementwise | null;
    value: Elementwise;
    /** A point where the branch applies and is finite with a finite slope; null when none was found. */
    safe: number | null;
}

export async function compileConstraint(spec: ConstraintSpec): Promise<CompiledConstraint> {
    const pieces: Branch[] = spec.pieces.map((p) => ({ when: compileConditions(p.when), value: compileExpr(p.value), safe: null }));
    const otherwise: Branch = { when: null, value: spec.otherwise ? compileExpr(spec.otherwise) : (x) => x, safe: null };
    const branches = [...pieces, otherwise];
    await findSafePoints(branches, spec);
    return {
        name: spec.name,
        apply: (x) => tf.tidy(() => applyBranches(branches, x)),
    };
}

function applyBranches(branches: Branch[], x: Tensor): Tensor {
    const taken = takenMasks(branches, x);
    // Built from the last branch (else / pass-through) back to the first.
    let result: Tensor | null = null;
    for (let k = branches.length - 1; k >= 0; k--) {
        const b = branches[k];
        const input = b.safe === null ? x : tf.where(taken[k], x, tf.fill(x.shape, b.safe));
        const value = b.value(input);
        result = result === null ? value : tf.where(taken[k], value, result);
    }
    // A branch that ignores x (`else 5`) gives a scalar: the result always has x's shape.
    return result!.shape.length === x.shape.length ? result! : tf.broadcastTo(result!, x.shape);
}

/**
 * Per branch, where it applies and no earlier piece does. The masks are built as 0/1 floats
 * (and = product, not = 1 - m) and turned into booleans with greaterEqual: they depend on x,
 * so they lie on the gradient tape, and TF.js has (zero) gradients for these operations but
 * none for logicalAnd, logicalNot, less or greater.
 */
function takenMasks(branches: Branch[], x: Tensor): Tensor[] {
    const taken: Tensor[] = [];
    let free: Tensor | null = null; // 1 where no earlier piece applies
    for (const b of branches) {
        const holds = b.when ? b.when(x) : tf.onesLike(x);
        taken.push(tf.greaterEqual(free ? tf.mul(free, holds) : holds, 0.5));
        const notHolds = tf.sub(1, holds);
        free = free ? tf.mul(free, notHolds) : notHolds;
    }
    return taken;
}

// ------------------------------------------------------------------------------- expressions

/** An expression over x as tensor operations. */
export function compileExpr(node: ExprNode): Elementwise {
    switch (node.kind) {
        case 'num': {
            const v = node.value;
            return () => tf.scalar(v);
        }
        case 'x':
            return (x) => x;
        case 'neg': {
            const a = compileExpr(node.arg);
            return (x) => tf.neg(a(x));
        }
        case 'bin': {
            const l = compileExpr(node.left);
            const r = compileExpr(node.right);
            const op = BINARY[node.op];
            return (x) => op(l(x), r(x));
        }
        case 'call': {
            const args = node.args.map(compileExpr);
            const fn = node.fn;
            if (fn === 'min' || fn === 'max') {
                const [a, b] = args;
                return fn === 'min' ? (x) => tf.minimum(a(x), b(x)) : (x) => tf.maximum(a(x), b(x));
            }
            const a = args[0];
            const f = UNARY[fn];
            return (x) => f(a(x));
        }
    }
}

const BINARY: Record<'+' | '-' | '*' | '/' | '^', (a: Tensor, b: Tensor) => Tensor> = {
    '+': (a, b) => tf.add(a, b),
    '-': (a, b) => tf.sub(a, b),
    '*': (a, b) => tf.mul(a, b),
    '/': (a, b) => tf.div(a, b),
    // A negative base with a fractional exponent is NaN: the user's mathematics, reported as divergence.
    '^': (a, b) => tf.pow(a, b),
};

const UNARY: Record<'exp' | 'log' | 'sqrt' | 'abs' | 'tanh' | 'sigmoid', (a: Tensor) => Tensor> = {
    exp: (a) => tf.exp(a),
    log: (a) => tf.log(a),
    sqrt: (a) => tf.sqrt(a),
    abs: (a) => tf.abs(a),
    tanh: (a) => tf.tanh(a),
    sigmoid: (a) => tf.sigmoid(a),
};

/** The conditions of a piece as a 0/1 float mask (see takenMasks for why floats). */
function compileConditions(when: Comparison[]): Elementwise {
    const tests = when.map((c) => {
        const l = compileExpr(c.left);
        const r = compileExpr(c.right);
        const holds = HOLDS[c.op];
        return (x: Tensor) => holds(tf.sub(l(x), r(x)));
    });
    return (x) => tests.map((t) => t(x)).reduce((a, b) => tf.mul(a, b));
}

/** Whether `left op right` holds, from d = left - right, as 0/1 (step(d) is 1 where d > 0). */
const HOLDS: Record<Comparison['op'], (d: Tensor) => Tensor> = {
    '>': (d) => tf.step(d),
    '>=': (d) => tf.sub(1, tf.step(tf.neg(d))),
    '<': (d) => tf.step(tf.neg(d)),
    '<=': (d) => tf.sub(1, tf.step(d)),
};

// ------------------------------------------------------------------------------- safe points

/**
 * For each branch, the first candidate point where it (and no earlier piece) applies and
 * where its value and slope are finite. Candidates: the numbers the constraint mentions,
 * points beside them, and a few round numbers.
 */
async function findSafePoints(branches: Branch[], spec: ConstraintSpec): Promise<void> {
    const constants = new Set<number>([0, 1, -1, 0.5, 2, 10, -10, 100, -100, 1000]);
    const visit = (n: ExprNode): void => {
        if (n.kind === 'num') constants.add(n.value);
        else if (n.kind === 'neg') visit(n.arg);
        else if (n.kind === 'bin') (visit(n.left), visit(n.right));
        else if (n.kind === 'call') n.args.forEach(visit);
    };
    for (const p of spec.pieces) for (const c of p.when) (visit(c.left), visit(c.right));
    const candidates: number[] = [];
    for (const c of constants) candidates.push(c, -c, c + 1, c - 1, c + 0.5, c - 0.5, c * 2, c / 2, c + 1e-3, c - 1e-3);
    const points = [...new Set(candidates.filter(Number.isFinite))];

    const [takenRows, valueRows, slopeRows] = tf.tidy(() => {
        const x = tf.tensor1d(points);
        const taken = takenMasks(branches, x);
        const values = branches.map((b) => tf.broadcastTo(b.value(x), x.shape));
        // `+ 0 * t` keeps t in the graph of a branch that ignores x (its slope is then 0).
        const slopes = branches.map((b) => tf.grad((t: Tensor) => tf.add(b.value(t), tf.mul(t, 0)))(x));
        return [tf.stack(taken).cast('int32'), tf.stack(values), tf.stack(slopes)];
    });
    const [taken, values, slopes] = await Promise.all([takenRows.data(), valueRows.data(), slopeRows.data()]);
    tf.dispose([takenRows, valueRows, slopeRows]);
    branches.forEach((b, k) => {
        const i = points.findIndex((_, j) => {
            const at = k * points.length + j;
            return taken[at] === 1 && Number.isFinite(values[at]) && Number.isFinite(slopes[at]);
        });
        b.safe = i >= 0 ? points[i] : null;
    });
}
