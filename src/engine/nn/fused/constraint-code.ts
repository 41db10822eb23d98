/**
 * A constraint function (LANGUAGE.md) as the fused kernel's byte code: postfix words that
 * assembly/dense-kernel.ts evaluates per element together with the slope (forward-mode
 * derivative). Only the piece that applies is evaluated, so a piece that does not apply
 * never poisons the gradient (the TF.js path needs "safe points" for that: constraint.ts).
 */
import type { Comparison, ConstraintSpec, ExprNode } from '../../contract/spec.js';

const OP = {
    x: 1,
    const: 2,
    neg: 3,
    '+': 4,
    '-': 5,
    '*': 6,
    '/': 7,
    '^': 8,
    exp: 9,
    log: 10,
    sqrt: 11,
    abs: 12,
    tanh: 13,
    sigmoid: 14,
    min: 15,
    max: 16,
} as const;

const COMPARISON: Record<Comparison['op'], number> = { '<': 0, '<=': 1, '>': 2, '>=': 3 };

/** The stack the kernel keeps per evaluation; deeper expressions are refused (the TF.js path takes them). */
export const MAX_STACK = 256;

const f32Bits = new Int32Array(1);
const f32View = new Float32Array(f32Bits.buffer);

function expression(node: ExprNode, out: number[]): number {
    // Returns the stack depth the expression needs.
    switch (node.kind) {
        case 'num':
            f32View[0] = node.value;
            out.push(OP.const, f32Bits[0]);
            return 1;
        case 'x':
            out.push(OP.x);
            return 1;
        case 'neg': {
            const d = expression(node.arg, out);
            out.push(OP.neg);
            return d;
        }
        case 'bin': {
            const l = expression(node.left, out);
            const r = expression(node.right, out);
            out.push(OP[node.op]);
            return Math.max(l, r + 1);
        }
        case 'call': {
            const depths = node.args.map((a, i) => expression(a, out) + i);
            out.push(OP[node.fn]);
            return Math.max(...depths);
        }
    }
}

/** The byte code of a constraint, or null when an expression needs a deeper stack than the kernel has. */
export function constraintCode(spec: ConstraintSpec): Int32Array | null {
    const words: number[] = [spec.pieces.length, spec.otherwise ? 1 : 0];
    let depth = 0;
    const block = (node: ExprNode) => {
        const code: number[] = [];
        depth = Math.max(depth, expression(node, code));
        words.push(code.length, ...code);
    };
    for (const piece of spec.pieces) {
        words.push(piece.when.length);
        for (const c of piece.when) {
            words.push(COMPARISON[c.op]);
            block(c.left);
            block(c.right);
        }
        block(piece.value);
    }
    if (spec.otherwise) block(spec.otherwise);
    return depth <= MAX_STACK ? Int32Array.from(words) : null;
}
