/**
 * A job's memory, estimated from its sizes before it runs (engine/contract/memory-estimate.ts):
 * a warning when it comes near the limit, an error past this machine's memory (or, with
 * `backend wasm`, past the wasm heap), saying what weighs most and what to reduce. The engine
 * checks the same estimate when a run starts, on the backend it actually got.
 */
import type { ValidationAcceptor } from 'langium';
import { stat } from 'node:fs/promises';
import {
    generatorLayers, numberValue, oracleData, oracleInputs, oracleLayers, oracleOutputs, oracleTest, runBackend,
    runFixItems, runGenerator, runMethodKind, runOracle,
} from '../ast-fields.js';
import { resolveDocumentPath } from '../document-paths.js';
import type { Inversion, Oracle, Synthesis } from '../generated/ast.js';
import { IssueCodes } from '../issue-codes.js';
import { DEFAULT_DIVERSITY, type BackendChoice } from '../../engine/contract/spec.js';
import { DEFAULT_WORKER_HEAP_MB, WORKER_HEAP_ENV } from '../../engine/contract/worker-protocol.js';
import {
    DEFAULT_ORACLE_LAYERS, estimateMemory, estimateRun, judgeMemory, type JobSizes, type MemoryEstimate, type MemoryLimits, type RunSizes,
} from '../../engine/contract/memory-estimate.js';
import { machineMemoryBytes } from '../../engine/contract/resident-memory.js';
import { SPEC_DEFAULTS } from '../to-spec.js';
import { reportIssue } from './report-issue.js';

export class InvMemoryValidator {
    /** An inversion or a synthesis: its solutions or rows, generator and oracle sizes. */
    checkRun(block: Inversion | Synthesis, accept: ValidationAcceptor): void {
        const oracle = runOracle(block);
        if (!oracle || !block.name) return;
        const inputs = oracleInputs(oracle).length;
        const outputs = oracleOutputs(oracle).length;
        const fixed = new Set(runFixItems(block).map((i) => i.feature.$refText)).size;
        const rows = block.$type === 'Inversion'
            ? numberValue(block as Inversion, 'solutions') ?? SPEC_DEFAULTS.solutions
            : numberValue(block as Synthesis, 'count') ?? SPEC_DEFAULTS.count;
        const generator = runGenerator(block);
        const latent = generator ? numberValue(generator, 'latent') ?? SPEC_DEFAULTS.generator.latent : SPEC_DEFAULTS.generator.latent;
        const layers = (generator && generatorLayers(generator)) ?? [...SPEC_DEFAULTS.generator.layers];
        const sizes: RunSizes = {
            kind: block.$type === 'Inversion' ? 'inversion' : 'synthesis',
            rows,
            inputs,
            free: Math.max(0, inputs - fixed),
            outputs,
            oracleLayers: (oracleData(oracle) !== undefined ? oracleLayers(oracle) : undefined) ?? DEFAULT_ORACLE_LAYERS,
            method: runMethodKind(block) === 'adjoint' ? { kind: 'adjoint' } : { kind: 'generator', latent, layers },
            spread: (numberValue(block, 'diversity') ?? DEFAULT_DIVERSITY) > 0,
        };
        // Sizes that other checks reject (0, -5, 2.5) are theirs to report.
        if (!wholeAndPositive([rows, inputs, outputs, latent, ...layers, ...sizes.oracleLayers])) return;
        const backend = (runBackend(block) as BackendChoice | undefined) ?? 'auto';
        this.report(block, estimateRun(sizes, backend), sizes, backend, accept);
    }

    /** An oracle with `data`: training reads its CSVs whole. */
    async checkTraining(oracle: Oracle, accept: ValidationAcceptor): Promise<void> {
        const data = oracleData(oracle);
        if (data === undefined || !oracle.name) return;
        const paths = [data, oracleTest(oracle)].filter((p): p is string => p !== undefined).map((p) => resolveDocumentPath(oracle, p));
        let csvBytes = 0;
        for (const path of paths) {
            if (path === undefined) return;
            const info = await stat(path).catch(() => null);
            if (!info?.isFile()) return; // reported as data-missing
            csvBytes += info.size;
        }
        const layers = oracleLayers(oracle) ?? [...SPEC_DEFAULTS.oracle.layers];
        const batch = numberValue(oracle, 'batch') ?? SPEC_DEFAULTS.oracle.batch;
        if (!wholeAndPositive([batch, ...layers])) return;
        const sizes: JobSizes = { kind: 'training', csvBytes, inputs: oracleInputs(oracle).length, outputs: oracleOutputs(oracle).length, layers, batch };
        this.report(oracle, estimateMemory(sizes), sizes, 'auto', accept);
    }

    private report(node: Inversion | Synthesis | Oracle, estimate: MemoryEstimate, sizes: JobSizes, backend: BackendChoice, accept: ValidationAcceptor): void {
        const verdict = judgeMemory(estimate, editorLimits(backend));
        if (verdict.level === 'ok') return;
        const what = sizes.kind === 'training' ? `training oracle ${node.name}` : `${node.name}`;
        if (verdict.level === 'error') {
            reportIssue(accept, 'error', IssueCodes.MemoryLimit, `${what} ${verdict.message}`, { node, property: 'name' });
        } else {
            reportIssue(accept, 'warning', IssueCodes.MemoryHigh, `${what} ${verdict.message}`, { node, property: 'name' });
        }
    }
}

/** This machine's memory (or its container's) and the engine worker's heap: looked up once (each is a system call). */
let machine: { machineBytes: number; heapLimitBytes: number } | undefined;

/** What a run started from here gets: this machine's memory, and the engine worker's heap. */
function editorLimits(backend: BackendChoice): MemoryLimits {
    if (!machine) {
        const heapMb = Number(process.env[WORKER_HEAP_ENV]);
        machine = { machineBytes: machineMemoryBytes(), heapLimitBytes: (Number.isFinite(heapMb) && heapMb > 0 ? heapMb : DEFAULT_WORKER_HEAP_MB) * 2 ** 20 };
    }
    return { ...machine, backend };
}

function wholeAndPositive(values: number[]): boolean {
    return values.every((v) => Number.isInteger(v) && v > 0);
}
