/**
 * Each ONNX operator inv imports, against PyTorch (float64) at its ONNX definition: a small
 * model per operator case and opset (imported-models/make_operator_fixtures.py), its values
 * at 8 x 4 points and the gradient of sum(Y * R) with respect to the input, on the cpu and
 * wasm backends.
 */
import { readFileSync } from 'node:fs';
import type { Tensor2D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { tf } from '../../src/engine/backend/tf.js';
import { analyseGraph } from '../../src/engine/oracle/graph/op-analysis.js';
import { buildGraphFunction } from '../../src/engine/oracle/graph/graph-function.js';
import { readOnnxGraph } from '../../src/engine/oracle/onnx/onnx-import.js';
import { fixtureFile, fixturePoints } from './imported-models/fixture-points.js';

interface OperatorCase {
    name: string;
    opset: number;
    domain: [number, number];
    model: string;
    outputs: number;
    expected: string;
    gradient: string;
}

const fixture = JSON.parse(readFileSync(fixtureFile('operators.json'), 'utf8')) as { rows: number; columns: number; cases: OperatorCase[] };
const { rows, columns } = fixture;

function floats(base64: string): Float32Array {
    const b = Buffer.from(base64, 'base64');
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** max |a - e| / max(1, |e|): float32 against float64 values. */
function worst(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
    let w = 0;
    for (let i = 0; i < expected.length; i++) w = Math.max(w, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
    return w;
}

for (const backend of ['cpu', 'wasm'] as const) {
    describe(`ONNX operators on ${backend}`, () => {
        beforeAll(async () => {
            await initBackend(backend);
        });

        test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
            const graph = analyseGraph(readOnnxGraph(Buffer.from(c.model, 'base64')));
            const fn = buildGraphFunction(graph);
            const x = tf.tensor2d(fixturePoints(columns, c.domain[0], c.domain[1], rows), [rows, columns]);
            const expected = floats(c.expected);
            const y = fn.apply(x);
            expect(y.shape).toEqual([rows, c.outputs]);
            expect(worst(y.dataSync(), expected)).toBeLessThan(1e-5);
            y.dispose();
            // d/dx sum(Y * R), R the fixture's pattern (the first rows * outputs values of a Halton sequence on [-1, 1]).
            const r = tf.tensor2d(rPattern(rows * c.outputs), [rows, c.outputs]);
            const grad = tf.grad((xs) => tf.sum(tf.mul(fn.apply(xs as Tensor2D), r)))(x);
            expect(worst(grad.dataSync(), floats(c.gradient))).toBeLessThan(1e-4);
            tf.dispose([x, r, grad]);
            fn.dispose();
        });
    });
}

/** make_operator_fixtures.py's R: points(6, -1, 1, rows * 6) flattened, its first values. */
function rPattern(count: number): Float32Array {
    return fixturePoints(6, -1, 1, rows * 6).subarray(0, count);
}
