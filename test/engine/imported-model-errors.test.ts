/**
 * What inv says about a model from elsewhere it cannot use: an operator or a layer it does
 * not import (named, with the node or layer), a model whose shapes do not fit [rows, n] ->
 * [rows, k], and a truncated or corrupt file — in the summary the editor shows (no
 * TensorFlow.js) and, the same, when a run loads it: an EngineError, never a stack trace.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { EngineError } from '../../src/engine/contract/errors.js';
import { readModelSummary } from '../../src/engine/contract/model-summary.js';
import { loadOracle } from '../../src/engine/oracle/oracle.js';
import { fixtureFile } from './imported-models/fixture-points.js';
import { onnxBytes, type ModelSpec, type NodeSpec } from './imported-models/onnx-writer.js';
import { oracleSpec } from './model-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'inv-imported-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(bytes: Uint8Array | string, ext = '.onnx'): string {
    const path = join(dir, `m${counter++}${ext}`);
    writeFileSync(path, bytes);
    return path;
}

const X = { name: 'x', dims: ['rows', 4] as Array<number | string> };
const W = { name: 'w', dims: [4, 2], values: [1, 0, 0, 1, 1, 1, 0.5, -0.5] };

function model(nodes: NodeSpec[], extra: Partial<ModelSpec> = {}): string {
    return write(onnxBytes({ inputs: [X], outputs: [{ name: 'y', dims: ['rows', 2] }], nodes, initializers: [W], ...extra }));
}

async function summaryOf(path: string) {
    return readModelSummary(path);
}

describe('unsupported ONNX models', () => {
    test('an operator inv does not import is named with its node', async () => {
        const path = model([
            { op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] },
            { op: 'Atan', inputs: ['h'], outputs: ['y'], name: '/head/Atan' },
        ]);
        expect(await summaryOf(path)).toEqual({ ok: false, kind: 'unsupported', reason: expect.stringMatching(/^operator Atan \(node "\/head\/Atan"\) is not supported/) });
    });

    test('every unsupported operator is named at once, an unused one is not', async () => {
        const path = write(onnxBytes({
            inputs: [X],
            outputs: [{ name: 'y', dims: ['rows', 2] }, { name: 'label', dims: ['rows'], elemType: 7 }],
            initializers: [W],
            nodes: [
                { op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] },
                { op: 'LSTM', inputs: ['h'], outputs: ['l'], name: 'lstm_1' },
                { op: 'Conv', inputs: ['l'], outputs: ['y'], name: 'conv_1' },
                // Only the integer label output needs it: left out with that output.
                { op: 'TopK', inputs: ['h'], outputs: ['label'], name: 'topk' },
            ],
        }));
        const summary = await summaryOf(path);
        expect(summary.ok).toBe(false);
        if (summary.ok) return;
        expect(summary.kind).toBe('unsupported');
        expect(summary.reason).toMatch(/^operators LSTM \(node "lstm_1"\), Conv \(node "conv_1"\) are not supported/);
        expect(summary.reason).not.toMatch(/TopK/);
    });

    test('an operator of another domain is named with its domain', async () => {
        const path = model([{ op: 'FusedGemm', domain: 'com.microsoft', inputs: ['x', 'w'], outputs: ['y'], name: 'fused' }],
            { extraOpsets: [{ domain: 'com.microsoft', version: 1 }] });
        expect(await summaryOf(path)).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/com\.microsoft\.FusedGemm \(node "fused"\)/) });
    });

    test.each([
        ['two inputs', { inputs: [X, { name: 'z', dims: ['rows', 4] }] }, /it has 2 inputs \("x", "z"\); inv needs one input \[rows, features\]/],
        ['an integer input', { inputs: [{ name: 'x', dims: ['rows', 4], elemType: 7 }] }, /its input "x" is a tensor of int64; inv needs a float input/],
        ['an input of rank 3', { inputs: [{ name: 'x', dims: ['rows', 2, 2] }] }, /its input "x" has shape \[rows, 2, 2\]; inv needs one input \[rows, features\]/],
        ['an input of unknown width', { inputs: [{ name: 'x', dims: ['rows', 'n'] }] }, /the width of its input "x" is not fixed/],
        ['opset 24', { opset: 24 }, /it uses opset 24; inv reads opsets 7 to 23/],
        ['opset 5', { opset: 5 }, /it uses opset 5; inv reads opsets 7 to 23/],
    ])('%s', async (_, extra, message) => {
        const path = model([{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }], extra as Partial<ModelSpec>);
        expect(await summaryOf(path)).toMatchObject({ ok: false, kind: 'unsupported', reason: expect.stringMatching(message) });
    });

    test.each([
        ['a softmax over the rows', [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] }, { op: 'Softmax', inputs: ['h'], outputs: ['y'], attributes: { axis: { i: 0 } }, name: 'sm' }],
            /Softmax \(node "sm"\) normalises over the rows/],
        ['a transpose that mixes rows and columns', [{ op: 'Transpose', inputs: ['x'], outputs: ['t'], name: 'tr' }, { op: 'MatMul', inputs: ['t', 'w'], outputs: ['y'] }],
            /Transpose \(node "tr"\) gives a tensor of shape \[4, rows\], which does not keep one row per input row/],
        ['a cast of computed values to integers', [{ op: 'Cast', inputs: ['x'], outputs: ['c'], attributes: { to: { i: 7 } }, name: 'toint' }, { op: 'MatMul', inputs: ['c', 'w'], outputs: ['y'] }],
            /Cast \(node "toint"\) casts computed values to a type that is not float/],
        ['a training-mode BatchNormalization', [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] }, { op: 'BatchNormalization', inputs: ['h', 'w1', 'w1', 'w1', 'w1'], outputs: ['y'], attributes: { training_mode: { i: 1 } }, name: 'bn' }],
            /BatchNormalization \(node "bn"\) runs in training mode/],
    ])('%s', async (_, nodes, message) => {
        const path = write(onnxBytes({
            inputs: [X], outputs: [{ name: 'y', dims: ['rows', 2] }], nodes: nodes as NodeSpec[],
            initializers: [W, { name: 'w1', dims: [2], values: [1, 1] }],
        }));
        expect(await summaryOf(path)).toMatchObject({ ok: false, kind: 'unsupported', reason: expect.stringMatching(message) });
    });

    test('a Reshape whose shape is computed while the model runs', async () => {
        const path = write(onnxBytes({
            inputs: [X], outputs: [{ name: 'y', dims: ['rows', 4] }], initializers: [],
            nodes: [{ op: 'Abs', inputs: ['x'], outputs: ['a'] }, { op: 'Reshape', inputs: ['x', 'a'], outputs: ['y'], name: 'reshape' }],
        }));
        expect(await summaryOf(path)).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/Reshape \(node "reshape"\) takes input 2 \("a"\) from values computed while it runs/) });
    });

    test('an output that does not depend on the input', async () => {
        const path = write(onnxBytes({
            inputs: [X], outputs: [{ name: 'y', dims: [4, 2] }], initializers: [W],
            nodes: [{ op: 'Identity', inputs: ['w'], outputs: ['y'] }],
        }));
        expect(await summaryOf(path)).toMatchObject({ kind: 'unsupported', reason: 'its output "y" is a constant: it does not depend on the input' });
    });
});

describe('unreadable ONNX files', () => {
    const good = readFileSync(fixtureFile('torch-relu.onnx'));

    test.each([
        ['truncated', () => good.subarray(0, Math.floor(good.length / 2))],
        ['cut inside its first field', () => good.subarray(0, 3)],
        ['random bytes', () => Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)],
        ['a JSON file named .onnx', () => new TextEncoder().encode('{"modelTopology": {}}')],
        ['empty', () => new Uint8Array(0)],
    ])('%s', async (_, bytes) => {
        const summary = await summaryOf(write(bytes()));
        expect(summary).toMatchObject({ ok: false, kind: 'unreadable' });
        if (!summary.ok) expect(summary.reason).toMatch(/^it is not (a valid ONNX file|an ONNX model)/);
    });

    test('a node that reads a tensor nothing computes', async () => {
        const path = model([{ op: 'MatMul', inputs: ['x', 'nowhere'], outputs: ['y'], name: 'mm' }]);
        expect(await summaryOf(path)).toMatchObject({ kind: 'unreadable', reason: 'node "mm" reads "nowhere", which nothing computes' });
    });
});

describe('Keras archives inv cannot use', () => {
    const config = (layers: unknown[]) => JSON.stringify({
        module: 'keras', class_name: 'Sequential',
        config: { name: 'sequential', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 3], name: 'input_layer' } }, ...layers] },
    });
    const archive = (files: Record<string, string | Uint8Array>) => write(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v]))), '.keras');

    test('a layer it does not read is named with its class', async () => {
        const path = archive({ 'config.json': config([{ class_name: 'Conv1D', config: { name: 'conv', filters: 4 } }, { class_name: 'LSTM', config: { name: 'memory' } }]), 'model.weights.h5': 'x' });
        expect(await summaryOf(path)).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/^layers "conv" \(Conv1D\), "memory" \(LSTM\) are not supported/) });
    });

    test('an activation it does not know', async () => {
        const path = archive({ 'config.json': config([{ class_name: 'Dense', config: { name: 'd', units: 2, activation: 'sparsemax' } }]), 'model.weights.h5': 'x' });
        expect(await summaryOf(path)).toMatchObject({ kind: 'unsupported', reason: 'layer "d" (Dense) with activation "sparsemax" is not supported' });
    });

    test('a subclassed model', async () => {
        const path = archive({ 'config.json': JSON.stringify({ class_name: 'MyModel', config: { name: 'x' } }), 'model.weights.h5': 'x' });
        expect(await summaryOf(path)).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/it is a MyModel model \(a subclassed model/) });
    });

    test('weights in NumPy format', async () => {
        const path = archive({ 'config.json': config([]), 'model.weights.npz': 'x' });
        expect(await summaryOf(path)).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/NumPy format/) });
    });

    test.each([
        ['truncated', () => readFileSync(fixtureFile('keras-sequential.keras')).subarray(0, 5000), /^it is not a valid \.keras archive/],
        ['not a zip', () => new TextEncoder().encode('{"class_name": "Sequential"}'), /^it is not a valid \.keras archive/],
        ['a zip without config.json', () => zipSync({ 'model.weights.h5': new Uint8Array(4) }), /^its archive has no config\.json/],
        ['a config that is not JSON', () => zipSync({ 'config.json': new TextEncoder().encode('{nope'), 'model.weights.h5': new Uint8Array(4) }), /^its config\.json is not valid JSON/],
    ])('%s', async (_, bytes, message) => {
        expect(await summaryOf(write(bytes(), '.keras'))).toMatchObject({ ok: false, kind: 'unreadable', reason: expect.stringMatching(message) });
    });
});

describe('a run that loads such a model', () => {
    beforeAll(async () => {
        await initBackend('cpu');
    });

    async function loadError(path: string, inputs = 4, outputs = 2): Promise<EngineError> {
        const spec = oracleSpec(path, Array.from({ length: inputs }, (_, i) => `x${i}`), Array.from({ length: outputs }, (_, i) => `y${i}`));
        const error = await loadOracle(spec).then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(EngineError);
        return error as EngineError;
    }

    test('says what is unsupported, naming the file', async () => {
        const path = model([{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] }, { op: 'Atan', inputs: ['h'], outputs: ['y'], name: 'a' }]);
        expect((await loadError(path)).message).toBe(`${path}: inv cannot use this model: operator Atan (node "a") is not supported; inv imports the operators of multilayer perceptrons (the README lists them)`);
    });

    test('says a truncated ONNX file or Keras archive cannot be read', async () => {
        const onnx = write(readFileSync(fixtureFile('torch-relu.onnx')).subarray(0, 700));
        expect((await loadError(onnx, 4, 1)).message).toMatch(new RegExp(`^${onnx}: the model cannot be read: it is not a valid ONNX file`));
        const keras = write(readFileSync(fixtureFile('keras-sequential.keras')).subarray(0, 20000), '.keras');
        expect((await loadError(keras, 5, 1)).message).toMatch(/the model cannot be read: it is not a valid \.keras archive/);
    });

    test('says a corrupt HDF5 weights file cannot be read', async () => {
        const original = readFileSync(fixtureFile('keras-sequential.keras'));
        const { unzipSync } = await import('fflate');
        const files = unzipSync(original);
        const h5 = files['model.weights.h5'];
        const path = write(zipSync({ ...files, 'model.weights.h5': h5.subarray(0, Math.floor(h5.length / 3)) }), '.keras');
        expect((await loadError(path, 5, 1)).message).toMatch(/the model cannot be read: (its model\.weights\.h5 is not a readable HDF5 file|its weights file)/);
        const garbage = write(zipSync({ ...files, 'model.weights.h5': new TextEncoder().encode('not hdf5 at all') }), '.keras');
        expect((await loadError(garbage, 5, 1)).message).toMatch(/its model\.weights\.h5 is not a readable HDF5 file \(not an hdf5 file\)/);
    });

    test('a Keras archive whose weights do not fit its config', async () => {
        const { unzipSync } = await import('fflate');
        const files = unzipSync(readFileSync(fixtureFile('keras-sequential.keras')));
        const cfg = JSON.parse(new TextDecoder().decode(files['config.json']));
        cfg.config.layers[2].config.units = 17; // hidden_1 has 16 units in its weights
        const path = write(zipSync({ ...files, 'config.json': new TextEncoder().encode(JSON.stringify(cfg)) }), '.keras');
        expect((await loadError(path, 5, 1)).message).toMatch(/variable 0 of layer "hidden_1" has shape \[5, 16\] where its config implies \[5, 17\]/);
    });
});
