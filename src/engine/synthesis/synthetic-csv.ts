/**
 * The file a synthesis writes (LANGUAGE.md, "Synthesis"): a CSV with a header row, every
 * input of the oracle, then every output as the oracle predicts it, one line per row in the
 * order of the result's `solutions` and `synthesis.assigned`. Only where
 * contract/synthesis-output.ts allows (inside the .inv file's folder tree, never over a
 * file inv did not write unless `overwrite`), atomically (a reader never sees half a file; a
 * replaced file keeps its mode), with the record that says inv wrote it beside it; its folder
 * is created when missing. When the file cannot be written after all, the rows are kept
 * beside it or in the system's temporary folder, never lost.
 */
import Papa from 'papaparse';
import { basename, dirname, join } from 'node:path';

import { writeFileAtomically } from '../contract/atomic-write.js';
import { EngineError } from '../contract/errors.js';
import type { Solution } from '../contract/results.js';
import { checkSynthesisOutput, isOutputProblem, writtenRecord, writtenRecordPath } from '../contract/synthesis-output.js';
import { destinationProblem, writeOrKeepAside } from '../contract/write-destination.js';

/**
 * Significant digits written: a feature or output computed in float32 carries about 7, so
 * more would only print noise. Fixed features are written exactly as given.
 */
const DIGITS = 7;
/** Rows are compared at this many significant digits when counting distinct ones. */
export const DISTINCT_DIGITS = 6;

/**
 * `exact`: inputs written at full precision (those of `require` relations, which hold to
 * 1e-9, and whole numbers); labels are written as they are.
 */
export function syntheticCsv(inputs: string[], outputs: string[], rows: Solution[], fixed: ReadonlySet<string>, exact: ReadonlySet<string> = new Set()): string {
    const data = rows.map((r) => [
        ...inputs.map((name) => (fixed.has(name) || exact.has(name) ? r.inputs[name] : rounded(r.inputs[name], DIGITS))),
        ...outputs.map((name) => rounded(r.outputs[name], DIGITS)),
    ]);
    return Papa.unparse({ fields: [...inputs, ...outputs], data }, { newline: '\n' }) + '\n';
}

export interface SyntheticCsvTarget {
    /** Absolute path of the CSV, and of the .inv file (its folder bounds where rows may go). */
    path: string;
    source: string;
    /** The synthesis block's name, recorded beside the file. */
    name: string;
    overwrite: boolean;
}

/** Refuses, before a run starts, an `output` that the run could not write (EngineError saying why). */
export async function checkSyntheticCsvTarget(target: SyntheticCsvTarget): Promise<void> {
    const check = await checkSynthesisOutput(target.path, dirname(target.source), target.overwrite);
    if (isOutputProblem(check)) throw new EngineError(`synthesis ${target.name}: cannot write ${target.path}: ${check.message} (${check.code})`);
    // A read-only folder, or one that cannot be created: said now, not after the rows are made.
    const problem = await destinationProblem(target.path, { createFolder: true });
    if (problem) throw new EngineError(`synthesis ${target.name} was not started: ${problem}`);
}

export interface SyntheticCsvWritten {
    /** Where the rows are: `target.path`, or elsewhere when it could not be written (then `asideBecause` says why). */
    path: string;
    asideBecause: string | null;
    /** A file inv wrote before (or any file, with `overwrite`) was replaced. */
    overwritten: boolean;
}

export async function writeSyntheticCsv(target: SyntheticCsvTarget, text: string): Promise<SyntheticCsvWritten> {
    // Checked again: the file may have appeared (or changed) while the run trained.
    const check = await checkSynthesisOutput(target.path, dirname(target.source), target.overwrite);
    if (isOutputProblem(check)) {
        const kept = await writeOrKeepAside(asideName(target), text);
        return { path: kept.path, asideBecause: `${check.message} (${check.code})`, overwritten: false };
    }
    let kept;
    try {
        kept = await writeOrKeepAside(target.path, text, { createFolder: true });
    } catch (e) {
        throw new EngineError(`${target.path}: cannot write the synthetic rows, nor keep them elsewhere (${(e as Error).message})`);
    }
    if (kept.asideBecause === null) {
        // Without its record a file is not inv's: the next run would refuse to replace it, which is the safe side.
        await writeFileAtomically(writtenRecordPath(kept.path), writtenRecord(kept.path, text, target.source, target.name)).catch(() => undefined);
    }
    return { path: kept.path, asideBecause: kept.asideBecause, overwritten: kept.asideBecause === null && check.replaces };
}

/** Where rows go that may not replace the file at the target: beside the .inv file, under a name of their own. */
function asideName(target: SyntheticCsvTarget): string {
    const stem = basename(target.path).replace(/\.csv$/i, '');
    return join(dirname(target.source), `${stem}.inv-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`);
}

/** How many rows differ from every other in some input or output, at DISTINCT_DIGITS significant digits. */
export function distinctRows(inputs: string[], outputs: string[], rows: Solution[]): number {
    const seen = new Set<string>();
    for (const r of rows) {
        seen.add([...inputs.map((n) => rounded(r.inputs[n], DISTINCT_DIGITS)), ...outputs.map((n) => rounded(r.outputs[n], DISTINCT_DIGITS))].join(','));
    }
    return seen.size;
}

function rounded(v: number | string, digits: number): number | string {
    return typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(digits)) : v;
}
