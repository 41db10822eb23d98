/**
 * The one reading of a CSV's header row, shared by `inv check` (src/language/oracle-files.ts,
 * which reads the header line alone) and training (src/engine/oracle/data-table.ts, which
 * reads the whole file), so the two never disagree on what a column is called: names are
 * trimmed (`x1, x2` names x1 and x2), and a name given twice is an error, not a silent choice
 * of the first column.
 *
 * No TensorFlow.js here.
 */

export interface CsvHeader {
    /** The column names, trimmed, in file order. */
    columns: string[];
    /** Names that appear more than once, each with its 1-based column numbers. */
    duplicates: Array<{ name: string; positions: number[] }>;
}

/** The header row's fields (as a CSV parser split them) as column names. */
export function csvHeader(fields: readonly string[]): CsvHeader {
    const columns = fields.map((f, i) => (i === 0 ? f.replace(/^\uFEFF/, '') : f).trim());
    const positions = new Map<string, number[]>();
    columns.forEach((name, i) => {
        const list = positions.get(name);
        if (list) list.push(i + 1);
        else positions.set(name, [i + 1]);
    });
    const duplicates = [...positions.entries()]
        .filter(([name, list]) => list.length > 1 && name !== '')
        .map(([name, list]) => ({ name, positions: list }));
    return { columns, duplicates };
}

/** "column `y` appears twice (columns 3 and 5)": the message for a name given more than once. */
export function duplicateColumnMessage(d: { name: string; positions: number[] }): string {
    const times = d.positions.length === 2 ? 'twice' : `${d.positions.length} times`;
    const where = d.positions.length === 2 ? `columns ${d.positions[0]} and ${d.positions[1]}` : `columns ${d.positions.join(', ')}`;
    return `column \`${d.name}\` appears ${times} in the header (${where}); rename one, so it is clear which one is meant`;
}

/**
 * A CSV cell as a number, read strictly: decimal notation only (`12`, `-3.5`, `.5`, `1e-3`),
 * as the `.inv` language writes numbers. JavaScript's Number() would also take `0x1F4`,
 * `0b11`, `Infinity` and a blank cell; a cell like that is a defect to report, not a number.
 */
export function csvNumber(cell: string): { ok: true; value: number } | { ok: false; why: string } {
    if (!DECIMAL.test(cell)) {
        if (/^[+-]?0[xXbBoO]/.test(cell)) return { ok: false, why: `'${cell}' is not a decimal number (hexadecimal, binary and octal cells are not read)` };
        return { ok: false, why: `'${cell}' is not a number` };
    }
    const value = Number(cell);
    if (!Number.isFinite(value)) return { ok: false, why: `'${cell}' overflows: it is beyond the largest number inv can hold (about 1.8e308)` };
    return { ok: true, value };
}

const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
