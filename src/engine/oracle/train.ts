/**
 * Fitting an oracle (`inv train`, the *Train* code lens): an MLP (`layers`, `activation`,
 * linear output) on standardised inputs and outputs, with a seeded held-out `validation`
 * share, written as a TF.js Layers model with its metadata (model-metadata.ts).
 *
 * A custom loop rather than model.fit: fit shuffles with Math.random (not reproducible).
 *
 * Learning-rate schedule (one-cycle, Smith 2018): `learningRate` is the initial rate; it
 * rises linearly to PEAK_FACTOR times that (at most PEAK_CAP) over the first WARMUP share of
 * the batches, then follows a cosine down to FLOOR_FACTOR times it at the last batch. Why:
 * the paper's goals are judged on the true function, so the oracle's own error is what is
 * left at the end. On the paper's data (4-64-64-1 ReLU, 200 epochs, batch 128, rate 0.001)
 * the test RMSE is 0.46-0.50 with this schedule against 2.8 at a constant rate and 3.3 with
 * a plain cosine decay: at 0.001 Adam is still far from converged after 200 epochs.
 * Weights start Glorot-uniform (He-uniform gave 2.0 under the same schedule).
 *
 * A classifier (`classify COLUMN`) has a softmax head trained with cross-entropy on one-hot
 * labels (class-labels.ts); its outputs are the class probabilities, not standardised, and
 * its `testRmse` is per class the RMSE of the probability against the 0/1 indicator, with
 * the accuracy and log-loss beside it.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, normalize, relative, sep } from 'node:path';

import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs';

import { Adam } from '../nn/adam.js';
import { classIndices, classStats, oneHot, scoreClassifier } from './class-labels.js';
import { readDataTable, type DataTable } from './data-table.js';
import { applyDense, denseVariables, initialWeights, layerWeights, type DenseLayer } from '../nn/dense-net.js';
import { EngineError } from '../contract/errors.js';
import { fileModelSaver } from './model-files.js';
import { refuseIfOverMemory } from '../backend/memory-check.js';
import { isImportedModelPath } from './imported-model.js';
import { modelColumnStats } from './oracle.js';
import type { ColumnStats, InvModelMetadata } from '../contract/model-metadata.js';
import { METADATA_KEY } from '../contract/model-metadata.js';
import { Random, seedFor } from '../nn/random.js';
import type { BackendName, OracleSpec, OracleTrainingSpec } from '../contract/spec.js';
import { fusedActive } from '../backend/backend.js';
import { FusedFit, type FitScore } from './fused-fit.js';
import type { LayerWeights } from '../nn/fused/kernel-net.js';
import { tf } from '../backend/tf.js';

const PEAK_FACTOR = 10;
/** A user's higher `learningRate` is not multiplied into divergence. */
const PEAK_CAP = 0.01;
const WARMUP = 0.15;
const FLOOR_FACTOR = 0.01;
/** The rate at `progress` (0 at the first batch, 1 after the last) for an initial rate `base`. */
export function learningRateAt(base: number, progress: number): number {
    const peak = Math.max(base, Math.min(base * PEAK_FACTOR, PEAK_CAP));
    if (progress < WARMUP) return base + (peak - base) * (progress / WARMUP);
    const q = (progress - WARMUP) / (1 - WARMUP);
    const floor = base * FLOOR_FACTOR;
    return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * q));
}

/** Batches between two yields to the event loop (so that cancel and IPC messages get through). */
const YIELD_EVERY = 20;

export interface TrainProgress {
    epoch: number;
    epochs: number;
    /** The epoch's mean batch loss: squared error on standardised outputs, or a classifier's cross-entropy. */
    loss: number;
    /** RMSE per output in user units (a classifier: per class probability) on the held-out share; null without one. */
    validationRmse: Record<string, number> | null;
    elapsedSeconds: number;
}

