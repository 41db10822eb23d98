import 'object.groupby/auto';
/**
 * The engine worker: a child process the language server forks for one run or one training
 * (out/worker.cjs). It receives a job over Node IPC, calls the same engine API as the CLI,
 * streams progress, answers with the result, and exits. Running the engine here keeps the
 * language server answering completion and hover while TF.js computes, and a crash or an
 * out-of-memory here costs one run, never the server.
 */
import { DataDefectError, EngineError } from './contract/errors.js';
import { initBackend, runInversion, runSynthesis, trainOracle, type RunProgressEvent } from './index.js';
import type { FromWorker, ToWorker, WorkerJob, WorkerProgress } from './contract/worker-protocol.js';
import { PROGRESS_INTERVAL_MS, WORKER_FAULT_ENV } from './contract/worker-protocol.js';
import { MEMORY_WATCH_MS } from './contract/resident-memory.js';

const abort = new AbortController();
let started = false;

function send(message: FromWorker): Promise<void> {
    return new Promise((resolve) => {
        if (!process.send || !process.connected) return resolve();
        process.send(message, undefined, undefined, () => resolve());
    });
}

/** Sends progress at most every PROGRESS_INTERVAL_MS; `flush` sends the last one held back. */
function progressSender() {
    let last = 0;
    let held: WorkerProgress | null = null;
    return {
        report(p: WorkerProgress) {
            const now = Date.now();
            if (now - last >= PROGRESS_INTERVAL_MS || p.step >= p.steps) {
                last = now;
                held = null;
                void send({ type: 'progress', progress: p });
            } else {
                held = p;
            }
        },
        flush() {
            if (held) void send({ type: 'progress', progress: held });
            held = null;
        },
    };
}

/** The one line the editor shows for a failed job: what went wrong and what to do. */
function errorMessage(e: unknown): string {
    // Both already say what to do (DataDefectError: one `file:line:col error code message` a defect).
    if (e instanceof EngineError || e instanceof DataDefectError) return e.message;
    const text = e instanceof Error ? e.message : String(e);
    return `The engine failed unexpectedly: ${text}. Please report this with the .inv file.`;
}

async function injectFault(): Promise<void> {
    const fault = process.env[WORKER_FAULT_ENV];
    if (fault === 'exit') process.exit(70);
    if (fault === 'sigkill') process.kill(process.pid, 'SIGKILL');
    if (fault === 'grow') {
        const hoard: Buffer[] = [];
        for (;;) {
            hoard.push(Buffer.alloc(32 * 2 ** 20, 1));
            await new Promise((r) => setTimeout(r, 10));
        }
    }
    if (fault === 'hang') for (;;);
    if (fault === 'oom') {
        const hoard: number[][] = [];
        for (;;) hoard.push(new Array(1_000_000).fill(Math.random()));
    }
}

async function runJob(job: WorkerJob): Promise<FromWorker> {
    await injectFault();
    const progress = progressSender();
    if (job.kind === 'train') {
        await initBackend('auto');
        const report = await trainOracle(job.oracle, {
            signal: abort.signal,
            onProgress: (p) => progress.report({ phase: 'training-oracle', step: p.epoch, steps: p.epochs, loss: p.loss, meeting: null }),
        });
        progress.flush();
        return {
            type: 'trained',
            summary: {
                oracle: job.oracle.name,
                modelPath: report.modelPath,
                epochs: report.epochs,
                seconds: report.seconds,
                testRmse: report.testRmse,
                backend: report.backend,
                cancelled: report.cancelled,
            },
        };
    }
    const { spec } = job;
    // The engine runs on whatever backend is active: choose it first (as the CLI does).
    await initBackend(spec.backend);
    if (job.trainFirst && spec.oracle.training) {
        const report = await trainOracle(spec.oracle, {
            signal: abort.signal,
            onProgress: (p) => progress.report({ phase: 'training-oracle', step: p.epoch, steps: p.epochs, loss: p.loss, meeting: null }),
        });
        progress.flush();
        if (report.cancelled) return { type: 'failed', message: `Cancelled while training oracle ${spec.oracle.name}; nothing was run.` };
    }
    const options = {
        signal: abort.signal,
        onProgress: (p: RunProgressEvent) => progress.report({ phase: 'running', step: p.step, steps: p.steps, loss: p.loss, meeting: p.meeting ?? null }),
    };
    const result = spec.kind === 'synthesis' ? await runSynthesis(spec, options) : await runInversion(spec, options);
    progress.flush();
    return { type: 'result', result };
}

// Where the parent cannot read this process's memory from /proc, it reads it here (between steps).
setInterval(() => void send({ type: 'memory', rssBytes: process.memoryUsage.rss() }), MEMORY_WATCH_MS).unref();

process.on('message', (message: ToWorker) => {
    if (message.type === 'cancel') {
        abort.abort();
        return;
    }
    if (message.type !== 'start' || started) return;
    started = true;
    runJob(message.job)
        .catch((e: unknown): FromWorker => ({ type: 'failed', message: errorMessage(e) }))
        .then(send)
        .then(() => process.exit(0));
});

// The parent died or closed the channel: nobody is waiting for the answer.
process.on('disconnect', () => process.exit(0));
