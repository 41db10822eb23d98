/**
 * The code lenses' view of runs (the language helper's RunStateSource), drawn from the
 * server's run states and stored results: `■ Cancel · step 1200/3000 · loss 3.1e-4 · 12 meet`
 * while a run goes (the progress the client was last shown, in the words of every other
 * surface: engine/contract/progress-text.ts), then its summary (`✓ y = 1899.7 · 250/256 meet ·
 * 2.4 s · wasm`) and its best solution, `↻ stale — rerun` once what the run read has changed
 * (its block, oracle, constraints or files: run-inputs.ts), the failure when it failed, and in
 * an untrusted workspace a lens that says runs are off.
 */
import { URI, type LangiumDocument } from 'langium';
import type { LangiumSharedServices } from 'langium/lsp';
import { describeProgress } from '../../engine/contract/progress-text.js';
import type { RunTarget, TrainTarget } from '../../protocol.js';
import type { RunLensState, RunStateSource } from '../../language/lsp/run-state-source.js';
import { isInversion, isSynthesis, type InvFile } from '../../language/generated/ast.js';
import type { RunBlock } from '../../language/ast-fields.js';
import { resultSummary } from './result-text.js';
import { describeBestInputs, resultDetails } from './result-reading.js';
import type { InvServerServices } from '../inv-server-module.js';
import type { InvRunManager } from './inv-run-manager.js';
import type { ResultStore } from './result-store.js';
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
        if (failure) return { kind: 'finished', summary: `✗ ${firstLine(failure)}`, hasResults: false, details: failure };
        const block = this.block(target);
        const latest = block && this.store.latest(block);
        if (!latest) return undefined;
        const { result, stale } = latest;
        const details = resultDetails(result).join('\n');
        if (stale) {
            return { kind: 'finished', summary: `↻ stale — rerun · ${resultSummary(result)}`, hasResults: true, details: `${details}\n(Stale: what this run read has changed since.)` };
        }
        return { kind: 'finished', summary: resultSummary(result), hasResults: true, best: describeBestInputs(result) ?? undefined, details };
    }

    trainState(target: TrainTarget): RunLensState | undefined {
        const running = this.states.running(target.uri, target.oracle, 'train');
        if (running) return runningState(running);
        if (!this.trusted()) return UNTRUSTED;
        const failure = this.states.lastFailure(target.uri, target.oracle, 'train');
        return failure ? { kind: 'finished', summary: `✗ ${firstLine(failure)}`, hasResults: false, details: failure } : undefined;
    }

    private block(target: RunTarget): RunBlock | undefined {
        const document = this.shared.workspace.LangiumDocuments.getDocument(URI.parse(target.uri)) as LangiumDocument<InvFile> | undefined;
        const block = document?.parseResult.value.elements.find((e) => (isInversion(e) || isSynthesis(e)) && e.name === target.name);
        return block && (isInversion(block) || isSynthesis(block)) ? block : undefined;
    }
}

function runningState(job: ActiveJob): RunLensState {
    const label = job.cancelling ? 'cancelling…' : job.progress ? describeProgress(job.progress) : 'starting…';
    return { kind: 'running', runId: job.runId, label };
}

/** A lens has one line: the failure's first, shortened (the notification and the tooltip have all of it). */
function firstLine(message: string): string {
    const line = message.split('\n')[0]!;
    return line.length > 90 ? `${line.slice(0, 89)}…` : line;
}
