/**
 * Places where writing fails, for the reliability tests (issue 15), made honestly on any
 * machine and never skipped:
 * - as root (CI runs as root, where file permissions do not stop a write): a tiny tmpfs,
 *   filled up (a full disk) or mounted read-only;
 * - otherwise (or where mounting is not allowed): a file-size limit on the `inv` process
 *   (`ulimit -f`: a write past it fails with EFBIG), or a folder without write permission.
 * Each test says which way it took, so a failure names the case.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, type Finished } from './cli-process.js';

export const AS_ROOT = process.getuid?.() === 0;

const mounted: string[] = [];

/** A fresh tmpfs of `size` (e.g. '256k'), or null where this process cannot mount one. */
export function tinyTmpfs(size: string, readOnly = false): string | null {
    if (!AS_ROOT) return null;
    const dir = mkdtempSync(join(tmpdir(), 'inv-tmpfs-'));
    try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
        rmSync(dir, { recursive: true, force: true });
        return null;
    }
    mounted.push(dir);
    return dir;
}

/** Fills the file system of `dir` so that not one more block can be written. */
export function fillUp(dir: string): void {
    const { bavail, bsize } = statfsSync(dir);
    writeFileSync(join(dir, 'filler'), Buffer.alloc(Number(bavail) * Number(bsize)));
    // tmpfs may have kept a block back; whatever is left, take it too.
    const left = statfsSync(dir);
    if (left.bavail > 0) writeFileSync(join(dir, 'filler2'), Buffer.alloc(Number(left.bavail) * Number(left.bsize)));
}

/** Unmounts every tmpfs made here (afterAll). */
export function unmountAll(): void {
    for (const dir of mounted.splice(0)) {
        try {
            execFileSync('umount', [dir], { stdio: 'ignore' });
            rmSync(dir, { recursive: true, force: true });
        } catch {
            // Left for the system to clean; never fail a test on cleanup.
        }
    }
}

/** `inv ARGS` with a file-size limit of `kib` KiB on the process (bash's `ulimit -f`). */
export function invWithFileSizeLimit(args: string[], cwd: string, kib: number): Promise<Finished> {
    const child = spawn('bash', ['-c', `ulimit -f ${kib} && exec "$0" "$@"`, process.execPath, CLI, ...args], {
        cwd, env: { ...process.env, INV_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A scratch folder inside `parent` (a tmpfs, or the system's temp folder). */
export function folderIn(parent: string, name: string): string {
    const dir = join(parent, name);
    mkdirSync(dir, { recursive: true });
    return dir;
}
