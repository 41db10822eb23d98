/**
 * A synthesis from start to result (LANGUAGE.md, "Synthesis"; the paper's further work):
 * a data set of `count` rows whose targeted output follows a reference distribution.
 *
 * 1. The conditional generator G(z, t) trains on batches of fresh latent rows and fresh
 *    targets drawn from the reference (conditional-generator.ts), with the spread term,
 *    for the first GENERATOR_SHARE of the steps.
 * 2. The rows to write are sampled: fresh z, and targets one from each of `count` strata
 *    of the reference (reference.ts), and each row is refined onto its own target (the
 *    inversion's refinement) until every row meets or the steps run out.
 * 3. The rows are written to `output` (every input, then every output as the oracle gives
 *    it) and judged: the KS distance between their outputs and the reference, the share
 *    meeting their targets, and how many are distinct.
 * `method adjoint` skips step 1: the rows start at random points inside their bounds.
 *
 * Stop rules: a run ends early (`tolerance`) when every written row meets its target;
 * `stop outside bounds` applies to the written rows (checked as in an inversion) during
 * step 2; a cancelled run writes the rows as they stand (sampled from G if it was still
 * training); a run that turns non-finite while refining writes its last finite rows
 * (`diverged`), and one that does so while training G fails with the cause.
 */
import type { Tensor1D } from '@tensorflow/tfjs';

import { adjointProgram, adjointStarts } from '../inversion/adjoint.js';
import { describeState } from '../inversion/divergence.js';
import { refuseIfOverMemory } from '../backend/memory-check.js';
import { runSizes } from '../contract/memory-estimate.js';
import { analyse } from '../inversion/analysis.js';
import { ConditionalProgram, type TargetSource } from './conditional-generator.js';
import { FusedConditionalProgram } from './fused-conditional.js';
import { fusedActive } from '../backend/backend.js';
import { fusedAdjointProgram } from '../inversion/fused-program.js';
import { fusedSupport } from '../inversion/fused-support.js';
import type { BackendName } from '../contract/spec.js';
import { EngineError } from '../contract/errors.js';
import { FeatureTransforms } from '../inversion/feature-transform.js';
import type { InversionProgram, ProgramState } from '../inversion/inversion-program.js';
import type { RunOptions } from '../inversion/invert.js';
import { assignedTargetLoss } from '../inversion/loss.js';
import { loadOracle, oracleDomains, type Oracle } from '../oracle/oracle.js';
import { Random, seedFor } from '../nn/random.js';
import { Reference } from './reference.js';
import { SpreadForce } from '../inversion/spread-force.js';
import { assembleResult, commonSettings, resultHeader } from '../inversion/result-parts.js';
import type { InvResult, ResultTarget, RunSettings, StopReason, SynthesisReport } from '../contract/results.js';
import { RunLog, type RunOutcome } from '../inversion/run-log.js';
import type { SynthesisSpec } from '../contract/spec.js';
import { CHECK_EVERY, insideCount, OutsideBoundsRule } from '../inversion/stop-rules.js';
import { checkSyntheticCsvTarget, distinctRows, syntheticCsv, writeSyntheticCsv } from './synthetic-csv.js';
import { targetMiss } from '../contract/target-miss.js';
import { tf } from '../backend/tf.js';
import { FINISH_SHARE, finishOutcome, finishRefines } from '../inversion/typed-finish.js';

/** Rows in a batch of the conditional generator's training. */
export const SYNTHESIS_BATCH = 256;
/** The share of the steps that trains the conditional generator; the rest refine the written rows. */
export const GENERATOR_SHARE = 0.75;

