/**
 * The language server's side of running: answers `inv/run`, `inv/train`, `inv/cancel`,
 * `inv/results`, `inv/activeRuns`; translates the document with the CLI's `toRunSpec` (plus the
 * editor's defaults), runs it in an engine worker process, forwards the worker's progress as
 * `inv/progress`, stores the result and sends `inv/result` (how it ended; the result itself is
 * `inv/results`'s answer), then asks the editor to refresh
 * the lenses, inlay hints and diagnostics that show it. The server itself never runs tensors,
 * so completion and hover keep answering during a run.
 */
import { existsSync } from 'node:fs';
import type { LangiumDocument } from 'langium';
import { DocumentState, URI } from 'langium';
import type { LangiumSharedServices } from 'langium/lsp';
import { CodeLensRefreshRequest, ResponseError } from 'vscode-languageserver';
import type { WorkerJob, WorkerProgress } from '../../engine/contract/worker-protocol.js';
import type { InvInitializationOptions, RunFinished, RunProgress, RunStarted, RunTarget, TrainTarget } from '../../protocol.js';
import {
    activeRunsRequest,
    cancelRequest,
    progressNotification,
    resultNotification,
    resultsRequest,
    runRequest,
    trainRequest,
    trustNotification,
} from '../../protocol.js';
import type { InvFile } from '../../language/generated/ast.js';
import { isInversion, isOracle, isSynthesis } from '../../language/generated/ast.js';
import { toOracleSpec, toRunSpec } from '../../language/to-spec.js';
import type { InvServerServices } from '../inv-server-module.js';
import { parseEditorRunSettings } from './editor-settings.js';
import { ResultStore } from './result-store.js';
import type { ActiveJob, JobKind, RunStates } from './run-state.js';
import { resultSummary } from './result-text.js';
import { WorkerProcess, type WorkerOutcome } from './worker-process.js';

/** JSON-RPC error code of a run the server refuses (untrusted workspace, errors in the file). */
export const RUN_REFUSED = -32001;

/** How often the lenses are refreshed while a run streams progress. */
const LENS_REFRESH_MS = 400;

export class InvRunManager {
    private trusted = true;
    private nextRunId = 1;
    private readonly workers = new Map<string, WorkerProcess>();
    private lensRefresh: NodeJS.Timeout | undefined;
    private readonly shared: LangiumSharedServices;
    private readonly store: ResultStore;
    private readonly states: RunStates;

