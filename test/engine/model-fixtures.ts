/**
 * Small oracles and specs for the engine's tests, written to a temporary folder: a linear
 * model with known weights (with or without inv metadata), and the paper's data.
 */
import { writeFileSync } from 'node:fs';

import { fileModelSaver } from '../../src/engine/oracle/model-files.js';
import type { InvModelMetadata } from '../../src/engine/contract/model-metadata.js';
import type { ConstraintSpec, FeatureSpec, InversionSpec, OracleSpec, TargetSpec } from '../../src/engine/contract/spec.js';
import { tf } from '../../src/engine/backend/tf.js';
import { tempFolder as tempFolderRemovedAfterTheFile } from '../support/temp-folder.js';

export function tempFolder(prefix = 'inv-engine-'): string {
    return tempFolderRemovedAfterTheFile(prefix);
}

/**
 * A one-layer linear model y_o = sum_i x_i * weights[i][o] + bias[o], written as a TF.js
 * Layers model. With `metadata` the model works in standardised units, as `inv train` writes.
 */
export async function writeLinearModel(path: string, weights: number[][], bias: number[], metadata: InvModelMetadata | null = null): Promise<void> {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: bias.length, inputShape: [weights.length], activation: 'linear' }));
    const [k, b] = [tf.tensor2d(weights), tf.tensor1d(bias)];
    model.setWeights([k, b]);
    await model.save(fileModelSaver(path, metadata ? { inv: metadata } : {}));
    tf.dispose([k, b]);
    model.dispose();
}

export function oracleSpec(modelPath: string, inputs: string[], outputs: string[], domain: { lo: number; hi: number } | null = null): OracleSpec {
    return { name: 'Oracle', modelPath, modelPathAsWritten: 'model.json', inputs: inputs.map((name) => ({ name, domain })), outputs, training: null };
}

/** The paper's function, y = 9 x1^0.87 + 8.97 x2^0.02 + 0.876 x3^0.12 + 2.9876 x4^0.987. */
export function poly4(x: number[]): number {
    return 9 * x[0] ** 0.87 + 8.97 * x[1] ** 0.02 + 0.876 * x[2] ** 0.12 + 2.9876 * x[3] ** 0.987;
}

/** A seeded CSV of the paper's function on [0, 500]^4. */
export function writePaperCsv(path: string, rows: number, seed: number): void {
    let s = seed >>> 0;
    const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    const lines = ['x1,x2,x3,x4,y'];
    for (let i = 0; i < rows; i++) {
        const x = [0, 1, 2, 3].map(() => Number((500 * random()).toFixed(4)));
        lines.push([...x, poly4(x).toFixed(6)].join(','));
    }
    writeFileSync(path, lines.join('\n') + '\n');
}

export const PAPER_CONSTRAINT: ConstraintSpec = {
    name: 'paper',
    pieces: [
        { when: [{ op: '>=', left: { kind: 'x' }, right: { kind: 'num', value: 10 } }], value: { kind: 'bin', op: '/', left: { kind: 'x' }, right: { kind: 'num', value: 10 } } },
        { when: [{ op: '<=', left: { kind: 'x' }, right: { kind: 'num', value: 1 } }], value: { kind: 'bin', op: '*', left: { kind: 'x' }, right: { kind: 'num', value: 50 } } },
    ],
    otherwise: null,
};

export function boxFeature(name: string, lo: number, hi: number): FeatureSpec {
    return { role: 'free', name, domain: null, transform: { kind: 'box', box: { lo, hi }, source: 'bound' } };
}

/** An inversion with small defaults; `overrides` replace any field. */
export function inversion(oracle: OracleSpec, features: FeatureSpec[], targets: TargetSpec[], overrides: Partial<InversionSpec> = {}): InversionSpec {
    return {
        kind: 'inversion',
        name: 'Test',
        source: '/tmp/test.inv',
        sourceHash: '0',
        oracle,
        features,
        targets,
        stopOutsideBounds: false,
        method: { kind: 'generator', latent: 4, layers: [16, 16], activation: 'relu' },
        steps: 200,
        learningRate: 0.01,
        seed: 0,
        diversity: 0,
        backend: 'wasm',
        solutions: 32,
        support: 0,
        ...overrides,
    };
}
