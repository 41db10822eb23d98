/**
 * The code lenses' view of runs (the language helper's RunStateSource), drawn from the
 * server's run states and stored results: `■ Cancel · step 1200/3000 · loss 3.1e-4` while a
 * run goes, then its summary (`✓ y = 1899.7 · 250/256 meet · 2.4 s · wasm`), `↻ stale — rerun`
 * once the file changed since, the failure when it failed, and in an untrusted workspace a
 * lens that says runs are off.
 */
import { URI } from 'langium';
import type { LangiumSharedServices } from 'langium/lsp';
import type { RunTarget, TrainTarget } from '../../protocol.js';
import type { RunLensState, RunStateSource } from '../../language/lsp/run-state-source.js';
import { formatValue, resultSummary } from './result-text.js';
import type { InvServerServices } from '../inv-server-module.js';
import type { InvRunManager } from './inv-run-manager.js';
import { ResultStore } from './result-store.js';
import type { ActiveJob, RunStates } from './run-state.js';

const UNTRUSTED: RunLensState = { kind: 'finished', summary: '⚠ Untrusted workspace: inv edits and checks, but does not run or train', hasResults: false };

export class InvLensRunState implements RunStateSource {
    private readonly shared: LangiumSharedServices;
    private readonly store: ResultStore;
    private readonly states: RunStates;
    /** Asked lazily: the run manager uses the lenses' services too. */
    private readonly manager: () => InvRunManager;

    constructor(services: InvServerServices) {
        this.shared = services.shared;
        this.store = services.runs.ResultStore;
        this.states = services.runs.RunStates;
        this.manager = () => services.runs.RunManager;
    }

    private trusted(): boolean {
        return this.manager().workspaceTrusted;
    }

    runState(target: RunTarget): RunLensState | undefined {
        const running = this.states.running(target.uri, target.name, 'run');
        if (running) return runningState(running);
        if (!this.trusted()) return UNTRUSTED;
        const failure = this.states.lastFailure(target.uri, target.name, 'run');
        if (failure) return { kind: 'finished', summary: `✗ ${firstLine(failure)}`, hasResults: false };
        const result = this.store.get(target.uri, target.name);
        if (!result) return undefined;
        const text = this.shared.workspace.LangiumDocuments.getDocument(URI.parse(target.uri))?.textDocument.getText();
        const stale = text !== undefined && ResultStore.isStale(result, text);
        return { kind: 'finished', summary: stale ? `↻ stale — rerun · ${resultSummary(result)}` : resultSummary(result), hasResults: true };
    }

    trainState(target: TrainTarget): RunLensState | undefined {
        const running = this.states.running(target.uri, target.oracle, 'train');
        if (running) return runningState(running);
        if (!this.trusted()) return UNTRUSTED;
        const failure = this.states.lastFailure(target.uri, target.oracle, 'train');
        return failure ? { kind: 'finished', summary: `✗ ${firstLine(failure)}`, hasResults: false } : undefined;
    }
}

function runningState(job: ActiveJob): RunLensState {
    const p = job.progress;
    const label = job.cancelling
        ? 'cancelling…'
        : !p
          ? 'starting…'
          : `${p.phase === 'training-oracle' ? 'training oracle · epoch' : 'step'} ${p.step}/${p.steps}${lossLabel(p.loss)}`;
    return { kind: 'running', runId: job.runId, label };
}

/** The loss is not known before the first step is read (NaN, sent as null in JSON). */
function lossLabel(loss: number | null): string {
    return typeof loss === 'number' && Number.isFinite(loss) ? ` · loss ${formatValue(loss)}` : '';
}

/** A lens has one line: the failure's first, shortened (the notification has all of it). */
function firstLine(message: string): string {
    const line = message.split('\n')[0]!;
    return line.length > 90 ? `${line.slice(0, 89)}…` : line;
}