export interface TrainReport {
    oracle: string;
    /** Absolute path of the model.json written (nothing is written when cancelled). */
    modelPath: string;
    cancelled: boolean;
    /** RMSE per output in user units, on `test` when given, else on the held-out share (a classifier: per class probability against its 0/1 indicator). */
    testRmse: Record<string, number>;
    /** A classifier's accuracy and log-loss on the same rows; null for a regressor. */
    accuracy: number | null;
    logLoss: number | null;
    measuredOn: 'test' | 'validation' | 'training';
    trainRows: number;
    testRows: number;
    /** Rows skipped for an empty cell (`skip missing`) in the training CSV. */
    skipped: DataTable['skipped'];
    epochs: number;
    seconds: number;
    backend: BackendName;
}

export interface TrainOptions {
    signal?: AbortSignal;
    onProgress?(p: TrainProgress): void;
}

export async function trainOracle(oracle: OracleSpec, opts: TrainOptions = {}): Promise<TrainReport> {
    const training = oracle.training;
    if (!training) throw new EngineError(`oracle ${oracle.name} has no \`data\`: nothing to train it on`);
    if (isImportedModelPath(oracle.modelPath)) {
        throw new EngineError(`oracle ${oracle.name}'s model ${oracle.modelPathAsWritten} is an ONNX or Keras model, which inv uses as it is: \`inv train\` writes TF.js models (give the oracle a model.json path to train one)`);
    }
    const started = performance.now();
    refuseIfOverMemory(`training oracle ${oracle.name}`, {
        kind: 'training',
        csvBytes: await fileBytes(training.dataPath) + (training.testPath ? await fileBytes(training.testPath) : 0),
        inputs: oracle.inputs.length,
        outputs: oracle.outputs.length,
        layers: training.layers,
        batch: training.batch,
    });
    const data = await readTrainingData(oracle, training);
    const { table, split, inStats, outStats, classes } = data;
    const nIn = modelColumnStats(inStats).length;
    const nOut = oracle.outputs.length;

    const trainX = modelInputRows(table, inStats, split.train);
    const trainY = data.fitTargets(split.train);
    const valRows = split.validation.length > 0 ? split.validation : null;
    const valX = valRows ? modelInputRows(table, inStats, valRows) : null;
    const valY = valRows ? data.scoredTargets(table, valRows) : null;
    const classifier = classes !== null;
    const fused = fusedActive();
    const fit: EpochFit = fused
        ? new FusedEpochFit(training, nIn, nOut, classifier, trainX, trainY, split.train.length)
        : new TfEpochFit(training, nIn, nOut, classifier, trainX, trainY, split.train.length);

    let cancelled = false;
    try {
        const shuffle = new Random(seedFor(training.seed, 'oracle-shuffle'));
        const batchesPerEpoch = Math.ceil(split.train.length / training.batch);
        const totalBatches = batchesPerEpoch * training.epochs;
        for (let epoch = 1; epoch <= training.epochs && !cancelled; epoch++) {
            const order = shuffle.permutation(split.train.length);
            const rates = Array.from({ length: batchesPerEpoch }, (_, b) => learningRateAt(training.learningRate, ((epoch - 1) * batchesPerEpoch + b) / totalBatches));
            const result = await fit.epoch(order, rates, opts.signal);
            cancelled = result.cancelled;
            const loss = result.loss;
            if (!cancelled && !Number.isFinite(loss)) {
                throw new EngineError(`oracle ${oracle.name}: training diverged at epoch ${epoch} (loss ${loss}); lower \`learningRate\` (now ${training.learningRate})`);
            }
            const validationRmse = valX && valY ? (await fit.score(valX, valY, outStats, oracle.outputs)).rmse : null;
            opts.onProgress?.({ epoch, epochs: training.epochs, loss, validationRmse, elapsedSeconds: (performance.now() - started) / 1000 });
        }

        let score: FitScore;
        let measuredOn: TrainReport['measuredOn'];
        if (data.testTable) {
            const testTable = data.testTable;
            const all = [...Array(testTable.rows).keys()];
            score = await fit.score(modelInputRows(testTable, inStats, all), data.scoredTargets(testTable, all), outStats, oracle.outputs);
            measuredOn = 'test';
        } else if (valX && valY) {
            score = await fit.score(valX, valY, outStats, oracle.outputs);
            measuredOn = 'validation';
        } else {
            score = await fit.score(trainX, data.scoredTargets(table, split.train), outStats, oracle.outputs);
            measuredOn = 'training';
        }

        if (!cancelled) {
            const metadata: InvModelMetadata = {
                inputs: inStats,
                outputs: outStats,
                classes,
                testRmse: score.rmse,
                ...(score.accuracy !== null && score.logLoss !== null ? { accuracy: score.accuracy, logLoss: score.logLoss } : {}),
                data: relativeDataPath(oracle, training),
                trainedAt: new Date().toISOString(),
            };
            await saveDenseModel(oracle.modelPath, metadata, training, nIn, await fit.weights(), classifier);
        }
        return {
            oracle: oracle.name,
            modelPath: oracle.modelPath,
            cancelled,
            testRmse: score.rmse,
            accuracy: score.accuracy,
            logLoss: score.logLoss,
            measuredOn,
            trainRows: split.train.length,
            testRows: data.testTable ? data.testTable.rows : valRows ? valRows.length : split.train.length,
            skipped: table.skipped,
            epochs: training.epochs,
            seconds: (performance.now() - started) / 1000,
            backend: fused ? 'wasm-fused' : (tf.getBackend() as BackendName),
        };
    } finally {
        fit.dispose();
    }
}

