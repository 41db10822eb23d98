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
import type { InversionSpec } from '../contract/spec.js';
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
        const opened = openProgram(spec, oracle, transforms, notes);
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
export function openProgram(spec: InversionSpec, oracle: Oracle, transforms: FeatureTransforms, notes: string[]): { program: InversionProgram; backend: BackendName } {
    const fused = fusedActive() ? fusedSupport(oracle, transforms) : null;
    if (fused?.ok) {
        const parts: FusedParts = {
            transforms,
            oracle,
            oracleLayers: fused.oracleLayers,
            targets: { kind: 'targets', targets: spec.targets },
            diversity: spec.diversity,
            spreadTargets: spec.targets,
        };
        const program =
            spec.method.kind === 'generator'
                ? fusedGeneratorProgram(spec.method, spec.solutions, spec.seed, parts)
                : fusedAdjointProgram(spec.solutions, adjointStarts(spec.solutions, spec.seed, transforms), parts);
        return { program, backend: 'wasm-fused' };
    }
    const backend = tf.getBackend() as BackendName;
    if (fused) notes.push(`Ran on TF.js ${backend}, not the fused kernel: ${fused.why}.`);
    const loss = targetLoss(spec.targets, oracle);
    const spread = spec.diversity > 0 ? new SpreadForce(spec.diversity, spec.solutions, transforms, oracle, spec.targets) : null;
    const parts = { transforms, oracle, loss, spread };
    const program = spec.method.kind === 'generator' ? generatorProgram(spec.method, spec.solutions, spec.seed, parts) : adjointProgram(spec.solutions, spec.seed, parts);
    return { program, backend };
}

async function loop(spec: InversionSpec, current: { program: InversionProgram }, transforms: FeatureTransforms, oracle: Oracle, opts: RunOptions, started: number, notes: string[]): Promise<RunOutcome> {
    const free = transforms.free;
    const outsideRule = spec.stopOutsideBounds ? new OutsideBoundsRule() : null;
    const earlyStop = new EarlyStopRule(spec.diversity, spec.steps, spec.targets.some((t) => !hasTolerance(t)));
    const log = new RunLog(spec.steps, free, oracle.outputs, started, opts.onProgress);
    let lastFinite: { step: number; state: ProgramState } | null = null;
    let meeting: number | null = null;
    let spreading = earlyStop.spreadingAt(0);
    const outputIndex = (name: string) => oracle.outputs.indexOf(name);

    const finish = async (state: ProgramState, stepsRun: number, stoppedBecause: StopReason): Promise<RunOutcome> => {
        await log.flush();
        return { state, stepsRun, stoppedBecause, loss: log.curve, notes };
    };

    for (let step = 0; ; step++) {
        if (step % CHECK_EVERY === 0 || step === spec.steps) {
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
            if (outsideRule?.check(step, insideCount(state, free), state.solutions, state)) {
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
    return { solutions: spec.solutions, steps, learningRate, diversity, latent, layers, activation, tolerance, backend, stopOutsideBounds };
}

function finite(state: ProgramState): boolean {
    return [state.raw, state.features, state.outputs].every((a) => a.every(Number.isFinite));
}
