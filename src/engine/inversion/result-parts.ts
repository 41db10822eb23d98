/**
 * The parts of a results object (CLI-AND-RESULTS.md) that inversions and syntheses share:
 * the header (schema, version, source, oracle, method, backend, seed, steps, how the run
 * stopped, time, loss curve), the method's settings, and a target as the results file
 * writes it.
 */
import type { Oracle } from '../oracle/oracle.js';
import { RESULT_SCHEMA, type InvResult, type ResultTarget, type RunSettings, type StopReason } from '../contract/results.js';
import type { BackendName, RunSpec, TargetSpec } from '../contract/spec.js';
import { INV_VERSION } from '../contract/version.js';
import { tf } from '../backend/tf.js';

export interface RunEnd {
    stepsRun: number;
    stoppedBecause: StopReason;
    loss: Array<[number, number]>;
}

type Header = Omit<InvResult, 'settings' | 'kind' | 'targets' | 'solutions' | 'summary' | 'synthesis'>;

/** `backend`: the one that ran (the fused kernel's name, else TF.js's backend). */
export function resultHeader(spec: RunSpec, oracle: Oracle, end: RunEnd, started: number, backend: BackendName = tf.getBackend() as BackendName): Header {
    return {
        schema: RESULT_SCHEMA,
        inv: INV_VERSION,
        source: spec.source,
        sourceHash: spec.sourceHash,
        name: spec.name,
        oracle: {
            name: spec.oracle.name,
            model: spec.oracle.modelPathAsWritten,
            inputs: spec.oracle.inputs.map((i) => i.name),
            outputs: [...spec.oracle.outputs],
            testRmse: oracle.metadata ? oracle.metadata.testRmse : null,
        },
        method: spec.method.kind,
        backend,
        seed: spec.seed,
        steps: spec.steps,
        stepsRun: end.stepsRun,
        stoppedBecause: end.stoppedBecause,
        seconds: (performance.now() - started) / 1000,
        loss: end.loss,
    };
}

/** The settings every run has; `solutions`, `tolerance` and `count` are the caller's. */
export function commonSettings(spec: RunSpec): Omit<RunSettings, 'solutions' | 'tolerance' | 'count'> {
    const generator = spec.method.kind === 'generator' ? spec.method : null;
    return {
        steps: spec.steps,
        learningRate: spec.learningRate,
        diversity: spec.diversity,
        latent: generator ? generator.latent : null,
        layers: generator ? [...generator.layers] : null,
        activation: generator ? generator.activation : null,
        backend: spec.backend,
        stopOutsideBounds: spec.stopOutsideBounds,
    };
}

export function resultTarget(t: TargetSpec): ResultTarget {
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

/** The whole results object, its fields in the order CLI-AND-RESULTS.md lists them. */
export function assembleResult(
    h: Header,
    parts: Pick<InvResult, 'settings' | 'kind' | 'targets' | 'solutions' | 'summary'> & { synthesis?: InvResult['synthesis'] },
): InvResult {
    const result: InvResult = {
        schema: h.schema,
        inv: h.inv,
        source: h.source,
        sourceHash: h.sourceHash,
        settings: parts.settings,
        name: h.name,
        kind: parts.kind,
        oracle: h.oracle,
        method: h.method,
        backend: h.backend,
        seed: h.seed,
        steps: h.steps,
        stepsRun: h.stepsRun,
        stoppedBecause: h.stoppedBecause,
        seconds: h.seconds,
        targets: parts.targets,
        solutions: parts.solutions,
        summary: parts.summary,
        loss: h.loss,
    };
    if (parts.synthesis) result.synthesis = parts.synthesis;
    return result;
}
