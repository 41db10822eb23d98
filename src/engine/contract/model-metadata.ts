/**
 * What `inv train` records in model.json under `userDefinedMetadata.inv` (LANGUAGE.md,
 * "Oracle"). The language server reads it for hover and validation; it must stay free of
 * TensorFlow.js so that reading it never loads a backend.
 */

export interface ColumnStats {
    name: string;
    /** Data min / max: the column's domain. */
    min: number;
    max: number;
    /** Standardisation: z = (v - mean) / std. */
    mean: number;
    std: number;
    /**
     * A typed input (LANGUAGE.md, "Typed inputs and relations"): `integer`, or `categorical`
     * with its `labels` (one one-hot model column each, in that order, not standardised:
     * min 0, max 1, mean 0, std 1). Absent for a real column.
     */
    type?: 'integer' | 'categorical';
    labels?: string[];
}

export interface InvModelMetadata {
    inputs: ColumnStats[];
    outputs: ColumnStats[];
    /** Class labels of a classifier (`classify`), in output order; null for a regressor. */
    classes: string[] | null;
    /** Test RMSE per output (a classifier: per class, of its probability against the 0/1 indicator). */
    testRmse: Record<string, number>;
    /** A classifier's share of correctly classified test rows, and its log-loss there (absent for a regressor). */
    accuracy?: number;
    logLoss?: number;
    /** The training CSV, as written in the .inv file. */
    data: string;
    /** ISO date. */
    trainedAt: string;
    /**
     * The weight files as written (all of them, in the manifest's order): their bytes and the
     * sha256 of those bytes, so a damaged or replaced weights file is found, not used.
     * Absent in models written before inv recorded it.
     */
    weights?: WeightsRecord;
}

export interface WeightsRecord {
    bytes: number;
    sha256: string;
}

export const METADATA_KEY = 'inv';