export async function runSynthesis(spec: SynthesisSpec, opts: RunOptions = {}): Promise<InvResult> {
    const started = performance.now();
    checkSpec(spec);
    refuseIfOverMemory(`synthesis ${spec.name}`, runSizes(spec));
    const csvTarget = { path: spec.outputPath, source: spec.source, name: spec.name, overwrite: spec.overwrite ?? false };
    // Before anything trains: a run whose rows could not be written is refused now, not after an hour.
    await checkSyntheticCsvTarget(csvTarget);
    const oracle = await loadOracle(spec.oracle);
    let transforms: FeatureTransforms | null = null;
    let written: Tensor1D | null = null;
    const current: Programs = { generator: null, rows: null };
    try {
        transforms = await FeatureTransforms.create(spec.features, spec.relations ?? []);
        const column = oracle.outputs.indexOf(spec.reference.output);
        const recorded = oracle.metadata && oracle.metadata.classes === null ? oracle.metadata.outputs[column] : null;
        const reference = await Reference.load(spec.reference, {
            probability: (oracle.metadata?.classes ?? null) !== null || (spec.oracle.training?.classify ?? null) !== null,
            seen: recorded ? { min: recorded.min, max: recorded.max } : null,
        });
        const source: TargetSource = {
            draw: (random, n) => reference.draw(random, n),
            standardise: (values) => Float32Array.from(values, (v) => oracle.standardiseOutput(column, v)),
        };
        // The written rows: their targets (stratified over the reference) and latent rows.
        const assigned = reference.stratified(new Random(seedFor(spec.seed, 'synthesis-targets')), spec.count);
        written = tf.tensor1d(source.standardise(assigned));
        const notes: string[] = [];
        let backend = tf.getBackend() as BackendName;
        const targets = written;
        const standardisedTargets = source.standardise(assigned);
        const loss = (rowTargets: () => Tensor1D) => assignedTargetLoss(column, oracle.standardiseLength(column, reference.tolerance), rowTargets);
        const batch = Math.min(SYNTHESIS_BATCH, Math.max(2, spec.count));
        // The spread term sees one target per row: rows move along the level sets of the output.
        const spreadTarget = [{ output: spec.reference.output, kind: 'equal' as const, value: 0, tolerance: reference.tolerance }];
        const fused = fusedActive() ? await fusedSupport(oracle, transforms) : null;
        if (fused && !fused.ok) notes.push(`Ran on TF.js ${backend}, not the fused kernel: ${fused.why}.`);
        if (fused?.ok) {
            backend = 'wasm-fused';
            const parts = { transforms, oracle, oracleLayers: fused.oracleLayers, diversity: spec.diversity, spreadTargets: spreadTarget, column };
            if (spec.method.kind === 'generator') current.generator = new FusedConditionalProgram(spec.method, batch, spec.seed, source, parts);
            else {
                const start = adjointStarts(spec.count, spec.seed, transforms);
                current.rows = fusedAdjointProgram(spec.count, start, { ...parts, diversity: 0, targets: { kind: 'assigned', column, values: standardisedTargets } });
            }
        } else if (spec.method.kind === 'generator') {
            const spread = spec.diversity > 0 ? new SpreadForce(spec.diversity, batch, transforms, oracle, spreadTarget) : null;
            current.generator = new ConditionalProgram(spec.method, batch, spec.seed, source, { transforms, oracle, spread, loss });
        } else {
            current.rows = adjointProgram(spec.count, spec.seed, { transforms, oracle, loss: loss(() => targets), spread: null });
        }
        const latent = spec.method.kind === 'generator' ? spec.method.latent : 0;
        const writeRows = () => {
            const z = new Random(seedFor(spec.seed, 'synthesis-latent')).normals(spec.count * latent);
            const g = current.generator!;
            current.rows = g instanceof FusedConditionalProgram ? g.writeRows(z, standardisedTargets) : g.writeRows(z, targets);
            current.generator = null;
            return current.rows;
        };
        const finishSteps = finishRefines(transforms) ? Math.round(spec.steps * FINISH_SHARE) : 0;
        const run = await loop({ ...spec, steps: spec.steps - finishSteps }, current, writeRows, transforms, oracle, reference, assigned, opts, started, notes);
        let violations: number | undefined;
        if (transforms.typed) {
            // Whole numbers, one label each, relations to 1e-9: the rows as written, and the oracle there.
            current.generator?.dispose();
            current.generator = null;
            current.rows?.dispose();
            current.rows = null;
            violations = await finishOutcome(run, {
                transforms,
                oracle,
                judge: (row, y) => {
                    const target = reference.rowTarget(assigned[row]);
                    const miss = targetMiss(target, y[column]);
                    return { error: miss, meets: miss <= target.tolerance, objectives: [] };
                },
                lossFor: (owners) => {
                    const rowTargets = tf.tidy(() => tf.gather(targets, tf.tensor1d(owners, 'int32')));
                    return { loss: loss(() => rowTargets), dispose: () => rowTargets.dispose() };
                },
                relations: spec.relations ?? [],
                seed: spec.seed,
                objectives: false,
                steps: finishSteps,
                learningRate: spec.learningRate,
                signal: opts.signal,
            }, { steps: spec.steps, started, onProgress: opts.onProgress });
        }

        const rowTarget = Array.from(assigned, (t) => [reference.rowTarget(t)]);
        const { solutions, summary } = analyse({
            features: spec.features,
            free: transforms.free,
            domains: oracleDomains(spec.oracle, oracle.metadata),
            outputs: oracle.outputs,
            targets: rowTarget[0] ?? [],
            solutions: run.state.solutions,
            freeValues: run.state.features,
            outputValues: run.state.outputs,
            notes: run.notes,
            diversity: spec.diversity,
            perRow: { targets: (i) => rowTarget[i] },
        });
        if (violations !== undefined) summary.violations = violations;
        const inputs = spec.oracle.inputs.map((i) => i.name);
        const fixed = new Set(spec.features.filter((f) => f.role === 'fixed').map((f) => f.name));
        // Relations hold to 1e-9 and whole numbers are whole: those columns are written in full.
        const exact = new Set([...(spec.relations ?? []).flatMap((r) => r.terms.map((t) => t.feature)), ...spec.features.filter((f) => f.type?.kind === 'integer').map((f) => f.name)]);
        const csv = await writeSyntheticCsv(csvTarget, syntheticCsv(inputs, oracle.outputs, solutions, fixed, exact));
        const overwritten = csv.overwritten;
        const achieved = solutions.map((s) => s.outputs[reference.output]);
        const synthesis: SynthesisReport = {
            output: csv.asideBecause === null ? spec.outputPathAsWritten : csv.path,
            count: solutions.length,
            ks: reference.ks(achieved),
            meeting: solutions.length ? summary.meeting / solutions.length : 0,
            distinct: distinctRows(inputs, oracle.outputs, solutions),
            overwritten,
            reference: reference.sample(),
            assigned: Array.from(assigned),
        };
        if (overwritten) summary.note = [summary.note, `${spec.outputPathAsWritten} existed and was overwritten.`].filter(Boolean).join(' ');
        if (csv.asideBecause !== null) {
            summary.note = [summary.note, `${spec.outputPathAsWritten} could not be written (${csv.asideBecause}): the rows are in ${csv.path}.`].filter(Boolean).join(' ');
        }
        return assembleResult(resultHeader(spec, oracle, run, started, backend), {
            settings: settingsOf(spec, reference.tolerance),
            kind: 'synthesis',
            targets: [resultTargetOf(reference)],
            solutions,
            summary,
            synthesis,
        });
    } finally {
        current.generator?.dispose();
        current.rows?.dispose();
        written?.dispose();
        transforms?.dispose();
        oracle.dispose();
    }
}

