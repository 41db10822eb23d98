/**
 * An inversion from start to result: load the oracle, build the program (generator or
 * adjoint), run it step by step under the stop rules, and evaluate the state it ends with
 * into an InvResult (CLI-AND-RESULTS.md). Runs on whatever backend initBackend chose.
 */
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs';

import pkg from '../../package.json' with { type: 'json' };

import { adjointProgram } from './adjoint.js';
import { analyse } from './analysis.js';
import { EngineError } from './errors.js';
import { FeatureTransforms } from './feature-transform.js';
import { generatorProgram } from './generator.js';
import type { InversionProgram, ProgramState } from './inversion-program.js';
import { targetLoss } from './loss.js';
import { loadOracle, oracleDomains, type Oracle } from './oracle.js';
import { SpreadForce } from './repulsion.js';
import { RESULT_SCHEMA, type InvResult, type ResultTarget, type RunSettings, type StopReason } from './results.js';
import type { BackendName, InversionSpec, TargetSpec } from './spec.js';
import { CHECK_EVERY, EarlyStopRule, insideCount, OutsideBoundsRule, spreadOf } from './stop-rules.js';
import { describeHealth } from './divergence.js';
import { hasTolerance, solutionMiss } from './target-miss.js';
import { tf } from './tf.js';

/** Steps between two yields to the event loop, so that cancel and IPC messages get through. */
const YIELD_EVERY = 10;
/** Least time between two progress events. */
const PROGRESS_MS = 100;
/** The loss curve keeps at most about this many points. */
const LOSS_POINTS = 1000;

export interface RunProgressEvent {
    step: number;
    steps: number;
    /** The accuracy loss (standardised) at the last step read. */
    loss: number;
    /** Solutions meeting their targets at the last check; null before the first. */
    meeting: number | null;
    elapsedSeconds: number;
}

export interface RunOptions {
    signal?: AbortSignal;
    onProgress?(p: RunProgressEvent): void;
}

export async function runInversion(spec: InversionSpec, opts: RunOptions = {}): Promise<InvResult> {
    const started = performance.now();
    checkSpec(spec);
    const oracle = await loadOracle(spec.oracle);
    let transforms: FeatureTransforms | null = null;
    /** The program running now (the generator's is replaced by a refining one when the solutions settle). */
    const current: { program: InversionProgram | null } = { program: null };
    try {
        transforms = await FeatureTransforms.create(spec.features);
        const loss = targetLoss(spec.targets, oracle);
        const spread = spec.diversity > 0 ? new SpreadForce(spec.diversity, spec.solutions, transforms, oracle, spec.targets) : null;
        const parts = { transforms, oracle, loss, spread };
        current.program = spec.method.kind === 'generator' ? generatorProgram(spec.method, spec.solutions, spec.seed, parts) : adjointProgram(spec.solutions, spec.seed, parts);
        const run = await loop(spec, current as { program: InversionProgram }, transforms, oracle, opts, started);
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
        return {
            schema: RESULT_SCHEMA,
            inv: pkg.version,
            source: spec.source,
            sourceHash: spec.sourceHash,
            settings: settingsOf(spec),
            name: spec.name,
            kind: 'inversion',
            oracle: {
                name: spec.oracle.name,
                model: spec.oracle.modelPathAsWritten,
                inputs: spec.oracle.inputs.map((i) => i.name),
                outputs: [...spec.oracle.outputs],
                testRmse: oracle.metadata ? oracle.metadata.testRmse : null,
            },
            method: spec.method.kind,
            backend: tf.getBackend() as BackendName,
            seed: spec.seed,
            steps: spec.steps,
            stepsRun: run.stepsRun,
            stoppedBecause: run.stoppedBecause,
            seconds: (performance.now() - started) / 1000,
            targets: spec.targets.map(resultTarget),
            solutions,
            summary,
            loss: run.loss,
        };
    } finally {
        current.program?.dispose();
        transforms?.dispose();
        oracle.dispose();
    }
}

interface RunOutcome {
    state: ProgramState;
    stepsRun: number;
    stoppedBecause: StopReason;
    loss: Array<[number, number]>;
    notes: string[];
}

