import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDefectError, formatDataDiagnostic, type DataDiagnostic } from '../../src/engine/contract/errors.js';
import { parseDataTable, readDataTable } from '../../src/engine/oracle/data-table.js';

const plain = { skipMissing: false };

function defects(text: string, columns: string[], opts = plain as { skipMissing: boolean; labelColumn?: string }): DataDiagnostic[] {
    try {
        parseDataTable('d.csv', text, columns, opts);
    } catch (e) {
        expect(e).toBeInstanceOf(DataDefectError);
        return (e as DataDefectError).diagnostics;
    }
    throw new Error('expected a data defect');
}

describe('readDataTable', () => {
    it('reads the requested columns in the order asked for', () => {
        const t = parseDataTable('d.csv', 'a,b,c\n1,2,3\n4,5,6\n', ['c', 'a'], plain);
        expect(t.rows).toBe(2);
        expect(t.columns).toEqual(['c', 'a']);
        expect(Array.from(t.values[0])).toEqual([3, 6]);
        expect(Array.from(t.values[1])).toEqual([1, 4]);
        expect(t.skipped).toBeNull();
    });

    it('accepts a byte-order mark, CRLF line ends, blank lines and quoted headers', () => {
        const t = parseDataTable('d.csv', '\uFEFF"Beak Length (mm)",y\r\n1.5,2\r\n\r\n3e2,-4\r\n', ['Beak Length (mm)', 'y'], plain);
        expect(Array.from(t.values[0])).toEqual([1.5, 300]);
        expect(Array.from(t.values[1])).toEqual([2, -4]);
    });

    it('reports a missing file as data-missing without a position', async () => {
        const path = join(tmpdir(), 'inv-no-such-file.csv');
        const err = await readDataTable(path, ['x'], plain).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DataDefectError);
        const [d] = (err as DataDefectError).diagnostics;
        expect(d.code).toBe('data-missing');
        expect(d.line).toBe(0);
        expect(formatDataDiagnostic(d)).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} error data-missing file not found`));
    });

    it('reports a missing header column and lists the columns there are', () => {
        const [d] = defects('x1,x2,y\n1,2,3\n', ['x1', 'x3']);
        expect(d).toMatchObject({ line: 1, code: 'data-column' });
        expect(d.message).toBe('column `x3` not found; columns are: x1, x2, y');
    });

    it('reports a non-number with its own line and CSV column', () => {
        const text = 'x1,x2,x3\n1,2,3\n\n4,5,abc\n';
        const [d] = defects(text, ['x1', 'x2', 'x3']);
        expect(d).toMatchObject({ line: 4, column: 3, code: 'data-value', message: "'abc' is not a number (column x3)" });
        expect(formatDataDiagnostic(d)).toBe("d.csv:4:3 error data-value 'abc' is not a number (column x3)");
    });

    it('counts lines inside quoted cells that span lines', () => {
        const text = 'note,x\n"two\nlines",1\nok,zz\n';
        const [d] = defects(text, ['x']);
        expect(d).toMatchObject({ line: 4, column: 2, code: 'data-value' });
    });

    it('reports an empty cell, or skips its row with skip missing', () => {
        const text = 'a,b\n1,2\n3,\n,6\n7,8\n';
        const [d] = defects(text, ['a', 'b']);
        expect(d).toMatchObject({ line: 3, column: 2, code: 'data-empty-cell' });
        expect(d.message).toContain('skip missing');
        const t = parseDataTable('d.csv', text, ['a', 'b'], { skipMissing: true });
        expect(t.rows).toBe(2);
        expect(Array.from(t.values[0])).toEqual([1, 7]);
        expect(t.skipped).toEqual({ count: 2, firstLine: 3 });
    });

    it('ignores empty cells in columns nobody asked for', () => {
        const t = parseDataTable('d.csv', 'a,unused\n1,\n2,\n', ['a'], plain);
        expect(Array.from(t.values[0])).toEqual([1, 2]);
    });

    it('reports a file with no data rows, and an empty file', () => {
        expect(defects('a,b\n', ['a'])[0]).toMatchObject({ code: 'data-no-rows', line: 1 });
        expect(defects('', ['a'])[0]).toMatchObject({ code: 'data-no-rows' });
        expect(defects('a\n\n\n', ['a'], { skipMissing: true })[0].code).toBe('data-no-rows');
        expect(defects('a,b\n,1\n', ['a'], { skipMissing: true })[0].message).toContain('every row has an empty cell');
    });

    it('reads a label column as text for classification', () => {
        const t = parseDataTable('d.csv', 'x,species\n1,Adelie\n2,Gentoo\n', ['x'], { skipMissing: false, labelColumn: 'species' });
        expect(t.labels).toEqual(['Adelie', 'Gentoo']);
        expect(defects('x,kind\n1,a\n', ['x'], { skipMissing: false, labelColumn: 'species' })[0].code).toBe('data-column');
    });

    it('lists at most a few defects of a badly broken file, and says how many more', () => {
        const text = 'a\n' + Array.from({ length: 100 }, () => 'nope').join('\n');
        try {
            parseDataTable('d.csv', text, ['a'], plain);
            expect.unreachable();
        } catch (e) {
            const err = e as DataDefectError;
            expect(err.diagnostics).toHaveLength(20);
            expect(err.omitted).toBe(80);
            expect(err.message).toContain('80 more data defects');
        }
    });

    it('reads a real file from disk', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'inv-data-'));
        writeFileSync(join(dir, 'd.csv'), 'x,y\n1,2\n');
        const t = await readDataTable(join(dir, 'd.csv'), ['y'], plain);
        expect(Array.from(t.values[0])).toEqual([2]);
    });
});

describe('readDataTable on broken quoting', () => {
    it('reports an unterminated quote once, on its line', () => {
        const found = defects('a,b\n1,2\n"3,4\n5,6\n', ['a']);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ line: 3, code: 'data-value' });
        expect(found[0].message).toContain('Quoted field unterminated');
    });
});

describe('cells and headers read as `inv check` reads them (issue 15)', () => {
    it('a header with spaces after the commas names the same columns as check', () => {
        const t = parseDataTable('d.csv', 'x1, x2, y\n1, 2, 3\n', ['x1', 'x2', 'y'], plain);
        expect(Array.from(t.values[2])).toEqual([3]);
    });

    it('a declared column given twice is data-column, naming both positions', () => {
        const [d] = defects('a,y,y\n1,2,3\n', ['a', 'y']);
        expect(d).toMatchObject({ line: 1, column: 3, code: 'data-column' });
        expect(d.message).toBe('column `y` appears twice in the header (columns 2 and 3); rename one, so it is clear which one is meant');
        // A column nobody reads may repeat.
        expect(parseDataTable('d.csv', 'a,n,n\n1,2,3\n', ['a'], plain).rows).toBe(1);
    });

    it('hexadecimal, binary and octal cells are data-value, not numbers', () => {
        const found = defects('a,b\n0x1F4,1\n0b11,2\n0o7,3\nInfinity,4\n', ['a', 'b']);
        expect(found.map((d) => [d.line, d.column, d.code])).toEqual([[2, 1, 'data-value'], [3, 1, 'data-value'], [4, 1, 'data-value'], [5, 1, 'data-value']]);
        expect(found[0].message).toBe("'0x1F4' is not a decimal number (hexadecimal, binary and octal cells are not read) (column a)");
        expect(found[3].message).toBe("'Infinity' is not a number (column a)");
    });

    it('a number that overflows says so, instead of "not a number"', () => {
        const [d] = defects('a\n1e400\n', ['a']);
        expect(d.message).toBe("'1e400' overflows: it is beyond the largest number inv can hold (about 1.8e308) (column a)");
        expect(Array.from(parseDataTable('d.csv', 'a\n+1.5e3\n-.5\n', ['a'], plain).values[0])).toEqual([1500, -0.5]);
    });

    it('a CSV saved as UTF-16 is data-missing with its encoding named; a FIFO is refused at once', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'inv-csv-'));
        writeFileSync(join(dir, 'u16.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,y\n1,2\n', 'utf16le')]));
        const err = await readDataTable(join(dir, 'u16.csv'), ['a'], plain).catch((e: unknown) => e);
        expect((err as DataDefectError).diagnostics[0]).toMatchObject({ code: 'data-missing' });
        expect((err as DataDefectError).diagnostics[0].message).toMatch(/encoded as UTF-16LE; save it as UTF-8/);
        const { execFileSync } = await import('node:child_process');
        execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
        const started = performance.now();
        const fifo = await readDataTable(join(dir, 'pipe.csv'), ['a'], plain).catch((e: unknown) => e);
        expect((fifo as DataDefectError).diagnostics[0].message).toMatch(/named pipe \(FIFO\), not a regular file/);
        expect(performance.now() - started).toBeLessThan(1000);
    });
});
