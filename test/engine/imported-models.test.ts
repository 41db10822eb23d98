/**
 * Fidelity of imported models: every fixture (PyTorch exports, scikit-learn and Keras graphs
 * laid out as skl2onnx and tf2onnx write them, Keras 3 archives) gives its framework's own predictions at 1,000
 * points, and gradients with respect to the inputs that equal the framework's finite
 * differences, on the cpu and wasm backends. The figures are printed (the lead's report).
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { tf } from '../../src/engine/backend/tf.js';
import { loadOracle } from '../../src/engine/oracle/oracle.js';
import { loadImportedModel } from '../../src/engine/oracle/imported-model.js';
import { fixtureFile, fixturePoints, readExpected } from './imported-models/fixture-points.js';
import { onnxBytes } from './imported-models/onnx-writer.js';
import { analyseGraph } from '../../src/engine/oracle/graph/op-analysis.js';
import { buildGraphFunction } from '../../src/engine/oracle/graph/graph-function.js';
import { readOnnxGraph } from '../../src/engine/oracle/onnx/onnx-import.js';
import { oracleSpec } from './model-fixtures.js';

/** name, file, and whether it runs as the engine's dense layers (a recognised MLP). */
const FIXTURES: Array<[string, string, boolean]> = [
    ['torch-relu', 'torch-relu.onnx', true],
    ['torch-relu-opset11', 'torch-relu-opset11.onnx', true],
    ['torch-tanh', 'torch-tanh.onnx', true],
    ['torch-silu', 'torch-silu.onnx', true],
    ['torch-gelu', 'torch-gelu.onnx', false],
    ['torch-softplus', 'torch-softplus.onnx', false],
    ['torch-leakyrelu', 'torch-leakyrelu.onnx', false],
    ['torch-elu', 'torch-elu.onnx', true],
    ['torch-batchnorm', 'torch-batchnorm.onnx', true],
    ['torch-classifier', 'torch-classifier.onnx', true],
    ['torch-logsoftmax', 'torch-logsoftmax.onnx', true],
    ['torch-scaled', 'torch-scaled.onnx', true],
    ['torch-two-outputs', 'torch-two-outputs.onnx', false],
    ['torch-shapes', 'torch-shapes.onnx', false],
    ['sklearn-regressor', 'sklearn-regressor.onnx', true],
    ['sklearn-classifier', 'sklearn-classifier.onnx', true],
    ['sklearn-classifier-nozipmap', 'sklearn-classifier-nozipmap.onnx', true],
    ['sklearn-binary', 'sklearn-binary.onnx', false],
    ['tf2onnx-keras', 'tf2onnx-keras.onnx', true],
    ['keras-sequential', 'keras-sequential.keras', false],
    ['keras-functional', 'keras-functional.keras', false],
];

const RELATIVE = 1e-5;
const GRADIENT_RELATIVE = 1e-4;

/** Per column, the root mean square of the reference: the scale a near-zero value is judged on. */
function columnScale(values: ArrayLike<number>, columns: number): number[] {
    const s = new Array<number>(columns).fill(0);
    for (let i = 0; i < values.length; i++) s[i % columns] += values[i] ** 2;
    return s.map((v) => Math.sqrt(v / (values.length / columns)));
}

/** max |a - e| / (|e| + scale of e's column): 1e-5 means agreement to 1e-5 of the value or of the column's size. */
function worstRelative(actual: ArrayLike<number>, expected: ArrayLike<number>, columns: number): number {
    const scale = columnScale(expected, columns);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) {
        const miss = Math.abs(actual[i] - expected[i]);
        // A column that is 0 everywhere (an input the model ignores) must be 0 exactly.
        const scaleHere = Math.abs(expected[i]) + scale[i % columns];
        worst = Math.max(worst, scaleHere === 0 ? (miss === 0 ? 0 : Infinity) : miss / scaleHere);
    }
    return worst;
}

const report: string[] = [];
afterAll(() => console.log(['fixture (backend): max relative error of the outputs at 1,000 points | of the gradients at 20', ...report].join('\n')));

for (const backend of ['cpu', 'wasm'] as const) {
    describe(`imported models on ${backend}`, () => {
        beforeAll(async () => {
            await initBackend(backend);
        });

        test.each(FIXTURES)('%s equals its framework to 1e-5, gradients to finite differences', async (name, file, mlp) => {
            const expected = readExpected(name);
            const before = tf.memory().numTensors;
            const { graph, fn } = await loadImportedModel(fixtureFile(file));
            expect(fn.chain !== null).toBe(mlp);
            expect([graph.inputWidth, graph.outputWidth]).toEqual([expected.inputs, expected.outputs]);
            const n = expected.inputs;
            const k = expected.outputs;
            const points = fixturePoints(n, expected.domain[0], expected.domain[1], expected.points);
            const y = tf.tidy(() => fn.apply(tf.tensor2d(points, [expected.points, n])));
            const values = y.dataSync();
            y.dispose();
            const outputError = worstRelative(values, expected.predictions, k);

            // d y_j / d x at the first points, one output at a time.
            const g = expected.gradientPoints;
            const x = tf.tensor2d(points.subarray(0, g * n), [g, n]);
            const jacobian = new Float64Array(g * k * n);
            for (let j = 0; j < k; j++) {
                const grad = tf.tidy(() => tf.grad((xs) => tf.sum(tf.slice(fn.apply(xs as Tensor2D), [0, j], [-1, 1])))(x));
                const d = grad.dataSync();
                grad.dispose();
                for (let p = 0; p < g; p++) for (let i = 0; i < n; i++) jacobian[(p * k + j) * n + i] = d[p * n + i];
            }
            x.dispose();
            const gradientError = worstRelative(jacobian, expected.jacobian, k * n);
            fn.dispose();
            report.push(`${name} (${backend}): ${outputError.toExponential(1)} | ${gradientError.toExponential(1)}`);
            expect(outputError).toBeLessThan(RELATIVE);
            expect(gradientError).toBeLessThan(GRADIENT_RELATIVE);
            expect(tf.memory().numTensors).toBe(before);
        });
    });
}

