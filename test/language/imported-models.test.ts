/**
 * ONNX and Keras models in the editor: validation reads their widths and what they use
 * without TensorFlow.js, `model-unsupported` and `model-unreadable` stand on the `model`
 * line, the hover says what the model is, and a classifier's outputs are probabilities
 * (their default tolerance, their [0, 1] range).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URI, type LangiumDocument } from 'langium';
import { parseHelper } from 'langium/test';
import { afterAll, describe, expect, test } from 'vitest';

import type { InvFile } from '../../src/language/generated/ast.js';
import { toRunSpec } from '../../src/language/to-spec.js';
import type { InversionSpec } from '../../src/engine/contract/spec.js';
import { fixtureFile } from '../engine/imported-models/fixture-points.js';
import { onnxBytes } from '../engine/imported-models/onnx-writer.js';
import { Inv } from './inv-test-services.js';

const dir = mkdtempSync(join(tmpdir(), 'inv-imported-lang-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const f of ['torch-relu.onnx', 'torch-classifier.onnx', 'sklearn-classifier.onnx', 'keras-functional.keras', 'keras-sequential.keras']) copyFileSync(fixtureFile(f), join(dir, f));
writeFileSync(join(dir, 'truncated.onnx'), readFileSync(fixtureFile('torch-relu.onnx')).subarray(0, 900));
writeFileSync(join(dir, 'truncated.keras'), readFileSync(fixtureFile('keras-sequential.keras')).subarray(0, 900));
writeFileSync(join(dir, 'lstm.onnx'), onnxBytes({
    inputs: [{ name: 'x', dims: ['rows', 4] }],
    outputs: [{ name: 'y', dims: ['rows', 4] }],
    nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['h'] }, { op: 'LSTM', inputs: ['h'], outputs: ['y'], name: '/rnn/LSTM' }],
}));

const parse = parseHelper<InvFile>(Inv);
let counter = 0;
async function document(text: string): Promise<LangiumDocument<InvFile>> {
    return parse(text, { documentUri: URI.file(join(dir, `t${counter++}.inv`)).toString(), validation: true });
}

async function issues(text: string): Promise<string[]> {
    const d = await document(text);
    return (d.diagnostics ?? []).map((x) => `${x.code}@${x.range.start.line + 1}:${x.range.start.character + 1} ${x.message}`);
}

const FOUR = 'inputs a in [-2, 2], b in [-2, 2], c in [-2, 2], d in [-2, 2]';

describe('validation', () => {
    test('an ONNX and a Keras model that fit their declarations: no diagnostics', async () => {
        expect(await issues(`oracle T {\n  model "torch-relu.onnx"\n  ${FOUR}\n  outputs y\n}\noracle K {\n  model "keras-functional.keras"\n  ${FOUR}\n  outputs p, q, r\n}`)).toEqual([]);
    });

    test('widths that differ are input-count / output-count, read without building the model', async () => {
        expect(await issues(`oracle T {\n  model "torch-relu.onnx"\n  inputs a in [0, 1], b in [0, 1]\n  outputs y, z\n}`)).toEqual([
            'input-count@3:3 the model takes 4 inputs but 2 are declared',
            'output-count@4:3 the model has 1 output but 2 are declared',
        ]);
        expect(await issues(`oracle K {\n  model "keras-sequential.keras"\n  ${FOUR}\n  outputs y\n}`)).toEqual(['input-count@3:3 the model takes 5 inputs but 4 are declared']);
    });

    test('model-unsupported on the model line names the operator and its node', async () => {
        expect(await issues(`oracle T {\n  model "lstm.onnx"\n  ${FOUR}\n  outputs y\n}`)).toEqual([
            'model-unsupported@2:9 cannot use lstm.onnx: operator LSTM (node "/rnn/LSTM") is not supported; inv imports the operators of multilayer perceptrons (the README lists them)',
        ]);
    });

    test('a truncated ONNX file or Keras archive is model-unreadable', async () => {
        const onnx = await issues(`oracle T {\n  model "truncated.onnx"\n  ${FOUR}\n  outputs y\n}`);
        expect(onnx).toEqual([expect.stringMatching(/^model-unreadable@2:9 cannot use truncated\.onnx: it is not a valid ONNX file \(truncated or corrupt/)]);
        const keras = await issues(`oracle K {\n  model "truncated.keras"\n  ${FOUR}\n  outputs y\n}`);
        expect(keras).toEqual([expect.stringMatching(/^model-unreadable@2:9 cannot use truncated\.keras: it is not a valid \.keras archive/)]);
    });

    test('a missing ONNX model is model-missing even with data: inv does not train ONNX models', async () => {
        writeFileSync(join(dir, 'd.csv'), 'a,b,c,d,y\n1,2,3,4,5\n');
        expect(await issues(`oracle T {\n  model "gone.onnx"\n  data "d.csv"\n  ${FOUR}\n  outputs y\n}`)).toEqual([
            'model-missing@2:9 model file not found: gone.onnx (paths are relative to this file); inv reads ONNX and Keras models as they are and trains only TF.js models (a model.json path)',
        ]);
    });

    test("a classifier's outputs are probabilities: a target above 1 is an extrapolation", async () => {
        const found = await issues(`oracle C {\n  model "sklearn-classifier.onnx"\n  ${FOUR}\n  outputs setosa, versicolor, virginica\n}\ninversion I {\n  oracle C\n  target virginica >= 1.2\n}`);
        expect(found).toEqual([expect.stringMatching(/^extrapolation@8/)]);
    });
});

describe('hover and translation', () => {
    test('the hover says what the model is', async () => {
        const text = `oracle T {\n  model "torch-relu.onnx"\n  ${FOUR}\n  outputs y\n}\noracle C {\n  model "sklearn-classifier.onnx"\n  ${FOUR}\n  outputs s, v, g\n}`;
        const d = await document(text);
        const hover = async (offset: number) => {
            const h = await Inv.lsp.HoverProvider!.getHoverContent(d, { textDocument: { uri: d.uri.toString() }, position: d.textDocument.positionAt(offset) });
            return (h?.contents as { value: string }).value;
        };
        expect(await hover(text.indexOf('T {'))).toMatch(/model: `torch-relu\.onnx` \(ONNX \(pytorch 1\.13\.0, opset 17\): a multilayer perceptron 4 → 16 relu → 16 relu → 1; used as it is: no recorded domains or standardisation\)/);
        expect(await hover(text.indexOf('C {'))).toMatch(/ONNX \(skl2onnx 1\.21\.0, opset 15\): a multilayer perceptron 4 → 16 tanh → 3 softmax; outputs class probabilities; used as it is[^\n]*\(output "output_label" \(string, e\.g\. class labels\) is not used; output "output_probability" \(a ZipMap of class probabilities\) is read as the probability tensor "probabilities"\)/);
    });

    test("a classifier's targets get the probability tolerance", async () => {
        const d = await document(`oracle C {\n  model "torch-classifier.onnx"\n  ${FOUR}\n  outputs p, q, r\n}\ninversion I {\n  oracle C\n  target q >= 0.8\n}\noracle T {\n  model "torch-relu.onnx"\n  ${FOUR}\n  outputs y\n}\ninversion J {\n  oracle T\n  target y = 0.8\n}`);
        const tolerance = (name: string) => (toRunSpec(d, name) as InversionSpec).targets[0] as { tolerance?: number };
        expect(tolerance('I').tolerance).toBe(0.01);
        expect(tolerance('J').tolerance).toBe(0.001);
    });
});