interface Programs {
    /** The conditional generator while it trains; null once the rows are sampled (or with `method adjoint`). */
    generator: ConditionalProgram | FusedConditionalProgram | null;
    /** The written rows being refined. */
    rows: InversionProgram | null;
}


async function loop(
    spec: SynthesisSpec,
    current: Programs,
    writeRows: () => InversionProgram,
    transforms: FeatureTransforms,
    oracle: Oracle,
    reference: Reference,
    assigned: ArrayLike<number>,
    opts: RunOptions,
    started: number,
    notes: string[],
): Promise<RunOutcome> {
    const free = transforms.free;
    const column = oracle.outputs.indexOf(reference.output);
    const width = oracle.outputs.length;
    const generatorSteps = current.generator ? Math.floor(GENERATOR_SHARE * spec.steps) : 0;
    const outsideRule = spec.stopOutsideBounds ? new OutsideBoundsRule() : null;
    const log = new RunLog(spec.steps, free, oracle.outputs, started, opts.onProgress);
    let lastFinite: { step: number; state: ProgramState } | null = null;
    let meeting: number | null = null;
    const meets = (state: ProgramState, targets: ArrayLike<number>, i: number) =>
        targetMiss(reference.rowTarget(targets[i]), state.outputs[i * width + column]) <= reference.tolerance;
    const finish = async (state: ProgramState, stepsRun: number, stoppedBecause: StopReason): Promise<RunOutcome> => {
        await log.flush();
        return { state, stepsRun, stoppedBecause, loss: log.curve, notes };
    };

    for (let step = 0; ; step++) {
        // G has had its steps: sample the rows to write, each to be refined onto its target.
        if (current.generator && step >= generatorSteps) writeRows();
        const training = current.generator !== null;
        if (step % CHECK_EVERY === 0 || step === spec.steps) {
            const diverged = await log.flush();
            if (current.generator) {
                const state = await current.generator.state();
                const cause = diverged ?? (finite(state) ? null : describeState(state, step, free, oracle.outputs) ?? `the generator's rows became non-finite by step ${step}`);
                if (cause !== null) throw new EngineError(`synthesis ${spec.name} diverged while training its generator: ${cause}; lower \`learningRate\` (now ${spec.learningRate})`);
                const targets = current.generator.assigned;
                meeting = 0;
                for (let i = 0; i < state.solutions; i++) if (meets(state, targets, i)) meeting++;
            } else {
                const state = await current.rows!.state();
                const cause = diverged ?? (finite(state) ? null : describeState(state, step, free, oracle.outputs) ?? `the rows became non-finite by step ${step}`);
                if (cause !== null) {
                    if (!lastFinite) throw new EngineError(`synthesis ${spec.name} diverged before its first finite rows: ${cause}`);
                    notes.push(`Diverged: ${cause}; the rows written are the last finite ones (step ${lastFinite.step}).`);
                    return finish(lastFinite.state, lastFinite.step, 'diverged');
                }
                lastFinite = { step, state };
                meeting = 0;
                for (let i = 0; i < state.solutions; i++) if (meets(state, assigned, i)) meeting++;
                if (outsideRule?.check(step, insideCount(state, free), state.solutions, state)) {
                    const kept = outsideRule.lastHalfInside!;
                    return finish(kept.state, kept.step, 'outside-bounds');
                }
                if (step === spec.steps) return finish(state, step, 'steps');
                if (meeting === state.solutions) return finish(state, step, 'tolerance');
            }
        }
        if (opts.signal?.aborted) return finish(await (current.rows ?? writeRows()).state(), step, 'cancelled');
        const program = current.generator ?? current.rows!;
        transforms.setProgress(step / spec.steps);
        log.record(step, program.step(spec.learningRate, training && spec.diversity > 0));
        await log.afterStep(step, meeting);
    }
}

