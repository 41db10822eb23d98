/**
 * Reading the files a `.inv` file names (model.json and its weights, CSVs) safely: only
 * regular files, up to a size limit, never blocking. A FIFO, a socket or a device named as
 * `model` or `data` would block a plain read forever (and with it `inv check`, or the
 * language server for every file); here it is opened without blocking (O_NONBLOCK), looked
 * at (fstat on the open handle, so nothing can be swapped in between) and refused with a
 * clear reason. The language server (validation, hover, the translation to a RunSpec) and
 * the engine read through this one module.
 *
 * No TensorFlow.js here.
 */
import type { Hash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Size limits, by what is read (bytes). */
export const FILE_SIZE_LIMITS = {
    /** model.json: topology and metadata; the weights are separate files. */
    modelJson: 64 * 2 ** 20,
    /** All weight files of one model together. */
    weights: 2 * 2 ** 30,
    /** A CSV read whole (training data, a synthesis reference): a JavaScript string holds at most about 512 MiB. */
    csv: 512 * 2 ** 20,
    /** An `.inv` file. */
    invFile: 16 * 2 ** 20,
} as const;

export type FileProblem = 'missing' | 'not-regular' | 'too-large' | 'encoding' | 'unreadable';

/** A file that cannot be read, and why, in words a user can act on. */
export class FileReadError extends Error {
    constructor(
        readonly path: string,
        readonly problem: FileProblem,
        /** "is a named pipe (FIFO), not a regular file". */
        readonly reason: string,
    ) {
        super(`${path} ${reason}`);
        this.name = 'FileReadError';
    }
}

const NONBLOCK = constants.O_NONBLOCK ?? 0;

/** Opens `path` for reading without blocking; refuses what is not a regular file or is over `maxBytes`. */
export async function openRegularFile(path: string, maxBytes: number): Promise<{ handle: FileHandle; size: number }> {
    let handle: FileHandle;
    try {
        handle = await open(path, constants.O_RDONLY | NONBLOCK);
    } catch (e) {
        throw openFailure(path, e);
    }
    try {
        const info = await handle.stat();
        refuseUnlessRegular(path, info, maxBytes);
        return { handle, size: info.size };
    } catch (e) {
        await handle.close();
        throw e;
    }
}

/** The whole file, when it is a regular file of at most `maxBytes`. */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
    const { handle, size } = await openRegularFile(path, maxBytes);
    try {
        const chunks: Buffer[] = [];
        let total = 0;
        // Read to the end rather than to the size seen: the file may be growing.
        for (;;) {
            const buffer = Buffer.allocUnsafe(Math.max(64 * 1024, Math.min(size - total + 1, 16 * 2 ** 20)));
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
            if (bytesRead === 0) break;
            total += bytesRead;
            if (total > maxBytes) throw tooLarge(path, total, maxBytes);
            chunks.push(buffer.subarray(0, bytesRead));
        }
        return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
    } catch (e) {
        if (e instanceof FileReadError) throw e;
        throw new FileReadError(path, 'unreadable', `cannot be read (${code(e) ?? (e as Error).message})`);
    } finally {
        await handle.close();
    }
}

/** Feeds the rest of an open file to `hash` (a sha256 of files too large to hold at once). */
export async function hashRest(handle: FileHandle, hash: Hash): Promise<void> {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) return;
        hash.update(buffer.subarray(0, bytesRead));
    }
}

/** readRegularFile, then decoded as text (textOf). */
export async function readRegularTextFile(path: string, maxBytes: number): Promise<string> {
    return textOf(path, await readRegularFile(path, maxBytes));
}

/** readRegularFile, synchronously (the translation to a RunSpec is a plain function). */
export function readRegularFileSync(path: string, maxBytes: number): Buffer {
    let fd: number;
    try {
        fd = openSync(path, constants.O_RDONLY | NONBLOCK);
    } catch (e) {
        throw openFailure(path, e);
    }
    try {
        refuseUnlessRegular(path, fstatSync(fd), maxBytes);
        const chunks: Buffer[] = [];
        let total = 0;
        for (;;) {
            const buffer = Buffer.allocUnsafe(64 * 1024);
            const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
            if (bytesRead === 0) break;
            total += bytesRead;
            if (total > maxBytes) throw tooLarge(path, total, maxBytes);
            chunks.push(buffer.subarray(0, bytesRead));
        }
        return Buffer.concat(chunks, total);
    } finally {
        closeSync(fd);
    }
}

/** readRegularTextFile, synchronously. */
export function readRegularTextFileSync(path: string, maxBytes: number): string {
    return textOf(path, readRegularFileSync(path, maxBytes));
}

/**
 * A file's bytes as UTF-8 text, without a byte-order mark. A file saved as UTF-16 (Windows
 * editors do) would decode as noise with a NUL between letters: it is refused with a reason
 * that says what to do, rather than read as nonsense.
 */
export function textOf(path: string, bytes: Uint8Array): string {
    const encoding = utf16Encoding(bytes);
    if (encoding) throw new FileReadError(path, 'encoding', `is encoded as ${encoding}; save it as UTF-8`);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** 'UTF-16LE' / 'UTF-16BE' when the bytes look like UTF-16 text (a byte-order mark, or NULs between ASCII letters); else null. */
export function utf16Encoding(bytes: Uint8Array): string | null {
    if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'UTF-16LE';
    if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'UTF-16BE';
    // Without a mark: in the first bytes, NUL at every odd (LE) or even (BE) position.
    const n = Math.min(bytes.length, 256) & ~1;
    if (n < 4) return null;
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < n; i += 2) {
        if (bytes[i] === 0) evenNul++;
        if (bytes[i + 1] === 0) oddNul++;
    }
    if (oddNul >= 0.9 * (n / 2) && evenNul === 0) return 'UTF-16LE';
    if (evenNul >= 0.9 * (n / 2) && oddNul === 0) return 'UTF-16BE';
    return null;
}

/** What a file that is not a regular one is, in words: "a named pipe (FIFO)". */
export function nonRegularKind(info: Stats): string {
    if (info.isDirectory()) return 'a folder';
    if (info.isFIFO()) return 'a named pipe (FIFO)';
    if (info.isSocket()) return 'a socket';
    if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
    return 'not a regular file';
}

function refuseUnlessRegular(path: string, info: Stats, maxBytes: number): void {
    if (!info.isFile()) throw new FileReadError(path, 'not-regular', `is ${nonRegularKind(info)}, not a regular file; inv reads only regular files`);
    if (info.size > maxBytes) throw tooLarge(path, info.size, maxBytes);
}

function tooLarge(path: string, size: number, maxBytes: number): FileReadError {
    return new FileReadError(path, 'too-large', `is too large (${mib(size)}; inv reads at most ${mib(maxBytes)} here)`);
}

function openFailure(path: string, e: unknown): FileReadError {
    const c = code(e);
    if (c === 'ENOENT' || c === 'ENOTDIR') return new FileReadError(path, 'missing', 'does not exist');
    if (c === 'ENXIO' || c === 'EWOULDBLOCK' || c === 'EAGAIN') {
        return new FileReadError(path, 'not-regular', 'is not a regular file (a socket or device that cannot be opened); inv reads only regular files');
    }
    if (c === 'EACCES' || c === 'EPERM') return new FileReadError(path, 'unreadable', 'cannot be read (permission denied)');
    return new FileReadError(path, 'unreadable', `cannot be read (${c ?? (e as Error).message})`);
}

function code(e: unknown): string | undefined {
    return (e as NodeJS.ErrnoException | undefined)?.code;
}

function mib(bytes: number): string {
    return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
