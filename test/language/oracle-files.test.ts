/**
 * Reading what an oracle names without TensorFlow.js: model.json summaries (Sequential,
 * functional and Keras-converted topologies, recorded metadata, every kind of failure), CSV
 * headers, class labels, and the cache that re-reads a file only when its stamp changed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readModelSummary, summariseModelJson } from '../../src/engine/contract/model-summary.js';
import { OracleFiles } from '../../src/language/oracle-files.js';
import { FIXTURES } from './inv-test-services.js';

const dir = mkdtempSync(join(tmpdir(), 'inv-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dense = (units: number, extra: Record<string, unknown> = {}) => ({ class_name: 'Dense', config: { units, ...extra } });

describe('readModelSummary', () => {
    test('a Sequential model written by TF.js, with metadata', async () => {
        const summary = await readModelSummary(join(FIXTURES, 'models/poly/model.json'));
        expect(summary).toMatchObject({ ok: true, inputWidth: 4, outputWidth: 1 });
        if (!summary.ok) return;
        expect(summary.metadata?.inputs.map((c) => [c.name, c.min, c.max])).toEqual([['x1', 0, 500], ['x2', 0, 500], ['x3', 0, 500], ['x4', 0, 500]]);
        expect(summary.metadata?.testRmse).toEqual({ y: 2.1 });
        expect(summary.metadata?.classes).toBeNull();
    });

    test('a functional model written by TF.js, without metadata', async () => {
        expect(await readModelSummary(join(FIXTURES, 'models/functional/model.json'))).toMatchObject({ ok: true, inputWidth: 3, outputWidth: 2, metadata: null });
    });

    test('a Keras-converted Sequential (model_config, an InputLayer first, an Activation last)', () => {
        const json = {
            modelTopology: { model_config: { class_name: 'Sequential', config: { layers: [
                { class_name: 'InputLayer', config: { batch_input_shape: [null, 5] } },
                dense(8), dense(3), { class_name: 'Activation', config: { activation: 'softmax' } },
            ] } } },
        };
        expect(summariseModelJson(JSON.stringify(json), null)).toMatchObject({ ok: true, inputWidth: 5, outputWidth: 3, metadata: null });
    });

    test('a functional model with two inputs and an Activation as its output layer', () => {
        const json = {
            modelTopology: { class_name: 'Functional', config: {
                layers: [
                    { name: 'a', class_name: 'InputLayer', config: { batch_input_shape: [null, 2] } },
                    { name: 'b', class_name: 'InputLayer', config: { batch_shape: [null, 3] } },
                    { name: 'd', class_name: 'Dense', config: { units: 4 }, inbound_nodes: [[['a', 0, 0, {}]]] },
                    { name: 'out', class_name: 'Activation', config: {}, inbound_nodes: [[['d', 0, 0, {}]]] },
                ],
                input_layers: [['a', 0, 0], ['b', 0, 0]],
                output_layers: [['out', 0, 0]],
            } },
        };
        expect(summariseModelJson(JSON.stringify(json), null)).toMatchObject({ ok: true, inputWidth: 5, outputWidth: 4, metadata: null });
    });

    test.each([
        ['', 'model.json is not valid JSON (the file is empty)'],
        ['{\n  "modelTopology": {\n    "class_name": \n}', 'model.json is not valid JSON at line 4 (value expected)'],
        ['[1, 2]', 'model.json does not hold a JSON object'],
        ['{"format": "graph-model"}', 'model.json has no modelTopology (is it a TF.js Layers model? graph models are not supported)'],
        ['{"modelTopology": {"class_name": "Sequential", "config": {"layers": []}}}', 'its Sequential model has no layers'],
        ['{"modelTopology": {"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"units": 2}}]}}}', 'its first layer declares no input shape (batch_input_shape)'],
        ['{"modelTopology": {"class_name": "Gru"}}', 'its modelTopology is a Gru, not a Sequential or functional Layers model'],
    ])('%j fails with a reason', (text, reason) => {
        expect(summariseModelJson(text, null)).toEqual({ ok: false, kind: 'unreadable', reason });
    });

    test('a missing file, a folder', async () => {
        expect(await readModelSummary(join(dir, 'none.json'))).toMatchObject({ ok: false, kind: 'missing' });
        expect(await readModelSummary(dir)).toMatchObject({ ok: false, kind: 'unreadable', reason: expect.stringContaining('is a folder') });
    });

    test('metadata of the wrong shape is a failure that says to train again', () => {
        const json = {
            modelTopology: { class_name: 'Sequential', config: { layers: [dense(1, { batch_input_shape: [null, 1] })] } },
            userDefinedMetadata: { inv: { inputs: [], outputs: [], classes: 'abc' } },
        };
        expect(summariseModelJson(JSON.stringify(json), null)).toEqual({
            ok: false, kind: 'unreadable', reason: 'its userDefinedMetadata.inv has `classes` that is not a list of strings; train it again with `inv train`',
        });
    });
});

describe('OracleFiles', () => {
    test('a CSV header: quoted names, a byte-order mark, CRLF', async () => {
        const path = join(dir, 'header.csv');
        writeFileSync(path, '\uFEFF"Beak Length (mm)",mass,"a, b"\r\n1,2,3\r\n');
        expect(await new OracleFiles().csvHeader(path)).toMatchObject({ ok: true, columns: ['Beak Length (mm)', 'mass', 'a, b'] });
    });

    test('class labels: distinct, in order of first appearance, empty cells left out', async () => {
        const path = join(dir, 'labels.csv');
        writeFileSync(path, 'x,species\n1,b\n2,a\n3,\n4,b\n5,c\n');
        expect(await new OracleFiles().classLabels(path, 'species')).toEqual({ ok: true, labels: ['b', 'a', 'c'], rows: 5, capped: false });
        expect(await new OracleFiles().classLabels(path, 'kind')).toEqual({ ok: false, reason: `${path} has no column "kind"` });
    });

    test('a file is read again when its stamp changes, not before', async () => {
        const files = new OracleFiles();
        const path = join(dir, 'changing.csv');
        writeFileSync(path, 'a,b\n');
        const first = await files.csvHeader(path);
        expect(first).toMatchObject({ ok: true, columns: ['a', 'b'] });
        expect(await files.csvHeader(path)).toBe(first);
        await new Promise((r) => setTimeout(r, 300)); // past the 250 ms the stamp is trusted blindly
        expect(await files.csvHeader(path)).toBe(first); // looked again: same stamp, same result
        writeFileSync(path, 'c,d,e\n');
        await new Promise((r) => setTimeout(r, 300));
        expect(await files.csvHeader(path)).toMatchObject({ ok: true, columns: ['c', 'd', 'e'] });
    });

    test('a file that appears later is found (missing results are not cached)', async () => {
        const files = new OracleFiles();
        const path = join(dir, 'later.json');
        expect(await files.modelSummary(path)).toMatchObject({ ok: false, kind: 'missing' });
        writeFileSync(path, JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { layers: [dense(2, { batch_input_shape: [null, 3] })] } } }));
        expect(await files.modelSummary(path)).toMatchObject({ ok: true, inputWidth: 3, outputWidth: 2, metadata: null });
    });
});
