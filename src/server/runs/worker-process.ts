/**
 * One engine worker process (out/worker.cjs) running one job. Turns everything that can happen
 * to a child process (an answer, a crash, an out-of-memory abort, a kill after a cancel that
 * was not honoured, a kill from outside) into exactly one `WorkerOutcome`, so the run manager
 * never has to look at exit codes and the language server never dies with a run.
 *
 * Memory: `--max-old-space-size` caps only the worker's JavaScript heap; its tensors live in
 * typed arrays and wasm memory outside it. So its resident memory is watched (from /proc, which
 * answers even while the worker is inside one long computation; else from what the worker
 * reports) and the worker is stopped when it passes the limit (resident-memory.ts), with a
 * message that says so, the job's estimate and what to reduce. "Out of memory" is said only
 * when it was: that watch, or V8's own heap limit; any other kill is reported as a kill.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InvResult } from '../../engine/contract/results.js';
import type { FromWorker, ToWorker, WorkerJob, WorkerProgress, WorkerTrainSummary } from '../../engine/contract/worker-protocol.js';
import { DEFAULT_WORKER_HEAP_MB, WORKER_HEAP_ENV } from '../../engine/contract/worker-protocol.js';
import { MEMORY_LIMIT_ENV, MEMORY_WATCH_MS, residentBytesOf, residentLimitBytes } from '../../engine/contract/resident-memory.js';
import { bytesText, estimateMemory, estimateRun, runSizes, type MemoryEstimate } from '../../engine/contract/memory-estimate.js';
import { statSync } from 'node:fs';

export type WorkerOutcome =
    | { kind: 'result'; result: InvResult }
    | { kind: 'trained'; summary: WorkerTrainSummary }
    | { kind: 'failed'; message: string };

export interface WorkerProcessOptions {
    /** out/worker.cjs; by default the file beside the running bundle (out/server.cjs or out/cli.cjs). */
    workerPath?: string;
    heapMb?: number;
    /** The resident memory at which the worker is stopped (default: resident-memory.ts). */
    memoryLimitBytes?: number;
    /** How long a cancelled worker gets to send what it found before it is killed. */
    cancelGraceMs?: number;
    onProgress(progress: WorkerProgress): void;
    /** Lines the worker wrote to stdout/stderr (TF.js notices); never onto the LSP stream. */
    onLog?(line: string): void;
}

/** The bundled worker sits beside the bundle that imports this file (esbuild maps import.meta.url to it). */
export function defaultWorkerPath(): string {
    return fileURLToPath(new URL('./worker.cjs', import.meta.url));
}

export function workerHeapMb(): number {
    const fromEnv = Number(process.env[WORKER_HEAP_ENV]);
    return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_WORKER_HEAP_MB;
}

const STDERR_TAIL_CHARS = 4000;

export class WorkerProcess {
    readonly outcome: Promise<WorkerOutcome>;
    private readonly child: ChildProcess;
    private cancelTimer: NodeJS.Timeout | undefined;
    private killedAfterCancel = false;
    private killedOnShutdown = false;
    /** Set when the memory watch stopped the worker: what it had reached. */
    private killedForMemory: number | null = null;
    private readonly memoryWatch: NodeJS.Timeout;
    /** The last resident memory seen (bytes), from /proc or from the worker. */
    private resident: number | null = null;
    /** Whether /proc answers for this worker (then the worker's own reports are not needed). */
    private procReadable = false;
    private readonly memoryLimit: number;
    private stderrTail = '';

