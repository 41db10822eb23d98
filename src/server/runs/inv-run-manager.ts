/**
 * The language server's side of running: answers `inv/run`, `inv/train`, `inv/cancel`,
 * `inv/results`, `inv/activeRuns` (and, through the execute-command handler, the lens commands
 * of any LSP editor); translates the document with the CLI's `toRunSpec` (plus the editor's
 * defaults), runs it in an engine worker process, hands the worker's progress to the run
 * reporter (which publishes it to the client), stores the result with the hash of what the run
 * read, and tells the client how the job ended, then revalidates (target-not-met) and refreshes
 * what shows results. The server itself never runs tensors, so completion and hover keep
 * answering during a run.
 */
import { existsSync } from 'node:fs';
import type { LangiumDocument } from 'langium';
import { DocumentState, URI } from 'langium';
import type { LangiumSharedServices } from 'langium/lsp';
import { ResponseError } from 'vscode-languageserver';
import { formatMiss, formatSeconds } from '../../engine/contract/number-format.js';
import type { WorkerJob, WorkerProgress } from '../../engine/contract/worker-protocol.js';
import type { InvInitializationOptions, RunFinished, RunProgress, RunStarted, RunTarget, TrainTarget } from '../../protocol.js';
import {
    activeRunsRequest,
    cancelRequest,
    resultsRequest,
    runRequest,
    trainRequest,
    trustNotification,
} from '../../protocol.js';
import type { InvFile } from '../../language/generated/ast.js';
import { isInversion, isOracle, isSynthesis } from '../../language/generated/ast.js';
import { toOracleSpec, toRunSpec } from '../../language/to-spec.js';
import type { InvServerServices } from '../inv-server-module.js';
import type { ServerLog } from '../server-log.js';
import { parseEditorRunSettings } from './editor-settings.js';
import type { InvRunReporter } from './inv-run-reporter.js';
import type { ResultStore } from './result-store.js';
import { readRunClient } from './run-client.js';
import { runInputsHash } from './run-inputs.js';
import type { ActiveJob, JobKind, RunStates } from './run-state.js';
import { resultSummary } from './result-text.js';
import { WorkerProcess, type WorkerOutcome } from './worker-process.js';

/** JSON-RPC error code of a run the server refuses (untrusted workspace, errors in the file). */
export const RUN_REFUSED = -32001;

export class InvRunManager {
    private trusted = true;
    private nextRunId = 1;
    private readonly workers = new Map<string, WorkerProcess>();
    /** What each run read, hashed when it started (run-inputs.ts), stored with its result; null: hash it at the end. */
    private readonly inputs = new Map<string, string | null>();
    private readonly shared: LangiumSharedServices;
    private readonly store: ResultStore;
    private readonly states: RunStates;
    private readonly reporter: InvRunReporter;
    private readonly log: ServerLog;

    constructor(services: InvServerServices) {
        this.shared = services.shared;
        this.store = services.runs.ResultStore;
        this.states = services.runs.RunStates;
        this.reporter = services.runs.RunReporter;
        this.log = services.log.ServerLog;
    }

    /**
     * Registers the custom requests on the server's connection and reads the client's
     * initialization options (called once, before the server listens).
     */
    listen(): void {
        const connection = this.shared.lsp.Connection;
        if (!connection) throw new Error('the run manager needs a language server connection');
        this.shared.lsp.LanguageServer.onInitialize((params) => {
            this.initialize(params.initializationOptions as Partial<InvInitializationOptions> | undefined);
            this.reporter.setClient(readRunClient(params));
        });
        connection.onRequest(runRequest, (target) => this.run(target));
        connection.onRequest(trainRequest, (target) => this.train(target));
        connection.onRequest(cancelRequest, ({ runId }) => void this.cancel(runId));
        connection.onRequest(resultsRequest, (target) => this.store.get(target.uri, target.name) ?? null);
        connection.onRequest(activeRunsRequest, () => ({
            runs: this.states.all().flatMap((j) => (j.progress ? [j.progress] : [])),
        }));
        connection.onNotification(trustNotification, ({ trusted }) => {
            this.trusted = trusted;
            this.log.info(`The workspace is ${trusted ? 'trusted now: runs and trainings are on' : 'not trusted'}.`);
            this.reporter.lensesNeedRefresh();
        });
        connection.onShutdown(() => {
            for (const w of this.workers.values()) w.kill();
        });
    }

