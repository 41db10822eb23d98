/**
 * Reading a CSV into numeric columns, for oracle training (`data`, `test`) and synthesis
 * references (`like ... column`). Every defect is reported with the CSV's own line and
 * column, so the CLI prints it like a diagnostic (`data.csv:57:3 error data-value ...`) and
 * the user can open the file at the cell.
 */
import Papa from 'papaparse';

import { csvHeader, csvNumber, duplicateColumnMessage } from '../contract/csv-header.js';
import { DataDefectError, MAX_DATA_DIAGNOSTICS, type DataDiagnostic } from '../contract/errors.js';
import { FILE_SIZE_LIMITS, FileReadError, readRegularTextFile } from '../contract/regular-file.js';

export interface DataTable {
    path: string;
    /** The requested numeric columns, in the order asked for. */
    columns: string[];
    /** One array per requested column, `rows` long. */
    values: Float64Array[];
    rows: number;
    /** The label column's values (classification), when one was asked for. */
    labels?: string[];
    /** Per categorical column asked for: each row's label, as its index in the declared labels. */
    categories?: Record<string, Int32Array>;
    /** Rows skipped for an empty cell (`skip missing`); null when none was. */
    skipped: { count: number; firstLine: number } | null;
}

export interface ReadDataOptions {
    /** `skip missing`: a row with an empty cell in a requested column is skipped, not an error. */
    skipMissing: boolean;
    /** `classify COLUMN`: a column read as text labels instead of numbers. */
    labelColumn?: string;
    /**
     * Categorical inputs (`ID of { A, B }`): columns read as labels, each one of its declared
     * list (another is a `data-value` defect naming it).
     */
    categorical?: Record<string, string[]>;
    /** Integer inputs (`ID integer in [..]`): numeric columns whose values must be whole. */
    integer?: string[];
}

export async function readDataTable(path: string, columns: string[], opts: ReadDataOptions): Promise<DataTable> {
    let text: string;
    try {
        // A regular file only, of a size a string can hold, never a pipe that would block (regular-file.ts).
        text = await readRegularTextFile(path, FILE_SIZE_LIMITS.csv);
    } catch (e) {
        const why = e instanceof FileReadError
            ? (e.problem === 'missing' ? 'file not found; check the path (it is relative to the .inv file)' : `the file ${e.reason}`)
            : `cannot read it (${(e as Error).message}); check the path (it is relative to the .inv file)`;
        throw new DataDefectError([{ file: path, line: 0, column: 0, code: 'data-missing', message: why }]);
    }
    return parseDataTable(path, text, columns, opts);
}