    constructor(services: InvServerServices) {
        this.shared = services.shared;
        this.store = services.runs.ResultStore;
        this.states = services.runs.RunStates;
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
        });
        connection.onRequest(runRequest, (target) => this.run(target));
        connection.onRequest(trainRequest, (target) => this.train(target));
        connection.onRequest(cancelRequest, ({ runId }) => this.cancel(runId));
        connection.onRequest(resultsRequest, (target) => this.store.get(target.uri, target.name) ?? null);
        connection.onRequest(activeRunsRequest, () => ({
            runs: this.states.all().flatMap((j) => (j.progress ? [j.progress] : [])),
        }));
        connection.onNotification(trustNotification, ({ trusted }) => {
            this.trusted = trusted;
            this.scheduleLensRefresh();
        });
        connection.onShutdown(() => {
            for (const w of this.workers.values()) w.kill();
        });
        this.states.onDidChange(() => this.scheduleLensRefresh());
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
        this.refuseWhenUntrusted('run');
        const running = this.states.running(target.uri, target.name);
        if (running) return { runId: running.runId };
        const document = await this.validatedDocument(target.uri);
        const block = document.parseResult.value.elements.find((e) => (isInversion(e) || isSynthesis(e)) && e.name === target.name);
        if (!block || !(isInversion(block) || isSynthesis(block))) {
            throw refused(`${fileName(target.uri)} has no inversion or synthesis named \`${target.name}\`.`);
        }
        const defaults = parseEditorRunSettings(await this.configuration());
        let spec;
        try {
            spec = toRunSpec(document, target.name, { defaults });
        } catch (e) {
            throw refused(`${target.name}: ${(e as Error).message}`);
        }
        const trainFirst = spec.oracle.training !== null && !existsSync(spec.oracle.modelPath);
        return this.startJob(target.uri, target.name, 'run', { kind: 'run', spec, trainFirst });
    }

    async train(target: TrainTarget): Promise<RunStarted> {
        this.refuseWhenUntrusted('train');
        const running = this.states.running(target.uri, target.oracle, 'train');
        if (running) return { runId: running.runId };
        const document = await this.validatedDocument(target.uri);
        const oracle = document.parseResult.value.elements.find((e) => isOracle(e) && e.name === target.oracle);
        if (!oracle || !isOracle(oracle)) throw refused(`${fileName(target.uri)} has no oracle named \`${target.oracle}\`.`);
        let spec;
        try {
            spec = toOracleSpec(oracle, document.uri.fsPath);
        } catch (e) {
            throw refused(`${target.oracle}: ${(e as Error).message}`);
        }
        if (!spec.training) throw refused(`oracle \`${target.oracle}\` has no \`data\` to train on.`);
        return this.startJob(target.uri, target.oracle, 'train', { kind: 'train', oracle: spec });
    }

    cancel(runId: string): void {
        if (!this.states.markCancelling(runId)) return;
        this.workers.get(runId)?.cancel();
    }

    private startJob(uri: string, name: string, job: JobKind, work: WorkerJob): RunStarted {
        const runId = `run-${this.nextRunId++}`;
        const entry = this.states.start({ runId, uri, name, job });
        const started = Date.now();
        const worker = new WorkerProcess(work, {
            onProgress: (p) => this.onProgress(entry, p, started),
            onLog: (line) => this.shared.lsp.Connection?.console.log(`[engine ${runId}] ${line}`),
        });
        this.workers.set(runId, worker);
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
        this.states.progress(progress, entry.job);
        void this.shared.lsp.Connection?.sendNotification(progressNotification, progress);
    }

    private async onOutcome(entry: ActiveJob, outcome: WorkerOutcome): Promise<void> {
        this.workers.delete(entry.runId);
        const finished: RunFinished = { runId: entry.runId, uri: entry.uri, name: entry.name, job: entry.job, hasResult: false, summary: null, error: null };
        if (outcome.kind === 'result') {
            this.store.set(entry.uri, outcome.result);
            finished.hasResult = true;
            finished.summary = resultSummary(outcome.result);
        } else if (outcome.kind === 'trained') {
            const s = outcome.summary;
            const rmse = Object.entries(s.testRmse).map(([k, v]) => `${k} = ${v.toPrecision(3)}`).join(', ');
            finished.summary = s.cancelled
                ? `Training ${s.oracle} was cancelled after ${s.epochs} epochs; the model was not written.`
                : `Trained ${s.oracle}: test RMSE ${rmse || 'n/a'} (${s.epochs} epochs, ${s.seconds.toFixed(1)} s, ${s.backend}).`;
        } else {
            finished.error = outcome.message;
        }
        this.states.finish(entry, finished.error);
        const connection = this.shared.lsp.Connection;
        await connection?.sendNotification(resultNotification, finished);
        // A new result changes the diagnostics (target not met), a new model the validation.
        await this.revalidate(entry.uri);
        void connection?.languages.inlayHint.refresh().catch(() => undefined);
    }

    private refuseWhenUntrusted(what: string): void {
        if (!this.trusted) {
            throw refused(`inv does not ${what} in an untrusted workspace (it would load models and write files). Trust the workspace to ${what}.`);
        }
    }

    /** The document, built and validated; refused when it has errors (as `inv run` exits 1). */
    private async validatedDocument(uri: string): Promise<LangiumDocument<InvFile>> {
        const parsed = URI.parse(uri);
        const documents = this.shared.workspace.LangiumDocuments;
        if (!documents.hasDocument(parsed)) throw refused(`${fileName(uri)} is not open in the language server.`);
        await this.shared.workspace.DocumentBuilder.waitUntil(DocumentState.Validated, parsed);
        const document = documents.getDocument(parsed) as LangiumDocument<InvFile>;
        const errors = (document.diagnostics ?? []).filter((d) => d.severity === 1);
        if (errors.length > 0) {
            const first = errors[0]!;
            throw refused(
                `${fileName(uri)} has ${errors.length} error${errors.length > 1 ? 's' : ''}; fix ${errors.length > 1 ? 'them' : 'it'} first ` +
                    `(line ${first.range.start.line + 1}: ${first.message}).`,
            );
        }
        return document;
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

    private scheduleLensRefresh(): void {
        if (this.lensRefresh) return;
        this.lensRefresh = setTimeout(() => {
            this.lensRefresh = undefined;
            void this.shared.lsp.Connection?.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
        }, LENS_REFRESH_MS);
    }
}

function refused(message: string): ResponseError<void> {
    return new ResponseError(RUN_REFUSED, message);
}

function fileName(uri: string): string {
    return uri.slice(uri.lastIndexOf('/') + 1);
}
