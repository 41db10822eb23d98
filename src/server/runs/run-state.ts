/**
 * What the server knows about runs at this moment: which inversion, synthesis or oracle
 * training is running (with its last progress), and how the last one of each ended when it
 * failed. The code lenses and the client's status item are drawn from this, so what the
 * editor shows is the server's state, not a guess.
 */
import { Emitter, type Event } from 'vscode-languageserver';
import type { RunProgress } from '../../protocol.js';

export type JobKind = 'run' | 'train';

export interface ActiveJob {
    runId: string;
    uri: string;
    /** The inversion/synthesis name, or the oracle name for a training. */
    name: string;
    job: JobKind;
    progress: RunProgress | null;
    cancelling: boolean;
}

function key(uri: string, name: string, job: JobKind): string {
    return `${job}\u0000${uri}\u0000${name}`;
}

export class RunStates {
    private readonly active = new Map<string, ActiveJob>();
    private readonly failures = new Map<string, string>();
    private readonly changed = new Emitter<{ uri: string }>();
    /** Fired when a run starts, progresses, ends or fails. */
    readonly onDidChange: Event<{ uri: string }> = this.changed.event;

    start(job: Omit<ActiveJob, 'progress' | 'cancelling'>): ActiveJob {
        const entry: ActiveJob = { ...job, progress: null, cancelling: false };
        this.active.set(key(job.uri, job.name, job.job), entry);
        this.failures.delete(key(job.uri, job.name, job.job));
        this.changed.fire({ uri: job.uri });
        return entry;
    }

    /** The progress the client was last shown (the run reporter publishes it; `silent`: it refreshes the lenses itself). */
    progress(p: RunProgress, job: JobKind, options: { silent?: boolean } = {}): void {
        const entry = this.active.get(key(p.uri, p.name, job));
        if (!entry || entry.runId !== p.runId) return;
        entry.progress = p;
        if (!options.silent) this.changed.fire({ uri: p.uri });
    }

    markCancelling(runId: string): ActiveJob | undefined {
        const entry = this.byRunId(runId);
        if (entry) {
            entry.cancelling = true;
            this.changed.fire({ uri: entry.uri });
        }
        return entry;
    }

    finish(entry: ActiveJob, failure: string | null): void {
        const k = key(entry.uri, entry.name, entry.job);
        if (this.active.get(k)?.runId === entry.runId) this.active.delete(k);
        if (failure) this.failures.set(k, failure);
        this.changed.fire({ uri: entry.uri });
    }

    running(uri: string, name: string, job: JobKind = 'run'): ActiveJob | undefined {
        return this.active.get(key(uri, name, job));
    }

    /** How the last run of this block failed, while no later run has started. */
    lastFailure(uri: string, name: string, job: JobKind = 'run'): string | undefined {
        return this.failures.get(key(uri, name, job));
    }

    byRunId(runId: string): ActiveJob | undefined {
        return [...this.active.values()].find((j) => j.runId === runId);
    }

    all(): ActiveJob[] {
        return [...this.active.values()];
    }
}