/**
 * The rows an oracle is fitted on, and what the network is fitted to and scored against:
 * for a regressor the outputs (standardised to fit, user units to score), for a classifier
 * the one-hot labels (both).
 */
interface TrainingData {
    table: DataTable;
    testTable: DataTable | null;
    split: { train: number[]; validation: number[] };
    inStats: ColumnStats[];
    outStats: ColumnStats[];
    /** The class labels in output order; null for a regressor. */
    classes: string[] | null;
    fitTargets(rows: number[]): Float32Array;
    scoredTargets(table: DataTable, rows: number[]): Float32Array;
}

async function readTrainingData(oracle: OracleSpec, training: OracleTrainingSpec): Promise<TrainingData> {
    // Numeric inputs are the table's first columns (then the outputs); categorical ones are read as labels.
    const inputs = oracle.inputs.filter((i) => i.type?.kind !== 'categorical').map((i) => i.name);
    const categorical = Object.fromEntries(oracle.inputs.flatMap((i) => (i.type?.kind === 'categorical' ? [[i.name, i.type.labels]] : [])));
    const integer = oracle.inputs.filter((i) => i.type?.kind === 'integer').map((i) => i.name);
    const classify = training.classify;
    const columns = classify === null ? [...inputs, ...oracle.outputs] : inputs;
    const read = (path: string) =>
        readDataTable(path, columns, { skipMissing: training.skipMissing, categorical, integer, ...(classify === null ? {} : { labelColumn: classify }) });
    const table = await read(training.dataPath);
    const testTable = training.testPath ? await read(training.testPath) : null;
    if (table.rows < 2) throw new EngineError(`${training.dataPath}: ${table.rows} usable row(s); an oracle needs at least 2`);
    const split = splitRows(table.rows, training.validation, training.seed);
    const nIn = inputs.length;
    const inputStats = (numeric: ColumnStats[]) => declaredInputStats(oracle, numeric);
    if (classify === null) {
        const stats = columnStats(table, columns, split.train);
        const outStats = stats.slice(nIn);
        return {
            table,
            testTable,
            split,
            inStats: inputStats(stats.slice(0, nIn)),
            outStats,
            classes: null,
            fitTargets: (rows) => standardisedRows(table, outStats, nIn, rows),
            scoredTargets: (t, rows) => userRows(t, nIn, outStats.length, rows),
        };
    }
    const classes = [...oracle.outputs];
    const labels = new Map<DataTable, Int32Array>([[table, classIndices(table, classify, classes)]]);
    if (testTable) labels.set(testTable, classIndices(testTable, classify, classes));
    const labelled = (t: DataTable, rows: number[]) => oneHot(labels.get(t)!, classes.length, rows);
    return {
        table,
        testTable,
        split,
        inStats: inputStats(columnStats(table, inputs, split.train)),
        outStats: classStats(classes, labels.get(table)!, split.train),
        classes,
        fitTargets: (rows) => labelled(table, rows),
        scoredTargets: labelled,
    };
}

