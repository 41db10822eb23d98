/**
 * `inv run FILE [--name NAME] [--backend B] [--out PATH.json|PATH.csv] [--seed N] [--quiet]`:
 * validates the file, trains an oracle that has `data` but no model yet (and says so), runs
 * every inversion and synthesis (or the named one) in file order, writes the results, and
 * prints a summary. Nothing is lost: a cancelled (Ctrl-C) or diverged run still writes what
 * it found, and a failing run keeps the results of those before it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { initBackend, runInversion, runSynthesis, type RunProgressEvent } from '../engine/index.js';
import { resultsFormatOf, writeResultsFile } from '../engine/contract/results-file.js';
import { destinationProblem } from '../engine/contract/write-destination.js';
import type { InvResult } from '../engine/contract/results.js';
import type { BackendChoice, RunSpec } from '../engine/contract/spec.js';
import { runOracle, type RunBlock } from '../language/ast-fields.js';
import { runBlocks, toOracleSpec, toRunSpec } from '../language/to-spec.js';
import { loadCheckedDocument, type CommandOutput } from './checked-document.js';
import { ExitCode } from './exit-codes.js';
import { describeFailure, shownPath } from './failure.js';
import { interruptOnCtrlC } from './interrupt.js';
import { MemoryWatch } from './memory-watch.js';
import { ProgressBar } from './progress-bar.js';
import { summaryTable } from './summary-table.js';
import { trainWithProgress } from './train.js';

export interface RunCommandOptions {
    name?: string;
    backend?: BackendChoice;
    out?: string;
    seed?: number;
    quiet?: boolean;
}

export async function runCommand(file: string, opts: RunCommandOptions, out: CommandOutput): Promise<ExitCode> {
    if (opts.out !== undefined) {
        const problem = await outPathProblem(opts.out);
        if (problem) {
            out.err(problem);
            return ExitCode.usage;
        }
    }
    const loaded = await loadCheckedDocument(file, out, { quiet: opts.quiet });
    if (!loaded.ok) return loaded.exitCode;
    const document = loaded.document;
    const all = runBlocks(document.parseResult.value);
    const blocks = opts.name === undefined ? all : all.filter((b) => b.name === opts.name);
    if (opts.name !== undefined && blocks.length === 0) {
        out.err(`${shownPath(file)}: no inversion or synthesis named \`${opts.name}\`; the file has: ${all.map((b) => b.name).join(', ') || 'none'}`);
        return ExitCode.usage;
    }
    if (blocks.length === 0) {
        out.err(`${shownPath(file)}: no inversion or synthesis to run; add an \`inversion NAME { ... }\` block`);
        return ExitCode.errors;
    }

    const interrupt = interruptOnCtrlC((l) => out.err(l));
    const memory = new MemoryWatch();
    const signal = AbortSignal.any([interrupt.signal, memory.signal]);
    const bar = ProgressBar.forTerminal(opts.quiet ?? false);
    const results: InvResult[] = [];
    let exitCode: ExitCode = ExitCode.ok;
    try {
        const trained = new Set<string>();
        for (const block of blocks) {
            if (interrupt.interrupted || memory.exceeded !== null) break;
            let result: InvResult;
            try {
                if (!(await trainFirstIfNeeded(block, document.uri.fsPath, trained, opts.backend ?? null, bar, signal, out))) break;
                const spec = withOverrides(toRunSpec(document, block.name), opts);
                result = await runOne(spec, bar, signal, out, (line) => opts.quiet || out.err(line));
            } catch (e) {
                bar.stop();
                const failure = describeFailure(e, file, block);
                for (const line of failure.lines) out.err(line);
                exitCode = worse(exitCode, failure.exitCode);
                // A run that failed on its own (its backend, its model) leaves the others to run;
                // defects in the file or its data stop everything.
                if (failure.exitCode === ExitCode.runFailed) continue;
                break;
            }
            if (memory.exceeded !== null) {
                bar.stop();
                out.err(memory.message(block.name));
                result.summary.note = [result.summary.note, memory.message('This run')].filter(Boolean).join(' ');
                exitCode = worse(exitCode, ExitCode.runFailed);
            }
            results.push(result);
            if (result.stoppedBecause === 'diverged') {
                // The engine's note names where it happened (a constraint, the generator, the oracle) and the step.
                const cause = /Diverged: ([^;]*);/.exec(result.summary.note ?? '')?.[1];
                out.err(
                    `${block.name} diverged (NaN or Inf)${cause ? `: ${cause}` : ''}; its results are the last finite state (step ${result.stepsRun}). ` +
                        'Try a smaller `learningRate` or `diversity`, or tighter bounds.',
                );
                exitCode = worse(exitCode, ExitCode.runFailed);
            }
            if (result.stoppedBecause === 'cancelled') break;
        }
    } finally {
        interrupt.dispose();
        memory.dispose();
    }
    if (interrupt.interrupted) exitCode = ExitCode.cancelled;

    if (opts.out !== undefined && results.length > 0) {
        try {
            const kept = await writeResultsFile(resolve(opts.out), results);
            if (kept.asideBecause === null) {
                out.err(`wrote ${results.length} result(s) to ${opts.out}`);
            } else {
                // Finished runs are never thrown away: they are somewhere, and the user is told where.
                out.err(`${opts.out}: cannot write the results (${kept.asideBecause}); they are kept in ${kept.path}`);
                if (exitCode === ExitCode.ok) exitCode = ExitCode.runFailed;
            }
        } catch (e) {
            out.err(`${opts.out}: cannot write the results (${(e as Error).message})`);
            if (exitCode === ExitCode.ok) exitCode = ExitCode.runFailed;
        }
    }
    if (results.length > 0) out.out(summaryTable(results));
    if (exitCode === ExitCode.cancelled) out.err(`cancelled: ${results.length} of ${blocks.length} run(s) have results${opts.out ? ` (in ${opts.out})` : ''}`);
    return exitCode;
}

/** Of two outcomes, the one the exit status reports: cancelled, then file/data errors, then failed runs. */
function worse(a: ExitCode, b: ExitCode): ExitCode {
    const rank = (c: ExitCode) => [ExitCode.ok, ExitCode.runFailed, ExitCode.errors, ExitCode.usage, ExitCode.cancelled].indexOf(c);
    return rank(b) > rank(a) ? b : a;
}

