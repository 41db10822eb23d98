/**
 * A classifier's targets (`classify COLUMN`, LANGUAGE.md "Oracle"): the label column's text
 * values become one-hot rows in the order of the declared `outputs` (the classes), and
 * each class gets the statistics the metadata records for an output (0..1, its share and
 * the standard deviation of its indicator). How well a classifier does on held-out rows is
 * measured here too: accuracy, log-loss, and per class the RMSE of its probability against
 * the 0/1 indicator (the square root of the class's Brier score) — the last is what the
 * model records as `testRmse`, one number per output as for a regressor.
 */
import type { DataTable } from './data-table.js';
import { EngineError } from '../contract/errors.js';
import type { ColumnStats } from '../contract/model-metadata.js';

/** A probability is clipped to at least this before its log is taken (log-loss stays finite). */
const LOG_FLOOR = 1e-7;

/** Per row the index of its class in `classes`; an unknown label is an error naming it and its row. */
export function classIndices(table: DataTable, column: string, classes: string[]): Int32Array {
    const labels = table.labels ?? [];
    const out = new Int32Array(labels.length);
    labels.forEach((label, i) => {
        const c = classes.indexOf(label);
        if (c < 0) {
            throw new EngineError(
                `${table.path}: column \`${column}\` has the label '${label}' (data row ${i + 1}), which is not one of the oracle's outputs (${classes.join(', ')}); add it to \`outputs\` or remove those rows`,
            );
        }
        out[i] = c;
    });
    return out;
}

/** One-hot rows [rows.length x classes], row-major. */
export function oneHot(indices: Int32Array, classes: number, rows: number[]): Float32Array {
    const out = new Float32Array(rows.length * classes);
    rows.forEach((r, i) => (out[i * classes + indices[r]] = 1));
    return out;
}

/** Per class: min 0, max 1, mean its share of the training rows, std that of its indicator. */
export function classStats(classes: string[], indices: Int32Array, trainRows: number[]): ColumnStats[] {
    return classes.map((name, c) => {
        const share = trainRows.filter((r) => indices[r] === c).length / trainRows.length;
        const std = Math.sqrt(share * (1 - share));
        return { name, min: 0, max: 1, mean: share, std: std > 0 ? std : 1 };
    });
}

export interface ClassifierScore {
    /** Share of rows whose most probable class is their label. */
    accuracy: number;
    /** Mean of -log(probability of the row's own class). */
    logLoss: number;
    /** Per class: RMSE of its probability against the 0/1 indicator. */
    rmse: Record<string, number>;
}

/** Scores probabilities [n x classes] (row-major) against one-hot labels of the same shape. */
export function scoreClassifier(probabilities: ArrayLike<number>, labels: ArrayLike<number>, classes: string[]): ClassifierScore {
    const k = classes.length;
    const n = Math.floor(probabilities.length / k);
    const squared = new Float64Array(k);
    let correct = 0;
    let logLoss = 0;
    for (let i = 0; i < n; i++) {
        let predicted = 0;
        let actual = 0;
        for (let c = 0; c < k; c++) {
            const p = probabilities[i * k + c];
            const y = labels[i * k + c];
            squared[c] += (p - y) ** 2;
            if (p > probabilities[i * k + predicted]) predicted = c;
            if (y > labels[i * k + actual]) actual = c;
        }
        if (predicted === actual) correct++;
        logLoss -= Math.log(Math.max(probabilities[i * k + actual], LOG_FLOOR));
    }
    return {
        accuracy: n > 0 ? correct / n : NaN,
        logLoss: n > 0 ? logLoss / n : NaN,
        rmse: Object.fromEntries(classes.map((name, c) => [name, n > 0 ? Math.sqrt(squared[c] / n) : NaN])),
    };
}