    /** From the `initialize` request's options (the CLI's `inv lsp` gets none: trusted, memory only). */
    initialize(options: Partial<InvInitializationOptions> | undefined): void {
        this.trusted = options?.workspaceTrusted ?? true;
        this.store.setStoragePath(options?.storagePath ?? null);
    }

    get workspaceTrusted(): boolean {
        return this.trusted;
    }

    async run(target: RunTarget): Promise<RunStarted> {
        this.refuseWhenUntrusted('run', target.name);
        const running = this.states.running(target.uri, target.name);
        if (running) return { runId: running.runId };
        const document = await this.validatedDocument(target.uri, target.name);
        const block = document.parseResult.value.elements.find((e) => (isInversion(e) || isSynthesis(e)) && e.name === target.name);
        if (!block || !(isInversion(block) || isSynthesis(block))) {
            throw this.refused(`${fileName(target.uri)} has no inversion or synthesis named \`${target.name}\`.`, target.name);
        }
        const defaults = parseEditorRunSettings(await this.configuration());
        let spec;
        try {
            spec = toRunSpec(document, target.name, { defaults });
        } catch (e) {
            throw this.refused(`${target.name}: ${(e as Error).message}`, target.name);
        }
        const trainFirst = spec.oracle.training !== null && !existsSync(spec.oracle.modelPath);
        const size = spec.kind === 'synthesis' ? `${spec.count} rows` : `${spec.solutions} solutions`;
        const description = `${spec.kind} ${target.name} of ${fileName(target.uri)} (${spec.method.kind}, ${size}, ${spec.steps} steps, seed ${spec.seed}, ` +
            `backend ${spec.backend}${trainFirst ? `; its oracle ${spec.oracle.name} has no model yet and is trained first` : ''})`;
        const started = this.startJob(target.uri, target.name, 'run', { kind: 'run', spec, trainFirst }, description);
        // A run that trains its oracle first writes the model it reads: hash what it read when it ends.
        this.inputs.set(started.runId, trainFirst ? null : runInputsHash(block));
        return started;
    }

    async train(target: TrainTarget): Promise<RunStarted> {
        this.refuseWhenUntrusted('train', target.oracle);
        const running = this.states.running(target.uri, target.oracle, 'train');
        if (running) return { runId: running.runId };
        const document = await this.validatedDocument(target.uri, target.oracle);
        const oracle = document.parseResult.value.elements.find((e) => isOracle(e) && e.name === target.oracle);
        if (!oracle || !isOracle(oracle)) throw this.refused(`${fileName(target.uri)} has no oracle named \`${target.oracle}\`.`, target.oracle);
        let spec;
        try {
            spec = toOracleSpec(oracle, document.uri.fsPath);
        } catch (e) {
            throw this.refused(`${target.oracle}: ${(e as Error).message}`, target.oracle);
        }
        if (!spec.training) throw this.refused(`oracle \`${target.oracle}\` has no \`data\` to train on.`, target.oracle);
        return this.startJob(target.uri, target.oracle, 'train', { kind: 'train', oracle: spec },
            `training of oracle ${target.oracle} of ${fileName(target.uri)} (${spec.training.epochs} epochs on ${spec.training.dataPath})`);
    }

    /** Cancels a job; false when no job has that id (it ended already). */
    cancel(runId: string): boolean {
        const job = this.states.markCancelling(runId);
        if (!job) return false;
        this.log.info(`${runId}: cancel requested (${job.name}).`);
        this.workers.get(runId)?.cancel();
        return true;
    }

    private startJob(uri: string, name: string, job: JobKind, work: WorkerJob, description: string): RunStarted {
        const runId = `run-${this.nextRunId++}`;
        this.log.info(`${runId}: ${description} started.`);
        const entry = this.states.start({ runId, uri, name, job });
        const started = Date.now();
        const worker = new WorkerProcess(work, {
            onProgress: (p) => this.onProgress(entry, p, started),
            onLog: (line) => this.log.debug(`${runId} engine: ${line}`),
        });
        this.log.info(`${runId}: engine worker started (process ${worker.pid ?? '?'}).`);
        this.workers.set(runId, worker);
        this.reporter.started(entry, () => this.cancel(runId));
        void worker.outcome.then((outcome) => this.onOutcome(entry, outcome));
        return { runId };
    }

    private onProgress(entry: ActiveJob, p: WorkerProgress, started: number): void {
        const progress: RunProgress = {
            runId: entry.runId,
            uri: entry.uri,
            name: entry.name,
            phase: p.phase,
            step: p.step,
            steps: p.steps,
            loss: p.loss,
            meeting: p.meeting,
            elapsedSeconds: (Date.now() - started) / 1000,
        };
        this.reporter.progress(entry, progress);
    }

