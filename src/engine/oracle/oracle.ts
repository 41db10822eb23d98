/**
 * The oracle: a trained forward model (features -> outputs), frozen. This is the one place
 * where standardisation happens (STYLE.md): the wrapper takes features in the user's units
 * and gives outputs both in the user's units and standardised, using the statistics that
 * `inv train` recorded in model.json (`userDefinedMetadata.inv`). A model without them is
 * used as it is.
 */
import type { LayersModel, Tensor1D, Tensor2D } from '@tensorflow/tfjs';

import { applyDense, disposeDense, layerWeights, type DenseLayer, type LayerActivation } from '../nn/dense-net.js';
import { EngineError } from '../contract/errors.js';
import { describeType, modelColumnNames, modelInputWidth } from '../contract/feature-types.js';
import { fileModelLoader, readModelFile } from './model-files.js';
import { isImportedModelPath, loadImportedModel } from './imported-model.js';
import type { ColumnStats, InvModelMetadata } from '../contract/model-metadata.js';
import type { ModelSummary } from '../contract/model-summary.js';
import type { Interval, OracleSpec } from '../contract/spec.js';
import type { LayerWeights } from '../nn/fused/kernel-net.js';
import { tf } from '../backend/tf.js';

export interface Oracle {
    readonly name: string;
    /** The model's input columns (a categorical input's one-hot columns are `name=label`). */
    readonly inputs: string[];
    readonly outputs: string[];
    /** The training record, or null for a model trained elsewhere. */
    readonly metadata: InvModelMetadata | null;
    /** An output's value in user units, in the standardised units the loss works in. */
    standardiseOutput(column: number, value: number): number;
    /** A length in an output's user units (a tolerance, a miss), in standardised units. */
    standardiseLength(column: number, length: number): number;
    /** Features [n, inputs] in user units -> outputs [n, outputs], standardised. */
    standardised(x: Tensor2D): Tensor2D;
    /** Features [n, inputs] in user units -> outputs [n, outputs] in user units. */
    predict(x: Tensor2D): Tensor2D;
    /** A standardised output value in user units (predict's arithmetic, for one value). */
    userOutput(column: number, standardised: number): number;
    /**
     * The network as plain dense layers taking user units (input standardisation folded
     * in) and giving standardised outputs — what the fused kernel runs; null when the model
     * is not a chain of dense layers.
     */
    denseLayers(): Promise<LayerWeights[] | null>;
    dispose(): void;
}

/** Where the oracle is valid, per input: the declaration, else the recorded data min/max. */
export function oracleDomains(spec: OracleSpec, metadata: InvModelMetadata | null): Array<Interval | null> {
    return spec.inputs.map((input, i) =>
        input.type?.kind === 'categorical' ? null : (input.domain ?? (metadata ? { lo: metadata.inputs[i].min, hi: metadata.inputs[i].max } : null)),
    );
}

export async function loadOracle(spec: OracleSpec): Promise<Oracle> {
    const path = spec.modelPath;
    if (isImportedModelPath(path)) return loadImportedOracle(spec);
    const { json, summary } = await readModelFile(path);
    checkWidths(path, summary, spec);
    const metadata = checkMetadata(path, summary.metadata, spec);
    let model: LayersModel;
    try {
        model = await tf.loadLayersModel(fileModelLoader(path, json, summary.metadata));
    } catch (e) {
        if (e instanceof EngineError) throw e;
        throw new EngineError(`${path}: the model cannot be read (${(e as Error).message.split('\n')[0]})`);
    }
    const inputStats = metadata ? modelColumnStats(metadata.inputs) : null;
    const outputStats = metadata && metadata.classes === null ? metadata.outputs : null;
    let chain: DenseLayer[] | null;
    try {
        if (model.inputs.length !== 1 || model.outputs.length !== 1) {
            throw new EngineError(`${path}: the model must take one input [rows, features] and give one output [rows, outputs]`);
        }
        chain = denseChain(model, inputStats);
    } catch (e) {
        model.dispose();
        throw e;
    }
    // The dense chain holds its own copies of the weights; other models are used as they are.
    if (chain) model.dispose();
    const forward: Forward | null = chain ? null : { apply: (z) => model.apply(z, { training: false }) as Tensor2D, dispose: () => model.dispose() };
    return new StandardisedOracle(spec, metadata, outputStats, chain, forward, inputStats);
}

