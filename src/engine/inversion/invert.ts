/**
 * An inversion from start to result: load the oracle, build the program (generator or
 * adjoint), run it step by step under the stop rules, and evaluate the state it ends with
 * into an InvResult (CLI-AND-RESULTS.md). Runs on whatever backend initBackend chose.
 */
import { adjointProgram, adjointStarts } from './adjoint.js';
import { fusedActive } from '../backend/backend.js';
import { fusedAdjointProgram, fusedGeneratorProgram, type FusedParts } from './fused-program.js';
import { fusedSupport } from './fused-support.js';
import type { BackendName } from '../contract/spec.js';
import { tf } from '../backend/tf.js';
import { analyse } from './analysis.js';
import { levelSetCoverage } from './coverage.js';
import { findFamilies } from './families.js';
import { DataSupport, SUPPORTED_AT, SupportForce } from './support.js';
import { EngineError } from '../contract/errors.js';
import { describeState } from './divergence.js';
import { refuseIfOverMemory } from '../backend/memory-check.js';
import { runSizes } from '../contract/memory-estimate.js';
import { FeatureTransforms } from './feature-transform.js';
import { generatorProgram } from './generator.js';
import type { InversionProgram, ProgramState } from './inversion-program.js';
import { targetLoss } from './loss.js';
import { loadOracle, oracleDomains, type Oracle } from '../oracle/oracle.js';
import { SpreadForce } from './spread-force.js';
import { assembleResult, commonSettings, resultHeader, resultTarget } from './result-parts.js';
import type { InvResult, RunSettings, StopReason } from '../contract/results.js';
import { RunLog, type RunOutcome, type RunProgressEvent } from './run-log.js';
import { DEFAULT_SUPPORT, type InversionSpec } from '../contract/spec.js';
import { CHECK_EVERY, EarlyStopRule, insideCount, OutsideBoundsRule, spreadOf } from './stop-rules.js';
import { hasTolerance, solutionMiss } from '../contract/target-miss.js';
import { FINISH_SHARE, finishOutcome, finishRefines, type RowJudge } from './typed-finish.js';
import type { TargetSpec } from '../contract/spec.js';

export type { RunProgressEvent } from './run-log.js';

export interface RunOptions {
    signal?: AbortSignal;
    onProgress?(p: RunProgressEvent): void;
}

export async function runInversion(spec: InversionSpec, opts: RunOptions = {}): Promise<InvResult> {
    const started = performance.now();
    checkSpec(spec);
    refuseIfOverMemory(`inversion ${spec.name}`, runSizes(spec));
    const oracle = await loadOracle(spec.oracle);
    let transforms: FeatureTransforms | null = null;
    /** The program running now (the generator's is replaced by a refining one when the solutions settle). */
    const current: { program: InversionProgram | null } = { program: null };
    try {
        transforms = await FeatureTransforms.create(spec.features, spec.relations ?? []);
        const notes: string[] = [];
        const data = await DataSupport.forOracle(spec.oracle, oracle.metadata, spec.source);
        // The search keeps to the data (support.ts) where it is known and the run spreads.
        const supportWeight = spec.support ?? DEFAULT_SUPPORT;
        // Not yet for categorical inputs: the pull and the adjoint's starts from the data act on numbers only.
        const keepToData = data.support !== null && !data.support.categorical && supportWeight > 0 && spec.diversity > 0;
        const supportForce = keepToData ? new SupportForce(data.support!, supportWeight) : null;
        const opened = await openProgram(spec, oracle, transforms, notes, { support: supportForce, dataRows: keepToData ? data.support!.sampleRows(spec.solutions, spec.seed) : null });
        current.program = opened.program;
        const backend = opened.backend;
        const finishSteps = finishRefines(transforms) ? Math.round(spec.steps * FINISH_SHARE) : 0;
        const run = await loop({ ...spec, steps: spec.steps - finishSteps }, current as { program: InversionProgram }, transforms, oracle, opts, started, notes);
        let violations: number | undefined;
        if (transforms.typed) {
            // Whole numbers, one label each, relations to 1e-9: the answers as written, and the oracle there.
            current.program.dispose();
            current.program = null;
            const loss = targetLoss(spec.targets, oracle);
            violations = await finishOutcome(run, {
                transforms,
                oracle,
                judge: inversionJudge(spec.targets, oracle.outputs),
                lossFor: () => ({ loss, dispose: () => undefined }),
                relations: spec.relations ?? [],
                seed: spec.seed,
                objectives: spec.targets.some((t) => !hasTolerance(t)),
                steps: finishSteps,
                learningRate: spec.learningRate,
                signal: opts.signal,
            }, { steps: spec.steps, started, onProgress: opts.onProgress });
        }
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
            diversity: spec.diversity,
            ...reading,
        });
        if (violations !== undefined) summary.violations = violations;
        return assembleResult(resultHeader(spec, oracle, run, started, backend), {
            settings: settingsOf(spec),
            kind: 'inversion',
            targets: spec.targets.map(resultTarget),
            solutions,
            summary,
        });
    } finally {
        current.program?.dispose();
        transforms?.dispose();
        oracle.dispose();
    }
}


/**
 * The program an inversion starts with: on the fused kernel when the `wasm-fused` backend
 * is chosen and it can run the inversion (fused-support.ts), else on TF.js (a note says
 * why when the fused kernel was asked for). Also what the benchmark steps (bench/).
 */
