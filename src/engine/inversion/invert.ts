/**
 * An inversion from start to result: load the oracle, build the program (generator or
 * adjoint), run it step by step under the stop rules, and evaluate the state it ends with
 * into an InvResult (CLI-AND-RESULTS.md). Runs on whatever backend initBackend chose.
 */
import { adjointProgram } from './adjoint.js';
import { analyse } from './analysis.js';
import { levelSetCoverage } from './coverage.js';
import { findFamilies } from './families.js';
import { DataSupport, SUPPORTED_AT, SupportForce } from './support.js';
import { EngineError } from '../contract/errors.js';
import { FeatureTransforms } from './feature-transform.js';
import { generatorProgram } from './generator.js';
import type { InversionProgram, ProgramState } from './inversion-program.js';
import { targetLoss } from './loss.js';
import { loadOracle, oracleDomains, type Oracle } from '../oracle/oracle.js';
import { SpreadForce } from './spread-force.js';
import { assembleResult, commonSettings, resultHeader, resultTarget } from './result-parts.js';
import type { InvResult, RunSettings, StopReason } from '../contract/results.js';
import { RunLog, type RunOutcome, type RunProgressEvent } from './run-log.js';
import type { InversionSpec } from '../contract/spec.js';
import { CHECK_EVERY, EarlyStopRule, insideCount, OutsideBoundsRule, spreadOf } from './stop-rules.js';
import { hasTolerance, solutionMiss } from '../contract/target-miss.js';

export type { RunProgressEvent } from './run-log.js';

export interface RunOptions {
    signal?: AbortSignal;
    onProgress?(p: RunProgressEvent): void;
}

export async function runInversion(spec: InversionSpec, opts: RunOptions = {}): Promise<InvResult> {
    const started = performance.now();
    checkSpec(spec);
    const oracle = await loadOracle(spec.oracle);
    let transforms: FeatureTransforms | null = null;
    let supportForce: SupportForce | null = null;
    /** The program running now (the generator's is replaced by a refining one when the solutions settle). */
    const current: { program: InversionProgram | null } = { program: null };
    try {
        transforms = await FeatureTransforms.create(spec.features);
        const loss = targetLoss(spec.targets, oracle);
        const data = await DataSupport.forOracle(spec.oracle, oracle.metadata, spec.source);
        const keepToData = data.support !== null && spec.support > 0;
        supportForce = keepToData ? new SupportForce(data.support!, spec.support) : null;
        const spread = spec.diversity > 0 ? new SpreadForce(spec.diversity, spec.solutions, transforms, oracle, spec.targets) : null;
        const parts = { transforms, oracle, loss, spread, settle: { targets: spec.targets, support: supportForce, spread: spec.diversity > 0 } };
        // Where the search keeps to the data, it starts where the data is (generator.ts, adjoint.ts).
        current.program =
            spec.method.kind === 'generator'
                ? generatorProgram(spec.method, spec.solutions, spec.seed, parts, spec.diversity > 0)
                : adjointProgram(spec.solutions, spec.seed, parts, keepToData ? data.support!.sampleRows(spec.solutions, spec.seed) : null);
        const run = await loop(spec, current as { program: InversionProgram }, transforms, oracle, opts, started);
        const domains = oracleDomains(spec.oracle, oracle.metadata);
        const reading = await readAnswers(spec, run, transforms, oracle, data.support, keepToData);
        if (data.reason) run.notes.push(`No support figures: ${data.reason}.`);
        const { solutions, summary } = analyse({
            features: spec.features,
            free: transforms.free,
            domains,
            outputs: oracle.outputs,
            targets: spec.targets,
            solutions: run.state.solutions,
            freeValues: run.state.features,
            outputValues: run.state.outputs,
            notes: run.notes,
            ...reading,
        });
        return assembleResult(resultHeader(spec, oracle, run, started), {
            settings: settingsOf(spec),
            kind: 'inversion',
            targets: spec.targets.map(resultTarget),
            solutions,
            summary,
        });
    } finally {
        current.program?.dispose();
        supportForce?.dispose();
        transforms?.dispose();
        oracle.dispose();
    }
}


