/**
 * The files an oracle names, read for validation and hover: model.json (JSON only, through
 * src/engine/contract/model-summary.ts), a CSV's header line, and the distinct labels of a `classify`
 * column. Each result is cached by path and file stamp (mtime + size), so a file is read again
 * only when it changed, and validating a file with 2,000 inversions reads each model once.
 * Nothing here loads TensorFlow.js.
 */
import Papa from 'papaparse';
import { stat, type FileHandle } from 'node:fs/promises';
import { sep } from 'node:path';
import { csvHeader, type CsvHeader } from '../engine/contract/csv-header.js';
import { FILE_SIZE_LIMITS, FileReadError, openRegularFile, utf16Encoding } from '../engine/contract/regular-file.js';
import { readModelSummary, type ModelSummaryResult } from '../engine/contract/model-summary.js';
import {
    checkSynthesisOutput, writtenRecordPath, wroteIt, type SynthesisOutputProblem, type SynthesisOutputState,
} from '../engine/contract/synthesis-output.js';

export type CsvHeaderResult =
    | ({ ok: true } & CsvHeader)
    | { ok: false; kind: 'missing' | 'unreadable'; reason: string };

export type ClassLabelsResult =
    | { ok: true; labels: string[]; rows: number; capped: boolean }
    | { ok: false; reason: string };

/** How many rows a `classify` column's labels are collected from. */
export const LABEL_ROW_CAP = 1_000_000;
/** A header line longer than this is not a CSV header. */
const HEADER_BYTE_CAP = 1 << 20;

interface Stamped<T> {
    stamp: string;
    value: Promise<T>;
    /** When the stamp was last compared with the file's (performance.now()). */
    lookedAt: number;
    /** Other files the value was read from (a model's weights), with their stamps then. */
    also?: { paths: string[]; stamp: string };
}

/** The stamps (mtime, size) of several files, as one string; a missing file has its own. */
async function stampsOf(paths: string[]): Promise<string> {
    const stamps = await Promise.all(paths.map((p) => stat(p).then((s) => `${s.mtimeMs}:${s.size}`, () => '-')));
    return stamps.join('|');
}

/**
 * How long a file's stamp is trusted without looking again: validating 2,000 inversions on
 * one oracle asks for its model 2,000 times in a row, and one look is enough for all.
 */
const STAMP_TRUST_MS = 250;

export class OracleFiles {
    private readonly models = new Map<string, Stamped<ModelSummaryResult>>();
    private readonly headers = new Map<string, Stamped<CsvHeaderResult>>();
    private readonly labels = new Map<string, Stamped<ClassLabelsResult>>();
    private readonly written = new Map<string, Stamped<boolean>>();

    /** model.json at an absolute path, summarised. */
    modelSummary(path: string): Promise<ModelSummaryResult> {
        return this.cached(this.models, path, path, () => readModelSummary(path),
            (reason, kind) => ({ ok: false, kind, reason }),
            (summary) => (summary.ok ? summary.weightFiles : []));
    }

    /** The header row of a CSV (names exactly as written, a byte-order mark removed). */
    csvHeader(path: string): Promise<CsvHeaderResult> {
        return this.cached(this.headers, path, path, () => readCsvHeader(path),
            (reason, kind) => ({ ok: false, kind, reason }));
    }

    /** The distinct values of one CSV column, in order of first appearance. */
    classLabels(path: string, column: string): Promise<ClassLabelsResult> {
        return this.cached(this.labels, `${path}\u0000${column}`, path, () => readColumnLabels(path, column),
            (reason) => ({ ok: false, reason }));
    }

    /**
     * Whether a synthesis may write `path` (contract/synthesis-output.ts); whether inv wrote
     * a file already there is cached by the stamps of the file and of its record.
     */
    synthesisOutput(path: string, invFolder: string, overwrite: boolean): Promise<SynthesisOutputProblem | SynthesisOutputState> {
        return checkSynthesisOutput(path, invFolder, overwrite, async (file) => {
            const stamp = await stampsOf([file, writtenRecordPath(file)]);
            const hit = this.written.get(file);
            if (hit && hit.stamp === stamp) return hit.value;
            const value = wroteIt(file);
            this.written.set(file, { stamp, value, lookedAt: performance.now() });
            return value;
        });
    }

    /**
     * Forgets what is known about these files (absolute paths; a folder forgets what is in
     * it): the editor said they changed, so the next look reads them whatever their stamp.
     */
    forget(paths: string[]): void {
        for (const cache of [this.models, this.headers, this.labels, this.written] as Array<Map<string, unknown>>) {
            for (const key of [...cache.keys()]) {
                const path = key.split('\u0000')[0];
                if (paths.some((p) => path === p || path.startsWith(p.endsWith(sep) ? p : p + sep))) cache.delete(key);
            }
        }
    }

