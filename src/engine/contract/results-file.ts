/**
 * `inv run --out PATH`: the results of every run, as a JSON array of results objects
 * (CLI-AND-RESULTS.md) or as a CSV with one row per solution. Written atomically (a temp
 * file beside the target, then a rename), so a reader never sees half a file, even when
 * the run is cancelled while writing, and a failed write loses nothing.
 */
import Papa from 'papaparse';
import { extname } from 'node:path';
import type { InvResult } from './results.js';
import { writeOrKeepAside, type KeptFile } from './write-destination.js';

export type ResultsFormat = 'json' | 'csv';

/** The format an `--out` path asks for, from its extension; null for anything else. */
export function resultsFormatOf(path: string): ResultsFormat | null {
    const ext = extname(path).toLowerCase();
    return ext === '.json' ? 'json' : ext === '.csv' ? 'csv' : null;
}

/** A JSON array holding one results object per run, in file order, even when one ran. */
export function resultsToJson(results: InvResult[]): string {
    return JSON.stringify(results, null, 2) + '\n';
}

/**
 * One row per solution: `name`, every input, every output, `error`, `meets`. Runs on
 * different oracles share the file: the columns are the union, in order of first
 * appearance, and a run leaves the others' columns empty.
 */
export function resultsToCsv(results: InvResult[]): string {
    const inputs = unionInOrder(results.map((r) => r.oracle.inputs));
    const outputs = unionInOrder(results.map((r) => r.oracle.outputs));
    const header = ['name', ...inputs, ...outputs, 'error', 'meets'];
    const rows: Array<Array<string | number | boolean>> = [];
    for (const r of results) {
        for (const s of r.solutions) {
            rows.push([
                r.name,
                ...inputs.map((f) => cell(own(s.inputs, f))),
                ...outputs.map((o) => cell(own(s.outputs, o))),
                s.error,
                s.meets,
            ]);
        }
    }
    // A name shared by an input and an output would make two columns with one header; the
    // language forbids duplicate names within an oracle, so this cannot happen for one run.
    return Papa.unparse({ fields: header, data: rows }, { newline: '\n' }) + '\n';
}

/**
 * Writes the results (atomically, src/engine/contract/atomic-write.ts). Finished runs are not
 * thrown away: when `path` cannot be written, they are kept beside it or in the system's
 * temporary folder, and the answer says where (write-destination.ts).
 */
export async function writeResultsFile(path: string, results: InvResult[]): Promise<KeptFile> {
    const format = resultsFormatOf(path);
    if (format === null) throw new Error(`${path}: --out must end in .json or .csv`);
    return writeOrKeepAside(path, format === 'json' ? resultsToJson(results) : resultsToCsv(results));
}

/** A column's value, only when the run has that column: a name like `toString` is not Object's. */
function own(values: Record<string, number | string>, name: string): number | string | undefined {
    return Object.hasOwn(values, name) ? values[name] : undefined;
}

/** A number, or a categorical input's label as it is. */
function cell(v: number | string | undefined): number | string {
    return v === undefined ? '' : v;
}

function unionInOrder(lists: string[][]): string[] {
    const seen = new Set<string>();
    for (const list of lists) for (const x of list) seen.add(x);
    return [...seen];
}
