/**
 * Oracle training on the fused kernel (nn/fused/): the network, its Adam moments and the
 * training rows live in the kernel's memory; one call runs many minibatches (gather,
 * forward, loss, backward, Adam with each batch's learning rate), so an epoch costs a few
 * calls instead of TF.js's dozens of operations per batch. Same initial weights, shuffles,
 * schedule and loss as train.ts's TF.js path (OracleFit); chosen with the `wasm-fused`
 * backend.
 */
import type { ColumnStats } from '../contract/model-metadata.js';
import { initialWeights } from '../nn/dense-net.js';
import { KernelMemory, roundUp } from '../nn/fused/kernel.js';
import { Training } from '../nn/fused/kernel-layout.js';
import { KernelNet, type LayerWeights } from '../nn/fused/kernel-net.js';
import { Random, seedFor } from '../nn/random.js';
import type { OracleTrainingSpec } from '../contract/spec.js';
import { scoreClassifier } from './class-labels.js';

export interface FitScore {
    rmse: Record<string, number>;
    /** A classifier's; null for a regressor. */
    accuracy: number | null;
    logLoss: number | null;
}

export class FusedFit {
    private readonly memory = new KernelMemory();
    private readonly net: KernelNet;
    private readonly run: number;
    private readonly batchPad: number;
    private readonly batches: number;
    private readonly order: number;
    private readonly lr: number;
    private readonly losses: number;
    /** Scored row sets, laid out once each (validation every epoch, test at the end). */
    private readonly scored = new Map<Float32Array, { x: number; out: number; rows: number }>();

    constructor(
        training: OracleTrainingSpec,
        private readonly nIn: number,
        private readonly nOut: number,
        private readonly classifier: boolean,
        /** Training rows [rows x nIn] standardised, and what they are fitted to [rows x nOut]. */
        trainX: Float32Array,
        trainY: Float32Array,
        private readonly rows: number,
    ) {
        const m = this.memory;
        const sizes = [nIn, ...training.layers, nOut];
        // train.ts's OracleFit draws the same weights (same seed and purpose).
        const weights = initialWeights(sizes, new Random(seedFor(training.seed, 'oracle-init')));
        const layers: LayerWeights[] = weights.map((w, l) => ({ ...w, activation: l + 1 === weights.length ? 'linear' : training.activation }));
        this.batchPad = roundUp(training.batch, 8);
        this.net = new KernelNet(m, layers, this.batchPad, true);
        this.batches = Math.ceil(rows / training.batch);
        const run = (this.run = m.words(Training.bytes / 4));
        const set = (field: number, value: number) => m.setI32(run, field, value);
        const x = m.words(rows * nIn);
        m.write(x, trainX);
        const y = m.words(rows * nOut);
        m.write(y, trainY);
        this.order = m.words(rows);
        this.lr = m.words(this.batches);
        this.losses = m.words(this.batches);
        set(Training.net, this.net.pointer);
        set(Training.x, x);
        set(Training.y, y);
        set(Training.rows, rows);
        set(Training.order, this.order);
        set(Training.batch, training.batch);
        set(Training.lr, this.lr);
        set(Training.losses, this.losses);
        set(Training.classifier, classifier ? 1 : 0);
        set(Training.xb, m.words(nIn * this.batchPad));
        set(Training.yb, m.words(nOut * this.batchPad));
        set(Training.dyb, m.words(nOut * this.batchPad));
    }

    get batchesPerEpoch(): number {
        return this.batches;
    }

    /** Starts an epoch: its row order and each batch's learning rate. */
    startEpoch(order: Int32Array, learningRates: number[]): void {
        this.memory.i32(this.order, this.rows).set(order);
        this.memory.write(this.lr, learningRates);
    }

    /** Batches [first, first + count) of the epoch; their losses. */
    trainBatches(first: number, count: number): Float32Array {
        this.memory.setI32(this.run, Training.first, first);
        this.memory.setI32(this.run, Training.batches, count);
        this.memory.kernel.trainBatches(this.run);
        return this.memory.f32(this.losses, count).slice();
    }

    /** The net's outputs for rows [rows x nIn] (standardised): [rows x nOut]. */
    predict(x: Float32Array): Float32Array {
        let at = this.scored.get(x);
        const rows = x.length / this.nIn;
        if (!at) {
            at = { x: this.memory.words(x.length), out: this.memory.words(rows * this.nOut), rows };
            this.memory.write(at.x, x);
            this.scored.set(x, at);
        }
        const m = this.memory;
        m.kernel.predictRows(this.net.pointer, at.x, rows, m.getI32(this.run, Training.xb), this.batchPad, at.out);
        return m.f32(at.out, rows * this.nOut).slice();
    }

    /**
     * x standardised; y in user units (a regressor) or one-hot (a classifier). RMSE per
     * output in user units, or a classifier's score (as OracleFit.score).
     */
    score(x: Float32Array, y: Float32Array, outStats: ColumnStats[], names: string[]): FitScore {
        const out = this.predict(x);
        const rows = x.length / this.nIn;
        if (this.classifier) {
            const p = new Float32Array(out.length);
            for (let r = 0; r < rows; r++) softmaxRow(out, p, r * this.nOut, this.nOut);
            const s = scoreClassifier(p, y, names);
            return { rmse: s.rmse, accuracy: s.accuracy, logLoss: s.logLoss };
        }
        const rmse: Record<string, number> = {};
        names.forEach((name, o) => {
            let sq = 0;
            for (let r = 0; r < rows; r++) {
                const d = out[r * this.nOut + o] * outStats[o].std + outStats[o].mean - y[r * this.nOut + o];
                sq += d * d;
            }
            rmse[name] = Math.sqrt(sq / rows);
        });
        return { rmse, accuracy: null, logLoss: null };
    }

    async weights(): Promise<LayerWeights[]> {
        return this.net.weights();
    }
}

function softmaxRow(z: Float32Array, out: Float32Array, at: number, width: number): void {
    let m = -Infinity;
    for (let o = 0; o < width; o++) m = Math.max(m, z[at + o]);
    let s = 0;
    for (let o = 0; o < width; o++) s += Math.exp(z[at + o] - m);
    for (let o = 0; o < width; o++) out[at + o] = Math.exp(z[at + o] - m) / s;
}