    private async onOutcome(entry: ActiveJob, outcome: WorkerOutcome): Promise<void> {
        this.workers.delete(entry.runId);
        const inputs = this.inputs.get(entry.runId) ?? null;
        this.inputs.delete(entry.runId);
        const finished: RunFinished = { runId: entry.runId, uri: entry.uri, name: entry.name, job: entry.job, hasResult: false, summary: null, error: null };
        if (outcome.kind === 'result') {
            this.store.set(entry.uri, outcome.result, inputs ?? this.inputsNow(entry));
            finished.hasResult = true;
            finished.summary = resultSummary(outcome.result);
        } else if (outcome.kind === 'trained') {
            const s = outcome.summary;
            const rmse = Object.entries(s.testRmse).map(([k, v]) => `${k} = ${formatMiss(v)}`).join(', ');
            finished.summary = s.cancelled
                ? `Training ${s.oracle} was cancelled after ${s.epochs} epochs; the model was not written.`
                : `Trained ${s.oracle}: test RMSE ${rmse || 'n/a'} (${s.epochs} epochs, ${formatSeconds(s.seconds)}, ${s.backend}).`;
        } else {
            finished.error = outcome.message;
        }
        if (finished.error) this.log.error(`${entry.runId}: ${entry.name} failed: ${finished.error}`);
        else this.log.info(`${entry.runId}: ${entry.name} ${entry.job === 'train' ? 'training ended' : 'ended'}: ${finished.summary}`);
        this.states.finish(entry, finished.error);
        await this.reporter.finished(entry, finished);
        // A new result changes the diagnostics (target not met), a new model the validation.
        await this.revalidate(entry.uri);
        this.reporter.resultsChanged();
    }

    /** The hash of what the block of `entry` reads now (null when the block is gone). */
    private inputsNow(entry: ActiveJob): string | null {
        const document = this.shared.workspace.LangiumDocuments.getDocument(URI.parse(entry.uri)) as LangiumDocument<InvFile> | undefined;
        const block = document?.parseResult.value.elements.find((e) => (isInversion(e) || isSynthesis(e)) && e.name === entry.name);
        return block && (isInversion(block) || isSynthesis(block)) ? runInputsHash(block) : null;
    }

    private refuseWhenUntrusted(what: string, name: string): void {
        if (!this.trusted) {
            throw this.refused(`inv does not ${what} in an untrusted workspace (it would load models and write files). Trust the workspace to ${what}.`, name);
        }
    }

    /** The document, built and validated; refused when it has errors (as `inv run` exits 1). */
    private async validatedDocument(uri: string, name: string): Promise<LangiumDocument<InvFile>> {
        const parsed = URI.parse(uri);
        const documents = this.shared.workspace.LangiumDocuments;
        if (!documents.hasDocument(parsed)) throw this.refused(`${fileName(uri)} is not open in the language server.`, name);
        await this.shared.workspace.DocumentBuilder.waitUntil(DocumentState.Validated, parsed);
        const document = documents.getDocument(parsed) as LangiumDocument<InvFile>;
        const errors = (document.diagnostics ?? []).filter((d) => d.severity === 1);
        if (errors.length > 0) {
            const first = errors[0]!;
            throw this.refused(
                `${fileName(uri)} has ${errors.length} error${errors.length > 1 ? 's' : ''}; fix ${errors.length > 1 ? 'them' : 'it'} first ` +
                    `(line ${first.range.start.line + 1}: ${first.message}).`,
                name,
            );
        }
        return document;
    }

    /** A refusal, logged (the client shows the message). */
    private refused(message: string, name?: string): ResponseError<void> {
        this.log.warning(`refused${name ? ` (${name})` : ''}: ${message}`);
        return new ResponseError(RUN_REFUSED, message);
    }

    private async revalidate(uri: string): Promise<void> {
        try {
            await this.shared.workspace.DocumentBuilder.update([URI.parse(uri)], []);
        } catch {
            // The document was closed meanwhile: nothing to show.
        }
    }

    private async configuration(): Promise<unknown> {
        const config = this.shared.workspace.ConfigurationProvider;
        const [defaultBackend, defaultSolutions, defaultSteps] = await Promise.all(
            ['defaultBackend', 'defaultSolutions', 'defaultSteps'].map((k) => config.getConfiguration('inv', k)),
        );
        return { defaultBackend, defaultSolutions, defaultSteps };
    }
}

function fileName(uri: string): string {
    return uri.slice(uri.lastIndexOf('/') + 1);
}