async function loop(spec: InversionSpec, current: { program: InversionProgram }, transforms: FeatureTransforms, oracle: Oracle, opts: RunOptions, started: number): Promise<RunOutcome> {
    const free = transforms.free;
    const outsideRule = spec.stopOutsideBounds ? new OutsideBoundsRule() : null;
    const earlyStop = new EarlyStopRule(spec.diversity, spec.steps, spec.targets.some((t) => !hasTolerance(t)));
    const lossEvery = Math.max(10, Math.ceil(spec.steps / LOSS_POINTS));
    const curve: Array<[number, number]> = [];
    let pending: Array<[number, Scalar]> = [];
    let health: Array<[number, Tensor1D]> = [];
    let lastFinite: { step: number; state: ProgramState } | null = null;
    let meeting: number | null = null;
    let lastLoss = NaN;
    let lastProgress = -Infinity;
    const notes: string[] = [];
    let spreading = earlyStop.spreadingAt(0);
    const outputIndex = (name: string) => oracle.outputs.indexOf(name);

    /**
     * Reads the sampled losses and the health codes of the steps since the last check;
     * returns the cause of the first divergence among them, or null.
     */
    const flush = async (): Promise<string | null> => {
        const losses = pending.map(([, t]) => t);
        const probes = health.map(([, t]) => t);
        const [lossValues, probeValues] = await Promise.all([readAll(losses), readAll(probes)]);
        pending.forEach(([step], i) => curve.push([step, lossValues[i]]));
        if (lossValues.length > 0) lastLoss = lossValues[lossValues.length - 1];
        let cause: string | null = null;
        const width = probes.length > 0 ? probes[0].size : 0;
        for (let i = 0; i < probes.length && cause === null; i++) {
            cause = describeHealth(probeValues.slice(i * width, (i + 1) * width), health[i][0], free, oracle.outputs);
        }
        tf.dispose([...losses, ...probes]);
        pending = [];
        health = [];
        return cause;
    };
    const finish = async (state: ProgramState, stepsRun: number, stoppedBecause: StopReason): Promise<RunOutcome> => {
        await flush();
        return { state, stepsRun, stoppedBecause, loss: curve, notes };
    };

    for (let step = 0; ; step++) {
        if (step % CHECK_EVERY === 0 || step === spec.steps) {
            const diverged = await flush();
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
        const result = current.program.step(spec.learningRate, spreading);
        health.push([step, result.health]);
        if (step % lossEvery === 0) pending.push([step, result.loss]);
        else result.loss.dispose();
        if (step % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
        const now = performance.now();
        if (opts.onProgress && now - lastProgress >= PROGRESS_MS) {
            lastProgress = now;
            // The newest sampled loss: one scalar read at most every PROGRESS_MS.
            const latest = pending[pending.length - 1];
            if (latest) lastLoss = (await latest[1].data())[0];
            opts.onProgress({ step: step + 1, steps: spec.steps, loss: lastLoss, meeting, elapsedSeconds: (now - started) / 1000 });
        }
    }
}

function checkSpec(spec: InversionSpec): void {
    if (!spec.features.some((f) => f.role === 'free')) throw new EngineError(`inversion ${spec.name}: every input is fixed; nothing to search for`);
    if (spec.targets.length === 0) throw new EngineError(`inversion ${spec.name} has no target`);
    for (const t of spec.targets) {
        if (!spec.oracle.outputs.includes(t.output)) throw new EngineError(`inversion ${spec.name}: ${t.output} is not an output of oracle ${spec.oracle.name}`);
    }
}

function settingsOf(spec: InversionSpec): RunSettings {
    const generator = spec.method.kind === 'generator' ? spec.method : null;
    return {
        solutions: spec.solutions,
        steps: spec.steps,
        learningRate: spec.learningRate,
        diversity: spec.diversity,
        latent: generator ? generator.latent : null,
        layers: generator ? [...generator.layers] : null,
        activation: generator ? generator.activation : null,
        tolerance: Object.fromEntries(spec.targets.filter(hasTolerance).map((t) => [t.output, t.tolerance])),
        backend: spec.backend,
        stopOutsideBounds: spec.stopOutsideBounds,
    };
}

function resultTarget(t: TargetSpec): ResultTarget {
    switch (t.kind) {
        case 'equal':
        case 'atLeast':
        case 'atMost':
            return { output: t.output, kind: t.kind, value: t.value, low: null, high: null, tolerance: t.tolerance };
        case 'range':
            return { output: t.output, kind: t.kind, value: null, low: t.low, high: t.high, tolerance: t.tolerance };
        case 'maximize':
        case 'minimize':
            return { output: t.output, kind: t.kind, value: null, low: null, high: null, tolerance: null };
    }
}

/** The values of same-shaped tensors, concatenated, read back in one transfer. */
async function readAll(tensors: Tensor[]): Promise<number[]> {
    if (tensors.length === 0) return [];
    const stacked = tf.stack(tensors);
    const values = Array.from(await stacked.data());
    stacked.dispose();
    return values;
}

function finite(state: ProgramState): boolean {
    return [state.raw, state.features, state.outputs].every((a) => a.every(Number.isFinite));
}