export async function openProgram(
    spec: InversionSpec,
    oracle: Oracle,
    transforms: FeatureTransforms,
    notes: string[],
    /** The pull into the data and the training rows the adjoint starts from, when the search keeps to the data (support.ts). */
    search: { support: SupportForce | null; dataRows: Float64Array | null } = { support: null, dataRows: null },
): Promise<{ program: InversionProgram; backend: BackendName }> {
    // With a spread term: the generator starts spread (generator.ts), and when the spread
    // phase ends the solutions are walked along the level set and settled onto it
    // (level-set-projection.ts). Typed runs have a finish of their own (typed-finish.ts).
    const spreading = spec.diversity > 0;
    const settle = transforms.scalarOnly ? { targets: spec.targets, support: search.support, spread: spreading } : undefined;
    const fused = fusedActive() ? await fusedSupport(oracle, transforms) : null;
    if (fused?.ok) {
        const parts: FusedParts = {
            transforms,
            oracle,
            oracleLayers: fused.oracleLayers,
            targets: { kind: 'targets', targets: spec.targets },
            diversity: spec.diversity,
            spreadTargets: spec.targets,
            settle,
        };
        const program =
            spec.method.kind === 'generator'
                ? fusedGeneratorProgram(spec.method, spec.solutions, spec.seed, parts)
                : fusedAdjointProgram(spec.solutions, adjointStarts(spec.solutions, spec.seed, transforms, search.dataRows), parts);
        return { program, backend: 'wasm-fused' };
    }
    const backend = tf.getBackend() as BackendName;
    if (fused) notes.push(`Ran on TF.js ${backend}, not the fused kernel: ${fused.why}.`);
    const loss = targetLoss(spec.targets, oracle);
    const spread = spreading ? new SpreadForce(spec.diversity, spec.solutions, transforms, oracle, spec.targets) : null;
    const parts = { transforms, oracle, loss, spread, settle };
    const program =
        spec.method.kind === 'generator'
            ? generatorProgram(spec.method, spec.solutions, spec.seed, parts, spreading)
            : adjointProgram(spec.solutions, spec.seed, parts, search.dataRows);
    return { program, backend };
}

async function loop(spec: InversionSpec, current: { program: InversionProgram }, transforms: FeatureTransforms, oracle: Oracle, opts: RunOptions, started: number, notes: string[]): Promise<RunOutcome> {
    const free = transforms.free;
    const outsideRule = spec.stopOutsideBounds ? new OutsideBoundsRule() : null;
    const objective = spec.targets.some((t) => !hasTolerance(t));
    const earlyStop = new EarlyStopRule(spec.diversity, spec.steps, objective, objective && spec.targets.some(hasTolerance));
    const log = new RunLog(spec.steps, free, oracle.outputs, started, opts.onProgress);
    let lastFinite: { step: number; state: ProgramState } | null = null;
    let meeting: number | null = null;
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
            const cause = diverged ?? (finite(state) ? null : describeState(state, step, free, oracle.outputs) ?? `the solutions became non-finite by step ${step}`);
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
            // The spread is made (and an objective beside goals followed): from here each
            // solution settles onto its goals on its own.
            spreading = false;
            current.program = await current.program.refine();
            // Check the refined solutions before any step (this same step number comes round
            // again: the refine took no step).
            checkNow = true;
            step--;
            continue;
        }
        transforms.setProgress(step / spec.steps);
        log.record(step, current.program.step(spec.learningRate, spreading));
        await log.afterStep(step, meeting);
    }
}

/** An inversion's answers judged: meets and error over the targets, then the objectives (smaller is better). */
export function inversionJudge(targets: TargetSpec[], outputs: string[]): RowJudge {
    const index = (name: string) => outputs.indexOf(name);
    const objectives = targets.filter((t) => !hasTolerance(t));
    return (_row, y) => ({
        ...solutionMiss(targets, index, y, 0, outputs.length),
        objectives: objectives.map((t) => (t.kind === 'maximize' ? -1 : 1) * y[index(t.output)]),
    });
}

/**
 * What the run's answers say beyond their errors: each one's support (when the data is
 * known), and for runs of plain numbers their families and how much of the level set they
 * cover.
 */
async function readAnswers(spec: InversionSpec, run: RunOutcome, transforms: FeatureTransforms, oracle: Oracle, data: DataSupport | null, keepToData: boolean) {
    const { state } = run;
    const k = transforms.free.length;
    const outputIndex = (name: string) => oracle.outputs.indexOf(name);
    const meets = Array.from({ length: state.solutions }, (_, i) => solutionMiss(spec.targets, outputIndex, state.outputs, i, oracle.outputs.length).meets);
    let support: { scores: Float64Array; threshold: number } | undefined;
    if (data && data.dims === transforms.inputs) {
        const inputs = new Float64Array(state.solutions * transforms.inputs);
        for (let i = 0; i < state.solutions; i++) {
            inputs.set(transforms.fixedValues, i * transforms.inputs);
            transforms.free.forEach((f, j) => (inputs[i * transforms.inputs + f.column] = state.features[i * k + j]));
        }
        support = { scores: data.scores(inputs, state.solutions), threshold: SUPPORTED_AT };
    }
    if (!transforms.scalarOnly) return { support };
    const families = await findFamilies({ transforms, oracle, targets: spec.targets, features: state.features, solutions: state.solutions, meets });
    const { coverage } = await levelSetCoverage({
        transforms,
        oracle,
        targets: spec.targets,
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
    return { solutions: spec.solutions, steps, learningRate, diversity, latent, layers, activation, tolerance, backend, stopOutsideBounds, support: spec.support ?? DEFAULT_SUPPORT };
}

function finite(state: ProgramState): boolean {
    return [state.raw, state.features, state.outputs].every((a) => a.every(Number.isFinite));
}
