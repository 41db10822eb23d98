/**
 * The one error type the engine throws for things a user must read and can act on: a model
 * that cannot be read, a backend that is not installed, training data that cannot be used.
 * Its message says what happened and what to do; callers print it as it is (no stack trace).
 * Cancellation is not an error (a run returns its state so far), and data defects found
 * while reading a CSV are `DataDefectError`s (found by src/engine/oracle/data-table.ts).
 */
export class EngineError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'EngineError';
    }
}

export type DataDefectCode = 'data-missing' | 'data-column' | 'data-value' | 'data-empty-cell' | 'data-no-rows';

export interface DataDiagnostic {
    /** The CSV's path, as it was given to readDataTable. */
    file: string;
    /** 1-based line in the CSV; 0 when the defect is the file as a whole (data-missing). */
    line: number;
    /** 1-based CSV column index (field number); 0 when the defect is not one cell's. */
    column: number;
    code: DataDefectCode;
    message: string;
}

/** How many defects one read reports; a CSV with 10,000 bad rows needs the first few, not all. */
export const MAX_DATA_DIAGNOSTICS = 20;

export class DataDefectError extends Error {
    constructor(
        readonly diagnostics: DataDiagnostic[],
        /** Defects found beyond MAX_DATA_DIAGNOSTICS, not listed. */
        readonly omitted = 0,
    ) {
        super(diagnostics.map(formatDataDiagnostic).join('\n') + (omitted > 0 ? `\n(${omitted} more data defects not shown)` : ''));
        this.name = 'DataDefectError';
    }
}

/** `data.csv:57:3 error data-value 'abc' is not a number (column x3)`: the CLI's line format. */
export function formatDataDiagnostic(d: DataDiagnostic): string {
    const where = d.line > 0 ? `${d.file}:${d.line}:${Math.max(d.column, 1)}` : d.file;
    return `${where} error ${d.code} ${d.message}`;
}