function checkSpec(spec: SynthesisSpec): void {
    if (!spec.features.some((f) => f.role === 'free')) throw new EngineError(`synthesis ${spec.name}: every input is fixed; nothing to generate`);
    if (!spec.oracle.outputs.includes(spec.reference.output)) {
        throw new EngineError(`synthesis ${spec.name}: ${spec.reference.output} is not an output of oracle ${spec.oracle.name}`);
    }
    if (!(spec.count >= 1)) throw new EngineError(`synthesis ${spec.name}: \`count\` must be at least 1`);
}

function settingsOf(spec: SynthesisSpec, tolerance: number): RunSettings {
    const { steps, learningRate, diversity, latent, layers, activation, backend, stopOutsideBounds } = commonSettings(spec);
    return {
        solutions: spec.count,
        steps,
        learningRate,
        diversity,
        latent,
        layers,
        activation,
        tolerance: { [spec.reference.output]: tolerance },
        backend,
        stopOutsideBounds,
        count: spec.count,
        batch: spec.method.kind === 'generator' ? Math.min(SYNTHESIS_BATCH, Math.max(2, spec.count)) : null,
    };
}

function resultTargetOf(reference: Reference): ResultTarget {
    const s = reference.spec;
    switch (s.kind) {
        case 'column':
            return { output: s.output, kind: 'distribution', value: null, low: null, high: null, tolerance: s.tolerance };
        case 'range':
            return { output: s.output, kind: 'range', value: null, low: s.low, high: s.high, tolerance: s.tolerance };
        case 'atLeast':
        case 'atMost':
            return { output: s.output, kind: s.kind, value: s.value, low: null, high: null, tolerance: s.tolerance };
    }
}

function finite(state: ProgramState): boolean {
    return [state.raw, state.features, state.outputs].every((a) => a.every(Number.isFinite));
}