/** One way to fit the network (TF.js, or the fused kernel): epochs, scores, the weights. */
interface EpochFit {
    /** One epoch over the rows in `order`, batch b at `rates[b]`; its mean batch loss. */
    epoch(order: Int32Array, rates: number[], signal: AbortSignal | undefined): Promise<{ loss: number; cancelled: boolean }>;
    /** x standardised [rows x nIn]; y in user units (a regressor) or one-hot (a classifier). */
    score(x: Float32Array, y: Float32Array, outStats: ColumnStats[], names: string[]): Promise<FitScore>;
    weights(): Promise<LayerWeights[]>;
    dispose(): void;
}

/** The network on TF.js: plain tensors, automatic differentiation, Adam (nn/adam.ts). */
class TfEpochFit implements EpochFit {
    private readonly layers: DenseLayer[];
    private readonly variables;
    private readonly adam: Adam;
    private readonly trainX: Tensor2D;
    private readonly trainY: Tensor2D;

    constructor(
        private readonly training: OracleTrainingSpec,
        private readonly nIn: number,
        private readonly nOut: number,
        /** A softmax head with cross-entropy; else linear outputs with squared error. */
        private readonly classifier: boolean,
        x: Float32Array,
        y: Float32Array,
        private readonly rows: number,
    ) {
        const sizes = [nIn, ...training.layers, nOut];
        const net = denseVariables(initialWeights(sizes, new Random(seedFor(training.seed, 'oracle-init'))), training.activation, 'oracle');
        this.layers = net.layers;
        this.variables = net.variables;
        this.adam = new Adam(this.variables);
        this.trainX = tf.tensor2d(x, [rows, nIn]);
        this.trainY = tf.tensor2d(y, [rows, nOut]);
    }

    async epoch(order: Int32Array, rates: number[], signal: AbortSignal | undefined): Promise<{ loss: number; cancelled: boolean }> {
        const indices = tf.tensor1d(order, 'int32');
        const xe = tf.gather(this.trainX, indices);
        const ye = tf.gather(this.trainY, indices);
        indices.dispose();
        const losses: Tensor[] = [];
        let cancelled = false;
        for (let b = 0; b < rates.length; b++) {
            if (signal?.aborted) {
                cancelled = true;
                break;
            }
            const start = b * this.training.batch;
            const size = Math.min(this.training.batch, this.rows - start);
            losses.push(this.step(xe.slice([start, 0], [size, -1]), ye.slice([start, 0], [size, -1]), rates[b]));
            if ((b + 1) % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
        }
        xe.dispose();
        ye.dispose();
        const lossTensor = tf.tidy(() => (losses.length ? tf.mean(tf.stack(losses)) : tf.scalar(NaN)));
        const loss = (await lossTensor.data())[0];
        tf.dispose([lossTensor, ...losses]);
        return { loss, cancelled };
    }

    /** One minibatch; returns its loss (a scalar the caller disposes). Disposes x and y. */
    private step(x: Tensor2D, y: Tensor2D, learningRate: number) {
        const { value, grads } = tf.variableGrads(() => {
            const out = applyDense(this.layers, x);
            // Cross-entropy on logits: -sum(y * logSoftmax) per row, averaged.
            if (this.classifier) return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(out)), 1))) as Scalar;
            return tf.mean(tf.squaredDifference(out, y)) as Scalar;
        }, this.variables);
        this.adam.apply(this.variables.map((v) => grads[v.name]), learningRate);
        tf.dispose([x, y, ...Object.values(grads)]);
        return value;
    }

    async score(xValues: Float32Array, yValues: Float32Array, outStats: ColumnStats[], names: string[]): Promise<FitScore> {
        const rows = xValues.length / this.nIn;
        const x = tf.tensor2d(xValues, [rows, this.nIn]);
        const y = tf.tensor2d(yValues, [rows, this.nOut]);
        try {
            if (this.classifier) {
                const p = tf.tidy(() => tf.softmax(applyDense(this.layers, x)));
                const [probabilities, labels] = await Promise.all([p.data(), y.data()]);
                p.dispose();
                const s = scoreClassifier(probabilities, labels, names);
                return { rmse: s.rmse, accuracy: s.accuracy, logLoss: s.logLoss };
            }
            const r = tf.tidy(() => {
                const pred = tf.add(tf.mul(applyDense(this.layers, x), outStats.map((s) => s.std)), outStats.map((s) => s.mean));
                return tf.sqrt(tf.mean(tf.squaredDifference(pred, y), 0));
            });
            const values = await r.data();
            r.dispose();
            return { rmse: Object.fromEntries(names.map((n, i) => [n, values[i]])), accuracy: null, logLoss: null };
        } finally {
            tf.dispose([x, y]);
        }
    }

    weights(): Promise<LayerWeights[]> {
        return layerWeights(this.layers);
    }

    dispose(): void {
        this.adam.dispose();
        tf.dispose([...this.variables, this.trainX, this.trainY]);
    }
}