    private async cached<T>(
        cache: Map<string, Stamped<T>>, key: string, path: string, read: () => Promise<T>,
        failure: (reason: string, kind: 'missing' | 'unreadable') => T,
        /** Other files the value depends on (a model's weight files): a change to them reads it again. */
        alsoRead?: (value: T) => string[],
    ): Promise<T> {
        const hit = cache.get(key);
        if (hit && performance.now() - hit.lookedAt < STAMP_TRUST_MS) return hit.value;
        let stamp: string;
        try {
            const s = await stat(path);
            stamp = `${s.mtimeMs}:${s.size}:${s.isDirectory() ? 'd' : 'f'}`;
        } catch (err) {
            cache.delete(key);
            const code = (err as NodeJS.ErrnoException).code;
            return code === 'ENOENT' || code === 'ENOTDIR'
                ? failure(`there is no file ${path}`, 'missing')
                : failure(`${path} cannot be read (${code ?? String(err)})`, 'unreadable');
        }
        if (hit && hit.stamp === stamp && (!hit.also || (await stampsOf(hit.also.paths)) === hit.also.stamp)) {
            hit.lookedAt = performance.now();
            return hit.value;
        }
        const value = read().catch((err: unknown) => failure(`${path} cannot be read (${String(err)})`, 'unreadable'));
        const entry: Stamped<T> = { stamp, value, lookedAt: performance.now() };
        cache.set(key, entry);
        if (alsoRead) {
            const v = await value;
            const paths = alsoRead(v);
            if (paths.length > 0) entry.also = { paths, stamp: await stampsOf(paths) };
        }
        return value;
    }
}

/** Opens a CSV as training would read it: a regular file, not too large, never blocking (regular-file.ts). */
async function openCsv(path: string): Promise<{ handle: FileHandle } | { ok: false; kind: 'missing' | 'unreadable'; reason: string }> {
    try {
        return await openRegularFile(path, FILE_SIZE_LIMITS.csv);
    } catch (err) {
        if (err instanceof FileReadError) {
            return err.problem === 'missing'
                ? { ok: false, kind: 'missing', reason: `there is no file ${path}` }
                : { ok: false, kind: 'unreadable', reason: `it ${err.reason}` };
        }
        return { ok: false, kind: 'unreadable', reason: `${path} cannot be read (${String(err)})` };
    }
}

async function readCsvHeader(path: string): Promise<CsvHeaderResult> {
    const opened = await openCsv(path);
    if (!('handle' in opened)) return opened;
    const handle = opened.handle;
    try {
        const chunks: Buffer[] = [];
        let total = 0;
        let newline = -1;
        while (total < HEADER_BYTE_CAP) {
            const buffer = Buffer.alloc(64 * 1024);
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, total);
            if (bytesRead === 0) break;
            const chunk = buffer.subarray(0, bytesRead);
            newline = chunk.indexOf(10);
            chunks.push(newline >= 0 ? chunk.subarray(0, newline) : chunk);
            total += bytesRead;
            if (newline >= 0) break;
        }
        if (newline < 0 && total >= HEADER_BYTE_CAP) {
            return { ok: false, kind: 'unreadable', reason: `${path} has no line break in its first MiB: it is not a CSV file` };
        }
        const bytes = Buffer.concat(chunks);
        const encoding = utf16Encoding(bytes);
        if (encoding) return { ok: false, kind: 'unreadable', reason: `it is encoded as ${encoding}; save it as UTF-8` };
        let line = bytes.toString('utf8');
        if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
        line = line.replace(/\r$/, '');
        if (line.trim() === '') return { ok: false, kind: 'unreadable', reason: `${path} is empty: it needs a header row naming its columns` };
        const parsed = Papa.parse<string[]>(line, { header: false });
        return { ok: true, ...csvHeader(parsed.data[0] ?? []) };
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EISDIR') return { ok: false, kind: 'unreadable', reason: `${path} is a folder, not a CSV file` };
        throw err;
    } finally {
        await handle.close();
    }
}

async function readColumnLabels(path: string, column: string): Promise<ClassLabelsResult> {
    const opened = await openCsv(path);
    if (!('handle' in opened)) return { ok: false, reason: opened.reason };
    return new Promise((resolvePromise) => {
        const seen = new Set<string>();
        let index = -1;
        let rows = 0;
        let capped = false;
        let settled = false;
        const input = opened.handle.createReadStream({ encoding: 'utf8' });
        const finish = (result: ClassLabelsResult) => {
            if (!settled) { settled = true; input.destroy(); resolvePromise(result); }
        };
        input.on('error', (err) => finish({ ok: false, reason: `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? err.message})` }));
        Papa.parse<string[]>(input, {
            header: false,
            skipEmptyLines: true,
            step: (result, parser) => {
                const row = result.data;
                if (index < 0) {
                    index = csvHeader(row).columns.indexOf(column);
                    if (index < 0) { finish({ ok: false, reason: `${path} has no column "${column}"` }); parser.abort(); }
                    return;
                }
                rows++;
                // Trimmed, as training reads a label (data-table.ts).
                const label = row[index]?.trim();
                if (label !== undefined && label !== '') seen.add(label);
                if (rows >= LABEL_ROW_CAP) { capped = true; parser.abort(); }
            },
            complete: () => finish({ ok: true, labels: [...seen], rows, capped }),
            error: (err: Error) => finish({ ok: false, reason: `${path} cannot be read (${err.message})` }),
        });
    });
}