describe('an imported model as an oracle', () => {
    beforeAll(async () => {
        await initBackend('wasm');
    });

    test('predicts in the user units the graph computes in, and gives probabilities for a LogSoftmax head', async () => {
        const scaled = readExpected('torch-scaled');
        const oracle = await loadOracle(oracleSpec(fixtureFile('torch-scaled.onnx'), ['x1', 'x2', 'x3', 'x4'], ['y']));
        expect(oracle.metadata).toBeNull();
        const points = fixturePoints(4, scaled.domain[0], scaled.domain[1], 10);
        const y = tf.tidy(() => oracle.predict(tf.tensor2d(points, [10, 4])));
        expect(worstRelative(y.dataSync(), scaled.predictions.subarray(0, 10), 1)).toBeLessThan(RELATIVE);
        y.dispose();
        // Used as it is: no standardisation of its own.
        expect([oracle.standardiseOutput(0, 1900), oracle.standardiseLength(0, 2)]).toEqual([1900, 2]);
        oracle.dispose();

        const log = await loadOracle(oracleSpec(fixtureFile('torch-logsoftmax.onnx'), ['a', 'b', 'c'], ['p', 'q', 'r']));
        const probabilities = tf.tidy(() => log.predict(tf.tensor2d(fixturePoints(3, -2, 2, 5), [5, 3])));
        const p = probabilities.dataSync();
        probabilities.dispose();
        for (let i = 0; i < 5; i++) expect(p[3 * i] + p[3 * i + 1] + p[3 * i + 2]).toBeCloseTo(1, 5);
        log.dispose();
    });

    test('a declaration with other widths than the model is an error naming both', async () => {
        await expect(loadOracle(oracleSpec(fixtureFile('keras-functional.keras'), ['a', 'b', 'c'], ['p', 'q', 'r']))).rejects.toThrow(/takes 4 inputs but oracle Oracle declares 3/);
        await expect(loadOracle(oracleSpec(fixtureFile('sklearn-classifier.onnx'), ['a', 'b', 'c', 'd'], ['p']))).rejects.toThrow(/gives 3 outputs but oracle Oracle declares 1/);
    });
});

describe('a model exported with a fixed batch size', () => {
    beforeAll(async () => {
        await initBackend('cpu');
    });

    test('runs with any number of rows, its reshapes to that size read as the rows', () => {
        // torch.onnx.export without dynamic_axes: input [1, 4], x.view(1, -1) folded to Reshape(x, [1, 4]).
        const bytes = onnxBytes({
            inputs: [{ name: 'x', dims: [1, 4] }],
            outputs: [{ name: 'y', dims: [1, 4] }],
            initializers: [{ name: 'shape', dims: [2], type: 'int64', values: [1, 4] }],
            nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['r'] }, { op: 'Tanh', inputs: ['r'], outputs: ['y'] }],
        });
        const fn = buildGraphFunction(analyseGraph(readOnnxGraph(bytes)));
        const x = tf.tensor2d(fixturePoints(4, -2, 2, 3), [3, 4]);
        const y = fn.apply(x);
        expect(y.shape).toEqual([3, 4]);
        const [a, b] = [y.dataSync(), x.dataSync()];
        for (let i = 0; i < 12; i++) expect(a[i]).toBeCloseTo(Math.tanh(b[i]), 6);
        tf.dispose([x, y]);
        fn.dispose();
    });

    test('computes a weight the graph derives from constants once, when it is built', () => {
        // w = a @ b (constants, no folding in JavaScript for Gemm); y = x @ w.
        const a = [1, 2, 0, 1, -1, 0.5, 2, 0];
        const b = [0.5, -1, 1, 0.25];
        const bytes = onnxBytes({
            inputs: [{ name: 'x', dims: ['rows', 4] }],
            outputs: [{ name: 'y', dims: ['rows', 2] }],
            initializers: [{ name: 'a', dims: [4, 2], values: a }, { name: 'b', dims: [2, 2], values: b }],
            nodes: [{ op: 'Gemm', inputs: ['a', 'b'], outputs: ['w'] }, { op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
        });
        const graph = analyseGraph(readOnnxGraph(bytes));
        const fn = buildGraphFunction(graph);
        const x = tf.tensor2d([1, 2, 3, 4, -1, 0, 0.5, 2], [2, 4]);
        const y = fn.apply(x);
        const expected = [[1, 2, 3, 4], [-1, 0, 0.5, 2]].map((row) => [0, 1].map((c) => row.reduce((sum, v, i) => sum + v * (a[2 * i] * b[c] + a[2 * i + 1] * b[2 + c]), 0)));
        expect(Array.from(y.dataSync())).toEqual(expected.flat().map((v) => expect.closeTo(v, 5)));
        tf.dispose([x, y]);
        fn.dispose();
    });
});
