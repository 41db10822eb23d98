/**
 * Where a synthesis may write its rows (LANGUAGE.md, "Synthesis"): a `.csv` file inside the
 * folder of the `.inv` file or below it, reached without a symbolic link leading out, and
 * not a file inv did not write unless the block says `overwrite`. `inv check` and the editor
 * report the same problems (`output-not-csv`, `output-outside`, `output-exists`) that the
 * engine refuses before a run starts.
 *
 * How inv knows it wrote a file: beside each file a synthesis writes it keeps a small record,
 * `.NAME.inv-written` (JSON: the file's size and sha256, the `.inv` file and block that wrote
 * it, when). A file is inv's when its record is there and still matches its bytes; a file
 * changed by hand since is not, and is replaced only with `overwrite`.
 *
 * No TensorFlow.js here: the language server reads it.
 */
import { createHash } from 'node:crypto';
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FILE_SIZE_LIMITS, FileReadError, hashRest, openRegularFile, readRegularTextFile } from './regular-file.js';

export type SynthesisOutputCode = 'output-not-csv' | 'output-outside' | 'output-exists';

export interface SynthesisOutputProblem {
    code: SynthesisOutputCode;
    /** What is wrong and what to do, without the path's own words (the caller names it). */
    message: string;
}

/** What is at the output path now, when nothing is wrong with writing there. */
export interface SynthesisOutputState {
    /** A file is there (inv's own, or any with `overwrite`) and will be replaced. */
    replaces: boolean;
}

/** The record beside a written file. */
export interface WrittenRecord {
    writtenBy: 'inv';
    file: string;
    bytes: number;
    sha256: string;
    /** The `.inv` file and the synthesis block that wrote it. */
    source: string;
    name: string;
    writtenAt: string;
}

/** `.rows.csv.inv-written` beside `rows.csv`. */
export function writtenRecordPath(outputPath: string): string {
    return join(dirname(outputPath), `.${basename(outputPath)}.inv-written`);
}

/**
 * Whether a synthesis may write `outputPath` (absolute), for an `.inv` file in `invFolder`
 * (absolute): a problem, or what it would do there.
 */
export async function checkSynthesisOutput(
    outputPath: string,
    invFolder: string,
    overwrite: boolean,
    /** Whether inv wrote the file there (the language server passes a cached answer). */
    wrote: (path: string) => Promise<boolean> = wroteIt,
): Promise<SynthesisOutputProblem | SynthesisOutputState> {
    if (extname(outputPath).toLowerCase() !== '.csv') {
        return { code: 'output-not-csv', message: 'a synthesis writes a CSV file: its `output` must end in .csv' };
    }
    const outside: SynthesisOutputProblem = {
        code: 'output-outside',
        message: 'a synthesis writes only inside the folder of its .inv file or below it; give a path such as "data/synthetic.csv"',
    };
    if (!inside(invFolder, resolve(invFolder, outputPath))) return outside;
    // Symbolic links: the real place of the deepest part of the path that exists must be inside the real folder.
    const realFolder = await realpath(invFolder).catch(() => invFolder);
    const existing = await lstat(outputPath).catch(() => null);
    if (existing?.isSymbolicLink()) {
        return { code: 'output-outside', message: 'it is a symbolic link; a synthesis does not write through links (name the file itself)' };
    }
    let ancestor = existing ? outputPath : dirname(outputPath);
    while (!(await lstat(ancestor).catch(() => null))) {
        const parent = dirname(ancestor);
        if (parent === ancestor) break;
        ancestor = parent;
    }
    const realAncestor = await realpath(ancestor).catch(() => null);
    if (realAncestor === null || (realAncestor !== realFolder && !inside(realFolder, realAncestor))) {
        return { ...outside, message: `${outside.message} (a symbolic link on the way leads outside it)` };
    }
    if (!existing) return { replaces: false };
    if (!existing.isFile()) {
        return { code: 'output-exists', message: `it is ${existing.isDirectory() ? 'a folder' : 'not a regular file'}; give a file name` };
    }
    if (overwrite || (await wrote(outputPath))) return { replaces: true };
    return {
        code: 'output-exists',
        message: 'a file that inv did not write (or that was changed since) is there; give another `output`, or add `overwrite` to the block to replace it',
    };
}

export function isOutputProblem(r: SynthesisOutputProblem | SynthesisOutputState): r is SynthesisOutputProblem {
    return 'code' in r;
}

/** True when `path` has its record beside it and still holds the bytes recorded there. */
export async function wroteIt(path: string): Promise<boolean> {
    let record: Partial<WrittenRecord>;
    try {
        record = JSON.parse(await readRegularTextFile(writtenRecordPath(path), 64 * 1024)) as Partial<WrittenRecord>;
    } catch {
        return false;
    }
    if (record.writtenBy !== 'inv' || record.file !== basename(path) || typeof record.sha256 !== 'string') return false;
    try {
        const { handle, size } = await openRegularFile(path, FILE_SIZE_LIMITS.csv);
        try {
            if (size !== record.bytes) return false;
            const hash = createHash('sha256');
            await hashRest(handle, hash);
            return hash.digest('hex') === record.sha256;
        } finally {
            await handle.close();
        }
    } catch (e) {
        if (e instanceof FileReadError) return false;
        throw e;
    }
}

/** The record to write beside `outputPath` once `text` is there. */
export function writtenRecord(outputPath: string, text: string, source: string, name: string): string {
    const bytes = Buffer.from(text, 'utf8');
    const record: WrittenRecord = {
        writtenBy: 'inv',
        file: basename(outputPath),
        bytes: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        source,
        name,
        writtenAt: new Date().toISOString(),
    };
    return JSON.stringify(record, null, 2) + '\n';
}

function inside(folder: string, path: string): boolean {
    const rel = relative(folder, path);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
