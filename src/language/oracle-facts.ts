/**
 * What is known about an oracle once its files are read: the model's summary and, per
 * column, the domain that applies (declared in the file, else recorded by `inv train` in
 * model.json) and the output range seen in training. The validator and the hover read these.
 */
import type { ModelSummaryResult } from '../engine/contract/model-summary.js';
import type { ColumnStats } from '../engine/contract/model-metadata.js';
import { oracleClassify, oracleInputs, oracleModel, oracleOutputs } from './ast-fields.js';
import { resolveDocumentPath } from './document-paths.js';
import type { Oracle } from './generated/ast.js';
import type { OracleFiles } from './oracle-files.js';

export interface Domain {
    lo: number;
    hi: number;
    source: 'declared' | 'recorded';
}

export interface OracleFacts {
    /** Absolute path of model.json; undefined without `model` or outside a file. */
    modelPath: string | undefined;
    /** The model's summary; undefined when there is no path to read. */
    model: ModelSummaryResult | undefined;
    /** Whether the outputs are class probabilities (`classify`, or recorded classes). */
    classifier: boolean;
    /** The domain of an input by name, or null when neither declared nor recorded. */
    domain(input: string): Domain | null;
    /** The range of an output seen in training ([0, 1] for a class probability), or null. */
    outputRange(output: string): { lo: number; hi: number } | null;
    /** The recorded per-input statistics (mean, std, min, max), when the model has them. */
    recordedInput(input: string): ColumnStats | null;
    /** The recorded test RMSE of an output, when the model has one. */
    testRmse(output: string): number | null;
}

export async function readOracleFacts(oracle: Oracle, files: OracleFiles): Promise<OracleFacts> {
    const written = oracleModel(oracle);
    const modelPath = written === undefined ? undefined : resolveDocumentPath(oracle, written);
    const model = modelPath === undefined ? undefined : await files.modelSummary(modelPath);
    const metadata = model?.ok ? model.metadata : null;
    const inputs = oracleInputs(oracle);
    const outputs = oracleOutputs(oracle);

    // Recorded statistics belong to the model's columns in order: match by position when the
    // counts agree (the declaration names the model's columns), else by name.
    const recordedIn = matchColumns(inputs.map((f) => f.name), metadata?.inputs ?? []);
    const recordedOut = matchColumns(outputs.map((o) => o.name), metadata?.outputs ?? []);
    const classifier = oracleClassify(oracle) !== undefined || (metadata?.classes ?? null) !== null
        || (model?.ok === true && model.imported?.probabilities === true);

    return {
        modelPath,
        model,
        classifier,
        domain(input) {
            const declared = inputs.find((f) => f.name === input)?.domain;
            if (declared) return { lo: declared.lo, hi: declared.hi, source: 'declared' };
            const recorded = recordedIn.get(input);
            return recorded ? { lo: recorded.min, hi: recorded.max, source: 'recorded' } : null;
        },
        outputRange(output) {
            if (classifier) return { lo: 0, hi: 1 };
            const recorded = recordedOut.get(output);
            return recorded ? { lo: recorded.min, hi: recorded.max } : null;
        },
        recordedInput: (input) => recordedIn.get(input) ?? null,
        testRmse(output) {
            const value = metadata && Object.hasOwn(metadata.testRmse, output) ? metadata.testRmse[output] : undefined;
            return typeof value === 'number' ? value : null;
        },
    };
}

function matchColumns(declared: string[], recorded: ColumnStats[]): Map<string, ColumnStats> {
    const byName = new Map<string, ColumnStats>();
    if (declared.length === recorded.length) {
        declared.forEach((name, i) => byName.set(name, recorded[i]));
    } else {
        for (const column of recorded) if (declared.includes(column.name)) byName.set(column.name, column);
    }
    return byName;
}
