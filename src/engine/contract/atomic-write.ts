/**
 * Every file inv writes (a trained model, `inv run --out` results, a synthesis's rows, the
 * results panel's exports) is written here, the same way: to a temporary file in the
 * destination's own folder, flushed to disk, then renamed over the destination. A rename
 * within one folder is atomic, so a reader sees the old file or the new one, never half of
 * one, and a write that fails (a full disk, a read-only folder, a file-size limit, a crash)
 * leaves the old file byte for byte as it was. A file that is replaced keeps its mode (a
 * 0600 file stays 0600); a symbolic link is written through (the link stays a link).
 *
 * No TensorFlow.js here: the CLI, the language server and the extension host use it too.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface FileToWrite {
    path: string;
    data: string | Uint8Array;
}

/** A write that did not happen; `path` is the file that was to be written, unchanged. */
export class FileWriteError extends Error {
    constructor(
        readonly path: string,
        /** The system's error code (ENOSPC, EROFS, EACCES, ...) when there is one. */
        readonly code: string | undefined,
        /** What went wrong, for a person: "the disk is full". */
        readonly reason: string,
    ) {
        super(`${path}: cannot write it (${reason})`);
        this.name = 'FileWriteError';
    }
}

export async function writeFileAtomically(path: string, data: string | Uint8Array): Promise<void> {
    await writeFilesAtomically([{ path, data }]);
}

/**
 * Files that belong together (a model's weights and its model.json): every one is written in
 * full and flushed before any replaces its old version, then they are renamed in the order
 * given, so the last one (model.json) is the moment the new set takes over. A failure while
 * writing (the usual one: the disk is full) leaves every old file as it was.
 */
export async function writeFilesAtomically(files: FileToWrite[]): Promise<void> {
    const written: Array<{ temp: string; target: string }> = [];
    let current = files[0]?.path ?? '';
    try {
        for (const file of files) {
            current = file.path;
            const target = await writeTarget(file.path);
            written.push({ temp: await writeTemp(target, file.data), target });
        }
        while (written.length > 0) {
            const { temp, target } = written[0];
            current = target;
            await rename(temp, target);
            written.shift();
        }
    } catch (e) {
        await Promise.all(written.map(({ temp }) => rm(temp, { force: true }).catch(() => undefined)));
        throw e instanceof FileWriteError ? e : new FileWriteError(current, errorCode(e), writeProblem(e));
    }
    // The renames themselves are durable once the folders are flushed (best effort: not every
    // system can open a folder for that).
    for (const folder of new Set(files.map((f) => dirname(f.path)))) await syncFolder(folder);
}

/** The path a write replaces: a symbolic link's target (so the link stays one), else the path itself. */
async function writeTarget(path: string): Promise<string> {
    const info = await lstat(path).catch(() => null);
    if (!info?.isSymbolicLink()) return path;
    try {
        return await realpath(path);
    } catch (e) {
        throw new FileWriteError(path, errorCode(e), 'it is a symbolic link to a file that does not exist');
    }
}

async function writeTemp(target: string, data: string | Uint8Array): Promise<string> {
    const existing = await stat(target).catch(() => null);
    if (existing && !existing.isFile()) {
        throw new FileWriteError(target, undefined, existing.isDirectory() ? 'it is a folder' : 'it is not a regular file');
    }
    const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    let handle: FileHandle | undefined;
    try {
        handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, existing ? existing.mode & 0o777 : 0o666);
        await handle.writeFile(data);
        if (existing) {
            // The umask may have narrowed the mode open() set; the replaced file's mode stands.
            await handle.chmod(existing.mode & 0o7777);
            if (process.getuid?.() === 0) await handle.chown(existing.uid, existing.gid).catch(() => undefined);
        }
        await handle.sync();
        await handle.close();
        handle = undefined;
        return temp;
    } catch (e) {
        await handle?.close().catch(() => undefined);
        await rm(temp, { force: true }).catch(() => undefined);
        throw new FileWriteError(target, errorCode(e), writeProblem(e));
    }
}

async function syncFolder(folder: string): Promise<void> {
    let handle: FileHandle | undefined;
    try {
        handle = await open(folder, constants.O_RDONLY);
        await handle.sync();
    } catch {
        // Windows cannot open a folder; some file systems refuse fsync on one. The data is written.
    } finally {
        await handle?.close().catch(() => undefined);
    }
}

function errorCode(e: unknown): string | undefined {
    return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** Why a write failed, in words a user can act on. */
export function writeProblem(e: unknown): string {
    if (e instanceof FileWriteError) return e.reason;
    switch (errorCode(e)) {
        case 'ENOSPC':
            return 'the disk is full';
        case 'EDQUOT':
            return 'the disk quota is used up';
        case 'EROFS':
            return 'the file system is read-only';
        case 'EACCES':
        case 'EPERM':
            return 'permission denied';
        case 'ENOENT':
            return 'its folder does not exist';
        case 'ENOTDIR':
            return 'a part of its path is a file, not a folder';
        case 'EISDIR':
            return 'it is a folder';
        case 'EFBIG':
            return 'the file is larger than this process may write (a file-size limit)';
        case 'EIO':
            return 'an input/output error on the disk';
        default:
            return (e as Error | undefined)?.message ?? String(e);
    }
}