async function loop(spec: InversionSpec, current: { program: InversionProgram }, transforms: FeatureTransforms, oracle: Oracle, opts: RunOptions, started: number): Promise<RunOutcome> {
    const free = transforms.free;
    const outsideRule = spec.stopOutsideBounds ? new OutsideBoundsRule() : null;
    const earlyStop = new EarlyStopRule(spec.diversity, spec.steps, spec.targets.some((t) => !hasTolerance(t)));
    const log = new RunLog(spec.steps, free, oracle.outputs, started, opts.onProgress);
    let lastFinite: { step: number; state: ProgramState } | null = null;
    let meeting: number | null = null;
    const notes: string[] = [];
    let spreading = earlyStop.spreadingAt(0);
    const outputIndex = (name: string) => oracle.outputs.indexOf(name);

    const finish = async (state: ProgramState, stepsRun: number, stoppedBecause: StopReason): Promise<RunOutcome> => {
        await log.flush();
        return { state, stepsRun, stoppedBecause, loss: log.curve, notes };
    };

    // Right after the refine program takes over: its solutions may all meet already.
    let checkNow = false;
    for (let step = 0; ; step++) {
        if (step % CHECK_EVERY === 0 || step === spec.steps || checkNow) {
            const regular = !checkNow || step % CHECK_EVERY === 0 || step === spec.steps;
            checkNow = false;
            const diverged = await log.flush();
            const state = await current.program.state();
            const cause = diverged ?? (finite(state) ? null : `the solutions became non-finite by step ${step}`);
            if (cause !== null) {
                if (!lastFinite) throw new EngineError(`inversion ${spec.name} diverged before its first finite state: ${cause}`);
                notes.push(`Diverged: ${cause}; the result is the last finite state (step ${lastFinite.step}).`);
                return finish(lastFinite.state, lastFinite.step, 'diverged');
            }
            lastFinite = { step, state };
            let allMeet = true;
            meeting = 0;
            for (let i = 0; i < state.solutions; i++) {
                if (solutionMiss(spec.targets, outputIndex, state.outputs, i, oracle.outputs.length).meets) meeting++;
                else allMeet = false;
            }
            // `stop outside bounds` checks at step 0 and every 50 steps (LANGUAGE.md), no others.
            if (regular && outsideRule?.check(step, insideCount(state, free), state.solutions, state)) {
                const kept = outsideRule.lastHalfInside!;
                return finish(kept.state, kept.step, 'outside-bounds');
            }
            if (step === spec.steps) {
                if (outsideRule && !outsideRule.lastHalfInside) {
                    notes.push(`\`stop outside bounds\` never applied: no check found at least half of the solutions inside their bounds, so the run took all ${spec.steps} steps.`);
                }
                return finish(state, step, 'steps');
            }
            const spread = spreadOf(state, free);
            if (earlyStop.check(step, allMeet, spread)) return finish(state, step, 'tolerance');
        }
        if (opts.signal?.aborted) return finish(await current.program.state(), step, 'cancelled');
        if (spreading && !earlyStop.spreadingAt(step)) {
            // The spread is made: from here each solution settles onto its targets on its own.
            spreading = false;
            current.program = await current.program.refine();
            // Check the refined solutions before any step (this same step number comes round
            // again: the refine took no step).
            checkNow = true;
            step--;
            continue;
        }
        log.record(step, current.program.step(spec.learningRate, spreading));
        await log.afterStep(step, meeting);
    }
}

/**
 * What the run's answers say beyond their errors: each one's support (when the data is
 * known), their families, and how much of the level set they cover.
 */
async function readAnswers(spec: InversionSpec, run: RunOutcome, transforms: FeatureTransforms, oracle: Oracle, data: DataSupport | null, keepToData: boolean) {
    const { state } = run;
    const outputIndex = (name: string) => oracle.outputs.indexOf(name);
    const meets = Array.from({ length: state.solutions }, (_, i) => solutionMiss(spec.targets, outputIndex, state.outputs, i, oracle.outputs.length).meets);
    let support: { scores: Float64Array; threshold: number } | undefined;
    if (data) {
        const k = transforms.free.length;
        const inputs = new Float64Array(state.solutions * spec.features.length);
        for (let i = 0; i < state.solutions; i++) {
            spec.features.forEach((f, c) => f.role === 'fixed' && (inputs[i * spec.features.length + c] = f.value));
            transforms.free.forEach((f, j) => (inputs[i * spec.features.length + f.column] = state.features[i * k + j]));
        }
        support = { scores: data.scores(inputs, state.solutions), threshold: SUPPORTED_AT };
    }
    const families = await findFamilies({ transforms, oracle, targets: spec.targets, features: state.features, solutions: state.solutions, meets });
    const { coverage } = await levelSetCoverage({
        transforms,
        oracle,
        targets: spec.targets,
        features: spec.features,
        answers: state.features,
        solutions: state.solutions,
        meets,
        support: keepToData ? data : null,
        seed: spec.seed,
    });
    return { support, families, coverage };
}

function checkSpec(spec: InversionSpec): void {
    if (!spec.features.some((f) => f.role === 'free')) throw new EngineError(`inversion ${spec.name}: every input is fixed; nothing to search for`);
    if (spec.targets.length === 0) throw new EngineError(`inversion ${spec.name} has no target`);
    for (const t of spec.targets) {
        if (!spec.oracle.outputs.includes(t.output)) throw new EngineError(`inversion ${spec.name}: ${t.output} is not an output of oracle ${spec.oracle.name}`);
    }
}

function settingsOf(spec: InversionSpec): RunSettings {
    const { steps, learningRate, diversity, latent, layers, activation, backend, stopOutsideBounds } = commonSettings(spec);
    const tolerance = Object.fromEntries(spec.targets.filter(hasTolerance).map((t) => [t.output, t.tolerance]));
    return { solutions: spec.solutions, steps, learningRate, diversity, latent, layers, activation, tolerance, backend, stopOutsideBounds, support: spec.support };
}

function finite(state: ProgramState): boolean {
    return [state.raw, state.features, state.outputs].every((a) => a.every(Number.isFinite));
}
