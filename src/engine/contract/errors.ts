/**
 * The one error type the engine throws for things a user must read and can act on: a model
 * that cannot be read, a backend that is not installed, training data that cannot be used.
 * Its message says what happened and what to do; callers print it as it is (no stack trace).
 * Cancellation is not an error (a run returns its state so far), and data defects found
 * while reading a CSV are `DataDefectError`s (src/engine/oracle/data-table.ts).
 */
export class EngineError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'EngineError';
    }
}
