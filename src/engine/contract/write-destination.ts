/**
 * Where a finished run's files go, so that they are never lost: a destination is checked
 * before a run starts (a two-hour run must not fail at its last line because `--out` names a
 * folder, a read-only place or a folder that does not exist), and when the final write still
 * fails (the disk filled up meanwhile) the file is kept beside it under another name, or in
 * the system's temporary folder, and the caller is told where.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { FileWriteError, writeFileAtomically, writeProblem } from './atomic-write.js';

/**
 * Why `path` cannot be written, or null when it can: it is a folder or not a regular file, its
 * folder is missing (and `createFolder` is false) or is a file, or nothing can be created
 * there (read-only, no permission). Writes and removes a small probe file to know for sure.
 */
export async function destinationProblem(path: string, opts: { createFolder?: boolean } = {}): Promise<string | null> {
    const existing = await stat(path).catch(() => null);
    if (existing?.isDirectory()) return `${path} is a folder; give a file name`;
    if (existing && !existing.isFile()) return `${path} is not a regular file (a pipe or a device); give a file name`;
    if (existing) {
        try {
            await access(path, constants.W_OK);
        } catch (e) {
            return `${path} cannot be replaced (${writeProblem(e)})`;
        }
    }
    let folder = dirname(path);
    const info = await stat(folder).catch(() => null);
    if (info && !info.isDirectory()) return `${folder} is a file, not a folder`;
    if (!info) {
        if (!opts.createFolder) return `the folder ${folder} does not exist; create it first`;
        // The nearest folder that exists is where the missing ones would be created.
        while (!(await stat(folder).catch(() => null))) {
            const parent = dirname(folder);
            if (parent === folder) return `no part of ${dirname(path)} exists`;
            folder = parent;
        }
        if (!(await stat(folder)).isDirectory()) return `${folder} is a file, not a folder`;
    }
    const probe = join(folder, `.inv-write-probe.${process.pid}.${randomBytes(4).toString('hex')}`);
    try {
        const handle = await open(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        await handle.close();
    } catch (e) {
        return `nothing can be written in ${folder} (${writeProblem(e)})`;
    } finally {
        await rm(probe, { force: true }).catch(() => undefined);
    }
    return null;
}

export interface KeptFile {
    /** Where the file is now. */
    path: string;
    /** Null when it is where it was asked to be; else why not (the first write's failure). */
    asideBecause: string | null;
}

/**
 * Writes `data` to `path` (atomically). When that fails, writes it beside `path` under a
 * name of its own, else in the system's temporary folder, and says where and why. Throws
 * (a FileWriteError naming every place tried) only when no place took it.
 */
export async function writeOrKeepAside(path: string, data: string | Uint8Array, opts: { createFolder?: boolean } = {}): Promise<KeptFile> {
    let first: unknown;
    try {
        if (opts.createFolder) await mkdir(dirname(path), { recursive: true });
        await writeFileAtomically(path, data);
        return { path, asideBecause: null };
    } catch (e) {
        first = e;
    }
    const why = writeProblem(first);
    const tried = [`${path} (${why})`];
    const name = asideName(path);
    // Beside the file, else in a folder of its own in the system's temporary folder (made
    // fresh: a shared one might belong to another user).
    const places = [async () => join(dirname(path), name), async () => join(await mkdtemp(join(tmpdir(), 'inv-kept-')), name)];
    for (const place of places) {
        let file = '';
        try {
            file = await place();
            await writeFileAtomically(file, data);
            return { path: file, asideBecause: why };
        } catch (e) {
            tried.push(`${file || tmpdir()} (${writeProblem(e)})`);
        }
    }
    throw new FileWriteError(path, (first as NodeJS.ErrnoException).code, `${why}; nor could it be kept elsewhere: tried ${tried.join(', ')}`);
}

/** `rows.csv` -> `rows.inv-2025-01-31T10-22-03-123Z.csv`: a name of its own, that says when. */
function asideName(path: string): string {
    const ext = extname(path);
    return `${basename(path, ext)}.inv-${new Date().toISOString().replace(/[:.]/g, '-')}${ext}`;
}
