import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { compileConstraint } from '../../src/engine/inversion/constraint.js';
import type { Comparison, ConstraintSpec, ExprNode } from '../../src/engine/contract/spec.js';
import { tf } from '../../src/engine/backend/tf.js';
import { PAPER_CONSTRAINT } from './model-fixtures.js';

const x: ExprNode = { kind: 'x' };
const num = (value: number): ExprNode => ({ kind: 'num', value });
const bin = (op: '+' | '-' | '*' | '/' | '^', left: ExprNode, right: ExprNode): ExprNode => ({ kind: 'bin', op, left, right });
const cmp = (op: Comparison['op'], value: number): Comparison => ({ op, left: x, right: num(value) });

async function apply(spec: ConstraintSpec, values: number[]): Promise<number[]> {
    const c = await compileConstraint(spec);
    const out = tf.tidy(() => c.apply(tf.tensor1d(values)));
    const data = Array.from(await out.data());
    out.dispose();
    return data;
}

async function slope(spec: ConstraintSpec, values: number[]): Promise<number[]> {
    const c = await compileConstraint(spec);
    const g = tf.tidy(() => tf.grad((t) => c.apply(t))(tf.tensor1d(values)));
    const data = Array.from(await g.data());
    g.dispose();
    return data;
}

beforeAll(async () => {
    await initBackend('wasm');
});

describe('constraint functions', () => {
    it('applies the paper\'s pieces, and passes other values through', async () => {
        // x >= 10: x / 10; x <= 1: x * 50; else unchanged. The paper's start of 50 maps to 5.
        expect(await apply(PAPER_CONSTRAINT, [50, 10, 5, 1, 0.5, -2])).toEqual([5, 1, 5, 50, 25, -100].map((v) => expect.closeTo(v, 5)));
    });

    it('takes the first piece that holds, in order', async () => {
        const spec: ConstraintSpec = {
            name: 'order',
            pieces: [
                { when: [cmp('>', 0)], value: num(1) },
                { when: [cmp('>', 5)], value: num(2) }, // never applies: the first piece covers it
            ],
            otherwise: num(3),
        };
        expect(await apply(spec, [10, 1, 0, -1])).toEqual([1, 1, 3, 3]);
    });

    it('joins comparisons with and, and supports every comparison', async () => {
        const spec: ConstraintSpec = {
            name: 'band',
            pieces: [
                { when: [cmp('>=', 1), cmp('<', 2)], value: num(10) },
                { when: [cmp('<=', -1)], value: num(20) },
            ],
            otherwise: num(0),
        };
        expect(await apply(spec, [1, 1.5, 2, -1, -0.5])).toEqual([10, 10, 0, 20, 0]);
    });

    it('computes arithmetic, powers and functions with tensor operations', async () => {
        const spec: ConstraintSpec = {
            name: 'mix',
            pieces: [],
            // -x^2 is -(x^2); max(sqrt(|x|), exp(0)) ; min with 3
            otherwise: bin(
                '+',
                { kind: 'neg', arg: bin('^', x, num(2)) },
                { kind: 'call', fn: 'min', args: [{ kind: 'call', fn: 'max', args: [{ kind: 'call', fn: 'sqrt', args: [{ kind: 'call', fn: 'abs', args: [x] }] }, { kind: 'call', fn: 'exp', args: [num(0)] }] }, num(3)] },
            ),
        };
        expect(await apply(spec, [4, -9, 0.25, 100])).toEqual([-16 + 2, -81 + 3, -0.0625 + 1, -10000 + 3].map((v) => expect.closeTo(v, 4)));
    });

    it('keeps the gradient of the piece that applies clean of NaN from pieces that do not', async () => {
        // sqrt(x) has an infinite slope at 0 and log(x) is NaN below 0: computed and thrown
        // away where they do not apply, they would turn the gradient into NaN without guards.
        const spec: ConstraintSpec = {
            name: 'guarded',
            pieces: [{ when: [cmp('>', 0)], value: { kind: 'call', fn: 'log', args: [x] } }],
            otherwise: bin('*', x, num(2)),
        };
        const s = await slope(spec, [-3, 0, 2, 4]);
        expect(s).toEqual([2, 2, 0.5, 0.25].map((v) => expect.closeTo(v, 5)));
        const root: ConstraintSpec = { name: 'root', pieces: [{ when: [cmp('>=', 1)], value: { kind: 'call', fn: 'sqrt', args: [bin('-', x, num(1))] } }], otherwise: num(0) };
        expect(await slope(root, [0, 0.5, 5])).toEqual([0, 0, 0.25].map((v) => expect.closeTo(v, 5)));
    });

    it('leaves a negative base with a fractional power NaN: the user\'s mathematics', async () => {
        const spec: ConstraintSpec = { name: 'pow', pieces: [], otherwise: bin('^', x, num(0.5)) };
        const [a, b] = await apply(spec, [-4, 4]);
        expect(a).toBeNaN();
        expect(b).toBeCloseTo(2);
    });

    it('gives a constant branch the shape of its input', async () => {
        const spec: ConstraintSpec = { name: 'five', pieces: [], otherwise: num(5) };
        expect(await apply(spec, [1, 2, 3])).toEqual([5, 5, 5]);
    });

    it('leaves no tensors behind', async () => {
        const c = await compileConstraint(PAPER_CONSTRAINT);
        const before = tf.memory().numTensors;
        for (let i = 0; i < 3; i++) {
            tf.tidy(() => {
                tf.grad((t) => c.apply(t))(tf.tensor1d([50, 5, 0.5]));
            });
        }
        expect(tf.memory().numTensors).toBe(before);
    });
});