/**
 * Why `--out PATH` cannot be written, before anything runs (a two-hour run should not fail at
 * the end): not .json/.csv, a folder, a missing folder, a read-only place.
 */
async function outPathProblem(path: string): Promise<string | null> {
    if (resultsFormatOf(path) === null) return `--out ${path}: the results file must end in .json or .csv`;
    const problem = await destinationProblem(resolve(path));
    return problem === null ? null : `--out ${path}: ${problem}`;
}

function describeRun(spec: RunSpec): string {
    const size = spec.kind === 'inversion' ? `${spec.solutions} solutions` : `${spec.count} rows`;
    return `${spec.method.kind}, ${size}, up to ${spec.steps} steps, seed ${spec.seed}`;
}

function withOverrides(spec: RunSpec, opts: RunCommandOptions): RunSpec {
    return { ...spec, seed: opts.seed ?? spec.seed, backend: opts.backend ?? spec.backend };
}

/**
 * An oracle with `data` but no model is trained before its first run (LANGUAGE.md), once per
 * `inv run`. Returns false when the training was cancelled.
 */
async function trainFirstIfNeeded(
    block: RunBlock,
    documentPath: string,
    trained: Set<string>,
    backend: BackendChoice | null,
    bar: ProgressBar,
    signal: AbortSignal,
    out: CommandOutput,
): Promise<boolean> {
    const oracle = runOracle(block);
    if (!oracle) return true; // toRunSpec reports it with its position
    const spec = toOracleSpec(oracle, documentPath);
    if (!spec.training || existsSync(spec.modelPath) || trained.has(spec.modelPath)) return true;
    out.err(`${spec.name} has \`data\` but no model yet (${shownPath(spec.modelPath)}): training it first`);
    await initBackend(backend ?? 'auto');
    const report = await trainWithProgress(spec, bar, signal, out);
    trained.add(spec.modelPath);
    return !report.cancelled;
}

async function runOne(spec: RunSpec, bar: ProgressBar, signal: AbortSignal, out: CommandOutput, say: (line: string) => void): Promise<InvResult> {
    // The engine runs on the backend chosen last; each run may name its own.
    const backend = await initBackend(spec.backend);
    say(`running ${spec.name}: ${describeRun(spec)} on ${backend}`);
    bar.start(spec.name, 'step', spec.steps);
    const options = {
        signal,
        onProgress: (p: RunProgressEvent) => bar.update({ done: p.step, total: p.steps, loss: p.loss, meeting: p.meeting }),
    };
    try {
        if (spec.kind === 'synthesis') {
            const result = await runSynthesis(spec, options);
            const s = result.synthesis!;
            if (s.output === spec.outputPathAsWritten) {
                say(`${spec.name}: wrote ${s.count} rows to ${shownPath(spec.outputPath)}${s.overwritten ? ' (it existed: overwritten)' : ''}`);
            } else {
                bar.stop();
                // Not `say`: with --quiet too, the user must learn where the rows went.
                out.err(`${spec.name}: could not write ${shownPath(spec.outputPath)}; the ${s.count} rows are kept in ${s.output}`);
            }
            return result;
        }
        return await runInversion(spec, options);
    } finally {
        bar.stop();
    }
}
