/**
 * The file a synthesis writes (LANGUAGE.md, "Synthesis"): a CSV with a header row, every
 * input of the oracle, then every output as the oracle predicts it, one line per row in the
 * order of the result's `solutions` and `synthesis.assigned`. Written atomically (a reader
 * never sees half a file); its folder is created when missing; an existing file is
 * replaced, and the caller is told so.
 */
import Papa from 'papaparse';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

import { EngineError } from '../contract/errors.js';
import { float32Shortest } from '../contract/number-format.js';
import { writeFileAtomically } from '../contract/results-file.js';
import type { Solution } from '../contract/results.js';

/** Rows are compared at this many significant digits when counting distinct ones. */
export const DISTINCT_DIGITS = 6;

/**
 * The rows as the result holds them: a value computed in float32 as the shortest decimal that
 * reads back as the same float32 (number-format.ts; row i of the file is exactly row i of the
 * result), a fixed feature exactly as given.
 */
export function syntheticCsv(inputs: string[], outputs: string[], rows: Solution[], fixed: ReadonlySet<string>): string {
    const data = rows.map((r) => [
        ...inputs.map((name) => (fixed.has(name) ? r.inputs[name] : float32Shortest(r.inputs[name]))),
        ...outputs.map((name) => float32Shortest(r.outputs[name])),
    ]);
    return Papa.unparse({ fields: [...inputs, ...outputs], data }, { newline: '\n' }) + '\n';
}

/** Writes `text` to `path`; true when a file was there before (and is now replaced). */
export async function writeSyntheticCsv(path: string, text: string): Promise<boolean> {
    const overwritten = existsSync(path);
    try {
        await mkdir(dirname(path), { recursive: true });
        await writeFileAtomically(path, text);
    } catch (e) {
        throw new EngineError(`${path}: cannot write the synthetic rows (${(e as Error).message}); check that its folder is writable`);
    }
    return overwritten;
}

/** How many rows differ from every other in some input or output, at DISTINCT_DIGITS significant digits. */
export function distinctRows(inputs: string[], outputs: string[], rows: Solution[]): number {
    const seen = new Set<string>();
    for (const r of rows) {
        seen.add([...inputs.map((n) => rounded(r.inputs[n], DISTINCT_DIGITS)), ...outputs.map((n) => rounded(r.outputs[n], DISTINCT_DIGITS))].join(','));
    }
    return seen.size;
}

function rounded(v: number, digits: number): number {
    return Number.isFinite(v) ? Number(v.toPrecision(digits)) : v;
}