/**
 * An ONNX or Keras model, imported into the engine's operations (oracle/graph/). It records
 * no inv metadata: it is used as it is, its scaling (if any) inside its graph.
 */
async function loadImportedOracle(spec: OracleSpec): Promise<Oracle> {
    const { graph, fn } = await loadImportedModel(spec.modelPath);
    try {
        checkWidths(spec.modelPath, { ok: true, inputWidth: graph.inputWidth, outputWidth: graph.outputWidth, metadata: null, weightFiles: [] }, spec);
    } catch (e) {
        fn.dispose();
        throw e;
    }
    return new StandardisedOracle(spec, null, null, fn.chain, fn.chain ? null : fn, null);
}

/** A model run as it is: features [n, inputs] (standardised if it records statistics) -> outputs. */
interface Forward {
    apply(x: Tensor2D): Tensor2D;
    dispose(): void;
}

class StandardisedOracle implements Oracle {
    readonly name: string;
    readonly inputs: string[];
    readonly outputs: string[];
    /** Per output: user value = standardised * outputStd + outputMean (1 and 0 without metadata). */
    private readonly outputMean: number[];
    private readonly outputStd: number[];
    private readonly outMean: Tensor1D;
    private readonly outStd: Tensor1D;
    private readonly inMean: Tensor1D | null;
    private readonly inStd: Tensor1D | null;

    constructor(
        spec: OracleSpec,
        readonly metadata: InvModelMetadata | null,
        outputStats: ColumnStats[] | null,
        /** The model as a dense chain with input standardisation folded in; null: use `forward`. */
        private readonly chain: DenseLayer[] | null,
        private readonly forward: Forward | null,
        inputStats: ColumnStats[] | null,
    ) {
        this.name = spec.name;
        this.inputs = modelColumnNames(spec.inputs);
        this.outputs = [...spec.outputs];
        this.outputMean = outputStats ? outputStats.map((s) => s.mean) : spec.outputs.map(() => 0);
        this.outputStd = outputStats ? outputStats.map((s) => s.std) : spec.outputs.map(() => 1);
        this.outMean = tf.tensor1d(this.outputMean);
        this.outStd = tf.tensor1d(this.outputStd);
        // Only the generic path standardises its inputs with separate operations.
        this.inMean = !chain && inputStats ? tf.tensor1d(inputStats.map((s) => s.mean)) : null;
        this.inStd = !chain && inputStats ? tf.tensor1d(inputStats.map((s) => s.std)) : null;
    }

    standardiseOutput(column: number, value: number): number {
        return (value - this.outputMean[column]) / this.outputStd[column];
    }

    standardiseLength(column: number, length: number): number {
        return length / this.outputStd[column];
    }

    standardised(x: Tensor2D): Tensor2D {
        if (this.chain) return applyDense(this.chain, x);
        const z = this.inMean && this.inStd ? tf.div(tf.sub(x, this.inMean), this.inStd) : x;
        return this.forward!.apply(z as Tensor2D);
    }

    predict(x: Tensor2D): Tensor2D {
        return tf.tidy(() => tf.add(tf.mul(this.standardised(x), this.outStd), this.outMean));
    }

    userOutput(column: number, standardised: number): number {
        return Math.fround(Math.fround(standardised * Math.fround(this.outputStd[column])) + Math.fround(this.outputMean[column]));
    }

    async denseLayers(): Promise<LayerWeights[] | null> {
        return this.chain ? layerWeights(this.chain) : null;
    }

    dispose(): void {
        if (this.chain) disposeDense(this.chain);
        this.forward?.dispose();
        for (const t of [this.outMean, this.outStd, this.inMean, this.inStd]) t?.dispose();
    }
}

function checkWidths(path: string, summary: ModelSummary, spec: OracleSpec): void {
    const width = modelInputWidth(spec.inputs);
    if (summary.inputWidth !== width) {
        const typed = spec.inputs.some((i) => i.type?.kind === 'categorical') ? ' columns (a categorical input takes one per label)' : '';
        throw new EngineError(`${path}: the model takes ${summary.inputWidth} inputs but oracle ${spec.name} declares ${width}${typed} (${spec.inputs.map((i) => i.name).join(', ')})`);
    }
    if (summary.outputWidth !== spec.outputs.length) {
        throw new EngineError(`${path}: the model gives ${summary.outputWidth} outputs but oracle ${spec.name} declares ${spec.outputs.length} (${spec.outputs.join(', ')})`);
    }
}

