/**
 * `inv train FILE [--oracle NAME]`: fits every oracle of the file that has `data` (or the
 * named one) and writes its model. `inv run` uses trainWithProgress too, for an oracle that
 * has data but no model yet.
 */
import type { LangiumDocument } from 'langium';
import { initBackend, trainOracle, type TrainReport } from '../engine/index.js';
import type { BackendChoice, OracleSpec } from '../engine/contract/spec.js';
import { isOracle, type InvFile, type Oracle } from '../language/generated/ast.js';
import { oracleData } from '../language/ast-fields.js';
import { toOracleSpec } from '../language/to-spec.js';
import { loadCheckedDocument, type CommandOutput } from './checked-document.js';
import { ExitCode } from './exit-codes.js';
import { describeFailure, shownPath } from './failure.js';
import { interruptOnCtrlC } from './interrupt.js';
import { MemoryWatch } from './memory-watch.js';
import { ProgressBar } from './progress-bar.js';
import { readable } from './summary-table.js';

export interface TrainCommandOptions {
    oracle?: string;
    backend?: BackendChoice;
    quiet?: boolean;
}

export async function trainCommand(file: string, opts: TrainCommandOptions, out: CommandOutput): Promise<ExitCode> {
    const loaded = await loadCheckedDocument(file, out);
    if (!loaded.ok) return loaded.exitCode;
    const oracles = oraclesToTrain(loaded.document, opts.oracle, file, out);
    if (!Array.isArray(oracles)) return oracles;

    const interrupt = interruptOnCtrlC((l) => out.err(l));
    const memory = new MemoryWatch();
    const signal = AbortSignal.any([interrupt.signal, memory.signal]);
    const bar = ProgressBar.forTerminal(opts.quiet ?? false);
    let current: Oracle | undefined;
    try {
        await initBackend(opts.backend ?? 'auto');
        for (const oracle of oracles) {
            current = oracle;
            const spec = toOracleSpec(oracle, loaded.document.uri.fsPath);
            const report = await trainWithProgress(spec, bar, signal, out);
            if (report.cancelled && memory.exceeded !== null) {
                out.err(memory.message(`training ${spec.name}`, 'the model was not written (a model half trained is not kept)'));
                return ExitCode.runFailed;
            }
            if (report.cancelled) {
                out.err(`cancelled: ${spec.name} was not written`);
                return ExitCode.cancelled;
            }
        }
        return ExitCode.ok;
    } catch (e) {
        bar.stop();
        const failure = describeFailure(e, file, current);
        for (const line of failure.lines) out.err(line);
        return failure.exitCode;
    } finally {
        interrupt.dispose();
        memory.dispose();
    }
}

/** The oracles `train` fits, or the exit status when there are none to fit. */
function oraclesToTrain(document: LangiumDocument<InvFile>, name: string | undefined, file: string, out: CommandOutput): Oracle[] | ExitCode {
    const all = document.parseResult.value.elements.filter(isOracle);
    const withData = all.filter((o) => oracleData(o) !== undefined);
    if (name !== undefined) {
        const named = all.find((o) => o.name === name);
        if (!named) {
            out.err(`${shownPath(file)}: no oracle named \`${name}\`; the file has: ${all.map((o) => o.name).join(', ') || 'none'}`);
            return ExitCode.usage;
        }
        if (oracleData(named) === undefined) {
            const at = named.$cstNode ? `:${named.$cstNode.range.start.line + 1}:${named.$cstNode.range.start.character + 1}` : '';
            out.err(`${shownPath(file)}${at} error oracle \`${name}\` has no \`data\` to train on; add \`data "FILE.csv"\` to it`);
            return ExitCode.errors;
        }
        return [named];
    }
    if (withData.length === 0) {
        out.err(`${shownPath(file)}: no oracle has \`data\`, so there is nothing to train; add \`data "FILE.csv"\` to an oracle`);
        return ExitCode.errors;
    }
    return withData;
}

/** Trains one oracle with a progress bar and says what came out. Throws what trainOracle throws. */
export async function trainWithProgress(spec: OracleSpec, bar: ProgressBar, signal: AbortSignal, out: CommandOutput): Promise<TrainReport> {
    const training = spec.training!;
    out.err(`training ${spec.name} on ${shownPath(training.dataPath)} (${training.epochs} epochs, layers ${training.layers.join(', ')})`);
    bar.start(`train ${spec.name}`, 'epoch', training.epochs);
    let report: TrainReport;
    try {
        report = await trainOracle(spec, { signal, onProgress: (p) => bar.update({ done: p.epoch, total: p.epochs, loss: p.loss }) });
    } finally {
        bar.stop();
    }
    if (report.skipped) {
        const { count, firstLine } = report.skipped;
        out.err(`${shownPath(training.dataPath)}:${firstLine}:1 warning data-skipped ${count} row(s) with an empty cell skipped (\`skip missing\`), the first on line ${firstLine}`);
    }
    if (!report.cancelled) {
        const rmse = Object.entries(report.testRmse).map(([k, v]) => `${k} ${readable(v)}`).join(', ');
        // A classifier's RMSE is per class probability; its accuracy and log-loss say more.
        const measured =
            report.accuracy !== null
                ? `accuracy ${(100 * report.accuracy).toFixed(1)} %, log-loss ${readable(report.logLoss)}, probability RMSE ${rmse}`
                : rmse;
        out.out(
            `trained ${spec.name}: ${report.epochs} epochs on ${report.trainRows} rows in ${report.seconds.toFixed(1)} s (${report.backend}); ` +
                `${report.accuracy !== null ? 'on' : 'RMSE on'} the ${report.measuredOn} rows (${report.testRows}): ${measured}; wrote ${shownPath(report.modelPath)}`,
        );
    }
    return report;
}