/** The parsing half of readDataTable, for text already in memory. */
export function parseDataTable(path: string, text: string, columns: string[], opts: ReadDataOptions): DataTable {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark is not part of the first header (readRegularTextFile removes it too)
    const lines = new LineCounter(text);
    const defects = new DefectList(path);

    let header: string[] | null = null;
    let indices: number[] = [];
    let labelIndex = -1;
    const values: number[][] = columns.map(() => []);
    const labels: string[] = [];
    const categorical = Object.entries(opts.categorical ?? {});
    let categoryIndices: number[] = [];
    const categories: number[][] = categorical.map(() => []);
    const integer = new Set(opts.integer ?? []);
    let skipped: { count: number; firstLine: number } | null = null;
    let rowStart = 0;

    Papa.parse<string[]>(text, {
        skipEmptyLines: true,
        step: (result, parser) => {
            const line = lines.lineAt(rowStart);
            rowStart = result.meta.cursor;
            let unreadable = false;
            for (const err of result.errors) {
                // A one-column file has no delimiter to detect; papaparse then uses ',' as it should.
                if (err.type === 'Delimiter') continue;
                defects.add({ line, column: 0, code: 'data-value', message: `${err.message}; fix the quoting on this line` });
                unreadable = true;
            }
            if (unreadable) return;
            const fields = result.data;
            if (header === null) {
                // The header as `inv check` reads it (csv-header.ts): trimmed names, none twice.
                const read = csvHeader(fields);
                header = read.columns;
                const wanted = [...columns, ...categorical.map(([name]) => name), ...(opts.labelColumn === undefined ? [] : [opts.labelColumn])];
                for (const d of read.duplicates) {
                    if (wanted.includes(d.name)) defects.add({ line, column: d.positions[1], code: 'data-column', message: duplicateColumnMessage(d) });
                }
                for (const name of wanted) {
                    if (!header.includes(name)) {
                        defects.add({
                            line,
                            column: 0,
                            code: 'data-column',
                            message: `column \`${name}\` not found; columns are: ${header.join(', ')}`,
                        });
                    }
                }
                indices = columns.map((c) => header!.indexOf(c));
                if (opts.labelColumn !== undefined) labelIndex = header.indexOf(opts.labelColumn);
                categoryIndices = categorical.map(([name]) => header!.indexOf(name));
                if (defects.count > 0) parser.abort();
                return;
            }
            const row: number[] = [];
            let emptyAt = -1;
            let bad = false;
            for (let k = 0; k < columns.length; k++) {
                const cell = (fields[indices[k]] ?? '').trim();
                if (cell === '') {
                    if (emptyAt < 0) emptyAt = indices[k];
                    continue;
                }
                const v = csvNumber(cell);
                if (!v.ok) {
                    defects.add({ line, column: indices[k] + 1, code: 'data-value', message: `${v.why} (column ${columns[k]})` });
                    bad = true;
                } else if (integer.has(columns[k]) && !Number.isInteger(v)) {
                    defects.add({ line, column: indices[k] + 1, code: 'data-value', message: `'${cell}' is not a whole number (column ${columns[k]} is declared \`integer\`)` });
                    bad = true;
                }
                row.push(v.ok ? v.value : NaN);
            }
            const rowCategories: number[] = [];
            categorical.forEach(([name, declared], c) => {
                const cell = (fields[categoryIndices[c]] ?? '').trim();
                if (cell === '') {
                    if (emptyAt < 0) emptyAt = categoryIndices[c];
                    return;
                }
                const index = declared.indexOf(cell);
                if (index < 0) {
                    defects.add({
                        line,
                        column: categoryIndices[c] + 1,
                        code: 'data-value',
                        message: `'${cell}' is not a label of ${name} (declared: ${declared.join(', ')}); add it to \`${name} of { .. }\` or fix the cell`,
                    });
                    bad = true;
                }
                rowCategories.push(index);
            });
            let label = '';
            if (labelIndex >= 0) {
                label = (fields[labelIndex] ?? '').trim();
                if (label === '' && emptyAt < 0) emptyAt = labelIndex;
            }
            if (emptyAt >= 0) {
                if (opts.skipMissing) {
                    skipped = skipped ? { count: skipped.count + 1, firstLine: skipped.firstLine } : { count: 1, firstLine: line };
                } else {
                    defects.add({
                        line,
                        column: emptyAt + 1,
                        code: 'data-empty-cell',
                        message: `empty cell (column ${header[emptyAt]}); fill it, or add \`skip missing\` to the oracle to skip such rows`,
                    });
                }
                return;
            }
            if (bad) return;
            for (let k = 0; k < columns.length; k++) values[k].push(row[k]);
            rowCategories.forEach((index, c) => categories[c].push(index));
            if (labelIndex >= 0) labels.push(label);
        },
    });

    if (header === null) {
        defects.add({ line: 1, column: 0, code: 'data-no-rows', message: 'the file is empty; it needs a header row naming the columns, then data rows' });
    }
    const rows = values.length > 0 ? values[0].length : categories.length > 0 ? categories[0].length : labels.length;
    if (defects.count === 0 && header !== null && rows === 0) {
        const why = skipped ? `every row has an empty cell (${(skipped as { count: number }).count} skipped)` : 'only a header row';
        defects.add({ line: 1, column: 0, code: 'data-no-rows', message: `no data rows: ${why}` });
    }
    defects.throwIfAny();

    const table: DataTable = { path, columns: [...columns], values: values.map((v) => Float64Array.from(v)), rows, skipped };
    if (opts.labelColumn !== undefined) table.labels = labels;
    if (categorical.length > 0) table.categories = Object.fromEntries(categorical.map(([name], c) => [name, Int32Array.from(categories[c])]));
    return table;
}

/** Maps character offsets to 1-based line numbers; offsets are asked for in increasing order. */
class LineCounter {
    private offset = 0;
    private line = 1;

    constructor(private readonly text: string) {}

    /** The line of the first non-blank character at or after `start` (papaparse skips blank lines). */
    lineAt(start: number): number {
        while (start < this.text.length && (this.text[start] === '\n' || this.text[start] === '\r')) start++;
        for (; this.offset < start; this.offset++) if (this.text.charCodeAt(this.offset) === 10) this.line++;
        return this.line;
    }
}

class DefectList {
    readonly list: DataDiagnostic[] = [];
    private omitted = 0;

    constructor(private readonly file: string) {}

    get count(): number {
        return this.list.length + this.omitted;
    }

    add(d: Omit<DataDiagnostic, 'file'>): void {
        if (this.list.length < MAX_DATA_DIAGNOSTICS) this.list.push({ file: this.file, ...d });
        else this.omitted++;
    }

    throwIfAny(): void {
        if (this.count > 0) throw new DataDefectError(this.list, this.omitted);
    }
}