    constructor(private readonly job: WorkerJob, private readonly options: WorkerProcessOptions) {
        const heapMb = options.heapMb ?? workerHeapMb();
        // stdio piped: with `inv lsp --stdio` an inherited stdout would corrupt the LSP stream.
        this.child = fork(options.workerPath ?? defaultWorkerPath(), [], {
            execArgv: [`--max-old-space-size=${heapMb}`],
            stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
            serialization: 'json',
        });
        this.child.stdout?.setEncoding('utf8').on('data', (text: string) => this.log(text));
        this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
            this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
            this.log(text);
        });
        this.outcome = new Promise<WorkerOutcome>((resolve) => {
            let answer: WorkerOutcome | null = null;
            this.child.on('message', (message: FromWorker) => {
                if (message.type === 'memory') this.sawResident(message.rssBytes, false);
                else if (message.type === 'progress') options.onProgress(message.progress);
                else if (message.type === 'result') answer = { kind: 'result', result: message.result };
                else if (message.type === 'trained') answer = { kind: 'trained', summary: message.summary };
                else if (message.type === 'failed') answer = { kind: 'failed', message: message.message };
            });
            this.child.on('error', (e) => {
                clearInterval(this.memoryWatch);
                resolve({ kind: 'failed', message: `The engine worker could not be started (${e.message}). Reinstall the extension.` });
            });
            this.child.on('exit', (code, signal) => {
                clearTimeout(this.cancelTimer);
                clearInterval(this.memoryWatch);
                resolve(answer ?? { kind: 'failed', message: this.describeDeath(code, signal, heapMb) });
            });
        });
        const limit = options.memoryLimitBytes ?? residentLimitBytes();
        this.memoryLimit = limit;
        this.memoryWatch = setInterval(() => {
            const pid = this.child.pid;
            const fromProc = pid === undefined ? null : residentBytesOf(pid);
            if (fromProc !== null) this.sawResident(fromProc, true);
            if (this.resident !== null && this.resident > limit && this.killedForMemory === null) {
                this.killedForMemory = this.resident;
                this.child.kill('SIGKILL');
            }
        }, MEMORY_WATCH_MS);
        this.send({ type: 'start', job });
    }

    private sawResident(bytes: number, fromProc: boolean): void {
        if (fromProc) this.procReadable = true;
        else if (this.procReadable) return;
        this.resident = bytes;
    }

    /** Asks the worker to stop and send its partial result; kills it if it has not exited after the grace period. */
    cancel(): void {
        if (this.child.exitCode !== null || this.child.signalCode !== null || this.cancelTimer) return;
        this.send({ type: 'cancel' });
        this.cancelTimer = setTimeout(() => {
            this.killedAfterCancel = true;
            this.child.kill('SIGKILL');
        }, this.options.cancelGraceMs ?? 2000);
    }

    /** Ends the worker at once (server shutdown). */
    kill(): void {
        this.killedOnShutdown = true;
        this.child.kill('SIGKILL');
    }

    private send(message: ToWorker): void {
        if (this.child.connected) this.child.send(message);
    }

    private log(text: string): void {
        for (const line of text.split('\n')) if (line.trim()) this.options.onLog?.(line);
    }

    private describeDeath(code: number | null, signal: NodeJS.Signals | null, heapMb: number): string {
        if (this.killedAfterCancel) {
            return 'Cancelled: the engine did not stop within the grace period and was ended; nothing was kept.';
        }
        if (this.killedOnShutdown) return 'Stopped: the language server shut down while this ran; nothing was kept.';
        const estimate = jobEstimate(this.job);
        const reduce = estimate ? ` Reduce ${estimate.reduce.join(', or ')}, then run again.` : ' Run again with smaller sizes.';
        const estimated = estimate ? ` (its estimate before it started: about ${bytesText(estimate.bytes)})` : '';
        if (this.killedForMemory !== null) {
            return `The run ran out of memory: the engine's resident memory reached ${bytesText(this.killedForMemory)}, past its limit of ` +
                `${bytesText(this.memoryLimit)} (${MEMORY_LIMIT_ENV}, else 80 % of this machine's memory)${estimated}, and it was stopped.${reduce}`;
        }
        // V8 prints this and aborts when the JavaScript heap is full.
        if (/heap out of memory|Reached heap limit|Allocation failed/i.test(this.stderrTail)) {
            return `The run ran out of memory (the engine's limit is ${heapMb} MiB of JavaScript heap)${estimated} and was stopped.${reduce}`;
        }
        if (signal === 'SIGKILL') {
            const last = this.resident !== null ? `; its resident memory was last ${bytesText(this.resident)}` : '';
            return `The engine worker was killed (SIGKILL) from outside inv, by a user or a tool, or by the system when it was short of memory${last}. ` +
                'The language server is still running; run again.';
        }
        const how = signal ? `was ended by signal ${signal}` : `exited with code ${code}`;
        const last = this.stderrTail.trim().split('\n').slice(-1)[0];
        return `The engine worker ${how} before answering${last ? ` (${last.trim()})` : ''}. The language server is still running; run again, and report it if it repeats.`;
    }
}

/** The job's memory estimate, for the message of a worker that ran out; null when its sizes are not known. */
function jobEstimate(job: WorkerJob): MemoryEstimate | null {
    if (job.kind === 'run') return estimateRun(runSizes(job.spec), job.spec.backend);
    const t = job.oracle.training;
    if (!t) return null;
    const size = (p: string | null) => (p ? (() => { try { return statSync(p).size; } catch { return 0; } })() : 0);
    return estimateMemory({
        kind: 'training', csvBytes: size(t.dataPath) + size(t.testPath),
        inputs: job.oracle.inputs.length, outputs: job.oracle.outputs.length, layers: t.layers, batch: t.batch,
    });
}