/** The recorded metadata (already parsed by model-summary.ts), checked against the declaration. */
function checkMetadata(path: string, metadata: InvModelMetadata | null, spec: OracleSpec): InvModelMetadata | null {
    if (!metadata) return null;
    const fits = (columns: ColumnStats[], count: number) => columns.length === count && columns.every((c) => c.std > 0);
    if (!fits(metadata.inputs, spec.inputs.length) || (metadata.classes === null && !fits(metadata.outputs, spec.outputs.length))) {
        throw new EngineError(`${path}: its "userDefinedMetadata.inv" record does not match oracle ${spec.name}'s ${spec.inputs.length} inputs and ${spec.outputs.length} outputs; retrain with \`inv train\``);
    }
    // A categorical input's labels are its model columns: the declaration and the record must agree.
    spec.inputs.forEach((input, i) => {
        const recorded = metadata.inputs[i];
        const declared = input.type?.kind === 'categorical' ? input.type.labels : null;
        const labels = recorded.labels ?? null;
        if (JSON.stringify(declared) !== JSON.stringify(labels)) {
            const was = labels ? `one of { ${labels.join(', ')} }` : 'numeric';
            throw new EngineError(`${path}: input ${input.name} was trained as ${was} but oracle ${spec.name} declares it ${describeType(input.type)}; make them agree, or retrain with \`inv train\``);
        }
    });
    return metadata;
}

/**
 * The recorded statistics per model column: a categorical input's one-hot columns are used
 * as they are (mean 0, std 1), whatever its record says.
 */
export function modelColumnStats(inputs: ColumnStats[]): ColumnStats[] {
    return inputs.flatMap((c) =>
        c.labels ? c.labels.map((label) => ({ name: `${c.name}=${label}`, min: 0, max: 1, mean: 0, std: 1 })) : [c],
    );
}

const CHAIN_LAYERS = new Set(['InputLayer', 'Dense', 'Dropout', 'Activation']);
const CHAIN_ACTIVATIONS = new Set(['linear', 'relu', 'tanh', 'sigmoid', 'elu', 'selu', 'swish', 'softmax']);

function denseChainPossible(model: LayersModel): boolean {
    return model.layers.every((l) => CHAIN_LAYERS.has(l.getClassName()) && CHAIN_ACTIVATIONS.has(activationOf(l.getConfig())));
}

function activationOf(config: object): string {
    const a = (config as { activation?: unknown }).activation;
    return typeof a === 'string' ? a : 'linear';
}

/**
 * The model as plain dense layers, when it is a chain of Dense layers (the common MLP):
 * fewer operations per step than the Layers API. The input standardisation is folded into
 * the first kernel: ((x - m) / s) W + b = x (W / s) + (b - (m / s) W).
 */
function denseChain(model: LayersModel, inputStats: ColumnStats[] | null): DenseLayer[] | null {
    if (!denseChainPossible(model)) return null;
    const chain: DenseLayer[] = [];
    for (const layer of model.layers) {
        const cls = layer.getClassName();
        const activation = activationOf(layer.getConfig()) as LayerActivation;
        if (cls === 'Activation') {
            const last = chain[chain.length - 1];
            if (!last || last.activation !== 'linear') return disposeAndGiveUp(chain);
            last.activation = activation;
        } else if (cls === 'Dense') {
            const [kernel, bias] = layer.getWeights();
            chain.push({
                kernel: tf.clone(kernel) as Tensor2D,
                bias: bias ? (tf.clone(bias) as Tensor1D) : tf.zeros([kernel.shape[1]!]),
                activation,
            });
        }
    }
    if (chain.length === 0) return null;
    if (inputStats) {
        const first = chain[0];
        const [kernel, bias] = tf.tidy(() => {
            const mean = tf.tensor2d(inputStats.map((s) => s.mean), [1, inputStats.length]);
            const invStd = tf.tensor2d(inputStats.map((s) => 1 / s.std), [inputStats.length, 1]);
            const k = tf.mul(first.kernel, invStd) as Tensor2D;
            const b = tf.sub(first.bias, tf.matMul(tf.mul(mean, tf.transpose(invStd)), first.kernel).reshape([-1])) as Tensor1D;
            return [k, b];
        });
        first.kernel.dispose();
        first.bias.dispose();
        first.kernel = kernel;
        first.bias = bias;
    }
    return chain;
}

function disposeAndGiveUp(chain: DenseLayer[]): null {
    disposeDense(chain);
    return null;
}