/** The network on the fused kernel (fused-fit.ts): YIELD_EVERY batches a call. */
class FusedEpochFit implements EpochFit {
    private readonly fit: FusedFit;

    constructor(training: OracleTrainingSpec, nIn: number, nOut: number, classifier: boolean, x: Float32Array, y: Float32Array, rows: number) {
        this.fit = new FusedFit(training, nIn, nOut, classifier, x, y, rows);
    }

    async epoch(order: Int32Array, rates: number[], signal: AbortSignal | undefined): Promise<{ loss: number; cancelled: boolean }> {
        this.fit.startEpoch(order, rates);
        let sum = 0;
        let done = 0;
        for (let first = 0; first < rates.length; first += YIELD_EVERY) {
            if (signal?.aborted) return { loss: done > 0 ? sum / done : NaN, cancelled: true };
            const losses = this.fit.trainBatches(first, Math.min(YIELD_EVERY, rates.length - first));
            for (const l of losses) sum += l;
            done += losses.length;
            await new Promise((r) => setImmediate(r));
        }
        return { loss: sum / done, cancelled: false };
    }

    async score(x: Float32Array, y: Float32Array, outStats: ColumnStats[], names: string[]): Promise<FitScore> {
        return this.fit.score(x, y, outStats, names);
    }

    weights(): Promise<LayerWeights[]> {
        return this.fit.weights();
    }

    dispose(): void {
        // The kernel's memory goes with the fit.
    }
}

/** Writes the network as a Layers model that takes standardised values and gives standardised values or probabilities. */
async function saveDenseModel(modelPath: string, metadata: InvModelMetadata, training: OracleTrainingSpec, nIn: number, weights: LayerWeights[], classifier: boolean): Promise<void> {
    const model = tf.sequential();
    const head = classifier ? 'softmax' : 'linear';
    weights.forEach((w, l) =>
        model.add(
            tf.layers.dense({
                units: w.outputs,
                activation: l + 1 === weights.length ? head : training.activation,
                ...(l === 0 ? { inputShape: [nIn] } : {}),
            }),
        ),
    );
    const tensors = weights.flatMap((w) => [tf.tensor2d(w.kernel, [w.inputs, w.outputs]), tf.tensor1d(w.bias)]);
    try {
        model.setWeights(tensors);
        await model.save(fileModelSaver(modelPath, { [METADATA_KEY]: metadata }));
    } finally {
        tf.dispose(tensors);
        model.dispose();
    }
}

