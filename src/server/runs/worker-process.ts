/**
 * One engine worker process (out/worker.cjs) running one job. Turns everything that can happen
 * to a child process (an answer, a crash, an out-of-memory abort, a kill after a cancel that
 * was not honoured) into exactly one `WorkerOutcome`, so the run manager never has to look at
 * exit codes and the language server never dies with a run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InvResult } from '../../engine/contract/results.js';
import type { FromWorker, ToWorker, WorkerJob, WorkerProgress, WorkerTrainSummary } from '../../engine/contract/worker-protocol.js';
import { DEFAULT_WORKER_HEAP_MB, WORKER_HEAP_ENV } from '../../engine/contract/worker-protocol.js';

export type WorkerOutcome =
    | { kind: 'result'; result: InvResult }
    | { kind: 'trained'; summary: WorkerTrainSummary }
    | { kind: 'failed'; message: string };

export interface WorkerProcessOptions {
    /** out/worker.cjs; by default the file beside the running bundle (out/server.cjs or out/cli.cjs). */
    workerPath?: string;
    heapMb?: number;
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
    private stderrTail = '';

    constructor(job: WorkerJob, private readonly options: WorkerProcessOptions) {
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
                if (message.type === 'progress') options.onProgress(message.progress);
                else if (message.type === 'result') answer = { kind: 'result', result: message.result };
                else if (message.type === 'trained') answer = { kind: 'trained', summary: message.summary };
                else if (message.type === 'failed') answer = { kind: 'failed', message: message.message };
            });
            this.child.on('error', (e) => {
                resolve({ kind: 'failed', message: `The engine worker could not be started (${e.message}). Reinstall the extension.` });
            });
            this.child.on('exit', (code, signal) => {
                clearTimeout(this.cancelTimer);
                resolve(answer ?? { kind: 'failed', message: this.describeDeath(code, signal, heapMb) });
            });
        });
        this.send({ type: 'start', job });
    }

    /** The worker's process id (undefined when it could not be started). */
    get pid(): number | undefined {
        return this.child.pid;
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
        const outOfMemory = /heap out of memory|Reached heap limit|Allocation failed/i.test(this.stderrTail);
        if (outOfMemory || (signal === 'SIGKILL' && !this.killedAfterCancel)) {
            return `The run ran out of memory (the engine's limit is ${heapMb} MiB) and was stopped. ` +
                'Ask for fewer `solutions` or smaller generator `layers`, then run again.';
        }
        const how = signal ? `was ended by signal ${signal}` : `exited with code ${code}`;
        const last = this.stderrTail.trim().split('\n').slice(-1)[0];
        return `The engine worker ${how} before answering${last ? ` (${last.trim()})` : ''}. The language server is still running; run again, and report it if it repeats.`;
    }
}
