/**
 * A process's resident memory (what the system counts against the machine: the JavaScript
 * heap, typed arrays, the wasm heap, native buffers), and the limit inv holds a run to. The
 * worker's `--max-old-space-size` caps only its JavaScript heap; tensors live in typed arrays
 * and in wasm memory outside it, so resident memory is what is watched (by the run manager
 * for a worker, by the CLI for its own process).
 *
 * No TensorFlow.js here.
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

/** `INV_MEMORY_LIMIT_MB`: the resident memory a run may reach before it is stopped. */
export const MEMORY_LIMIT_ENV = 'INV_MEMORY_LIMIT_MB';
/** Without it: this share of the machine's memory. */
export const MEMORY_LIMIT_SHARE = 0.8;
/** How often resident memory is looked at (ms). */
export const MEMORY_WATCH_MS = 250;

export function residentLimitBytes(): number {
    const mb = Number(process.env[MEMORY_LIMIT_ENV]);
    return Number.isFinite(mb) && mb > 0 ? mb * 2 ** 20 : Math.floor(MEMORY_LIMIT_SHARE * machineMemoryBytes());
}

/**
 * The memory this process may use: the machine's, or less when a container (a cgroup) limits
 * it, as CI runners and Docker do; os.totalmem() alone would report the host's.
 */
export function machineMemoryBytes(): number {
    const total = totalmem();
    const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
    return constrained !== undefined && constrained > 0 && constrained < total ? constrained : total;
}

/**
 * Resident bytes of process `pid`, read from /proc (Linux): it answers even while that
 * process is busy in one long computation. Null where there is no /proc (the worker then
 * reports its own, between steps).
 */
export function residentBytesOf(pid: number): number | null {
    try {
        const status = readFileSync(`/proc/${pid}/status`, 'latin1');
        const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
        return m ? Number(m[1]) * 1024 : null;
    } catch {
        return null;
    }
}
