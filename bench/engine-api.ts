/**
 * What bench/run.mjs needs from inv, bundled by esbuild to out/bench.cjs: the engine's public
 * API (the same the CLI and the worker use), the .inv translation, tf.memory(), and two
 * things for timing steps without the run loop around them: a program opened exactly as
 * runInversion opens it (fused kernel or TF.js), and a dense model with random weights for
 * the larger sizes.
 */
import type { Tensor } from '@tensorflow/tfjs';

import { FeatureTransforms } from '../src/engine/inversion/feature-transform.js';
import { openProgram } from '../src/engine/inversion/invert.js';
import { loadOracle } from '../src/engine/oracle/oracle.js';
import { fileModelSaver } from '../src/engine/oracle/model-files.js';
import type { InversionSpec } from '../src/engine/contract/spec.js';
import { METADATA_KEY, type InvModelMetadata } from '../src/engine/contract/model-metadata.js';
import { Random } from '../src/engine/nn/random.js';
import { tf } from '../src/engine/backend/tf.js';

export { initBackend, listBackends, runInversion, trainOracle } from '../src/engine/index.js';
export { tf } from '../src/engine/backend/tf.js';
export { loadInvDocuments } from '../src/cli/document.js';
export { runBlocks, toOracleSpec, toRunSpec } from '../src/language/to-spec.js';
export { isOracle } from '../src/language/generated/ast.js';
// Imported models (bench/import-bench.mjs): loading and summarising, and the tests' ONNX writer.
export { loadImportedModel } from '../src/engine/oracle/imported-model.js';
export { readModelSummary } from '../src/engine/contract/model-summary.js';
export { mlpBytes } from '../test/engine/imported-models/onnx-writer.js';

/** An inversion's first program, stepped by hand: `steps(k)` runs k steps and waits for them. */
export async function openStepper(spec: InversionSpec) {
    const oracle = await loadOracle(spec.oracle);
    const transforms = await FeatureTransforms.create(spec.features);
    const { program, backend } = await openProgram(spec, oracle, transforms, []);
    return {
        backend,
        async steps(k: number, spreading: boolean): Promise<void> {
            let last: Tensor | number = 0;
            for (let i = 0; i < k; i++) {
                const r = program.step(spec.learningRate, spreading);
                if (typeof r.loss !== 'number') {
                    if (i + 1 < k) r.loss.dispose();
                    else last = r.loss;
                    (r.health as Tensor).dispose();
                }
            }
            // TF.js may run asynchronously: the steps are done when their last loss is read.
            if (typeof last !== 'number') {
                await last.data();
                last.dispose();
            }
        },
        dispose(): void {
            program.dispose();
            transforms.dispose();
            oracle.dispose();
        },
    };
}

/**
 * A Dense chain [inputs, ...hidden, outputs] (relu, linear head) with random weights, written
 * as a Layers model with the paper oracle's standardisation (inputs on [0, 500], y near 1900),
 * so that a run's values stay in the ranges a trained oracle gives.
 */
export async function writeRandomDenseModel(path: string, sizes: number[], seed: number, inputs: string[], outputs: string[]): Promise<void> {
    const random = new Random(seed);
    const model = tf.sequential();
    const weights: Tensor[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
        const [i, o] = [sizes[l], sizes[l + 1]];
        model.add(tf.layers.dense({ units: o, activation: l + 2 === sizes.length ? 'linear' : 'relu', ...(l === 0 ? { inputShape: [i] } : {}) }));
        const limit = Math.sqrt(6 / (i + o));
        weights.push(tf.tensor2d(Float32Array.from({ length: i * o }, () => random.uniform(-limit, limit)), [i, o]), tf.zeros([o]));
    }
    model.setWeights(weights);
    const metadata: InvModelMetadata = {
        inputs: inputs.map((name) => ({ name, min: 0, max: 500, mean: 250, std: 144 })),
        outputs: outputs.map((name) => ({ name, min: 0, max: 4000, mean: 1800, std: 600 })),
        classes: null,
        testRmse: Object.fromEntries(outputs.map((n) => [n, 0])),
        data: 'random weights',
        trainedAt: new Date(0).toISOString(),
    };
    await model.save(fileModelSaver(path, { [METADATA_KEY]: metadata }));
    tf.dispose(weights);
    model.dispose();
}
// bench/inverse/support-check.mjs: the support measure, judged on the true functions.
export { DataSupport } from '../src/engine/inversion/support.js';