/** A seeded split of row indices into training and held-out shares. */
export function splitRows(rows: number, validation: number, seed: number): { train: number[]; validation: number[] } {
    const order = Array.from(new Random(seedFor(seed, 'oracle-split')).permutation(rows));
    const held = validation > 0 ? Math.min(rows - 1, Math.max(1, Math.round(rows * validation))) : 0;
    return { validation: order.slice(0, held).sort((a, b) => a - b), train: order.slice(held).sort((a, b) => a - b) };
}

/** Per column: min/max over all rows (the domain), mean/std over the training rows. */
function columnStats(table: DataTable, columns: string[], trainRows: number[]): ColumnStats[] {
    return columns.map((name, c) => {
        const v = table.values[c];
        let min = Infinity;
        let max = -Infinity;
        for (let i = 0; i < table.rows; i++) {
            min = Math.min(min, v[i]);
            max = Math.max(max, v[i]);
        }
        let sum = 0;
        for (const i of trainRows) sum += v[i];
        const mean = sum / trainRows.length;
        let sq = 0;
        for (const i of trainRows) sq += (v[i] - mean) ** 2;
        const std = Math.sqrt(sq / trainRows.length);
        // A constant column carries no information; std 1 keeps the arithmetic finite.
        return { name, min, max, mean, std: std > 0 ? std : 1 };
    });
}

/**
 * The metadata's record per declared input: a numeric one's statistics (with `type:
 * 'integer'` for a whole-number one), a categorical one's labels (its one-hot columns are
 * not standardised: mean 0, std 1).
 */
function declaredInputStats(oracle: OracleSpec, numeric: ColumnStats[]): ColumnStats[] {
    let next = 0;
    return oracle.inputs.map((input) => {
        if (input.type?.kind === 'categorical') return { name: input.name, min: 0, max: 1, mean: 0, std: 1, type: 'categorical', labels: [...input.type.labels] };
        const stats = numeric[next++];
        return input.type?.kind === 'integer' ? { ...stats, type: 'integer' } : stats;
    });
}

/**
 * The model's input rows [rows x model columns]: numeric inputs standardised (the table's
 * first columns, in declaration order), a categorical input one-hot.
 */
function modelInputRows(table: DataTable, inStats: ColumnStats[], rows: number[]): Float32Array {
    const width = modelColumnStats(inStats).length;
    const out = new Float32Array(rows.length * width);
    rows.forEach((r, i) => {
        let column = 0;
        let numeric = 0;
        for (const s of inStats) {
            if (s.labels) {
                out[i * width + column + table.categories![s.name][r]] = 1;
                column += s.labels.length;
            } else {
                out[i * width + column++] = (table.values[numeric++][r] - s.mean) / s.std;
            }
        }
    });
    return out;
}

function standardisedRows(table: DataTable, stats: ColumnStats[], firstColumn: number, rows: number[]): Float32Array {
    const out = new Float32Array(rows.length * stats.length);
    rows.forEach((r, i) => stats.forEach((s, c) => (out[i * stats.length + c] = (table.values[firstColumn + c][r] - s.mean) / s.std)));
    return out;
}

function userRows(table: DataTable, firstColumn: number, count: number, rows: number[]): Float32Array {
    const out = new Float32Array(rows.length * count);
    rows.forEach((r, i) => {
        for (let c = 0; c < count; c++) out[i * count + c] = table.values[firstColumn + c][r];
    });
    return out;
}

/**
 * The data path as the metadata records it: as written in the .inv file, i.e. relative to
 * the .inv file's folder (found by taking the model path as written off the model's path).
 */
function relativeDataPath(oracle: OracleSpec, training: OracleTrainingSpec): string {
    const written = normalize(oracle.modelPathAsWritten);
    if (isAbsolute(written) || !oracle.modelPath.endsWith(written)) return training.dataPath;
    const invFolder = oracle.modelPath.slice(0, oracle.modelPath.length - written.length);
    return relative(invFolder, training.dataPath).split(sep).join('/');
}

/** A file's size, 0 when it cannot be looked at (reading it reports that). */
async function fileBytes(path: string): Promise<number> {
    return (await stat(path).catch(() => null))?.size ?? 0;
}
