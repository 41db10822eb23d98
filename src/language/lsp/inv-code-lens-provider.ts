/**
 * `▶ Train` over each oracle that has `data`, `▶ Run` over each inversion and synthesis
 * (DESIGN.md, "What the user sees"). The lenses carry the command ids and typed arguments of
 * src/protocol.ts; the client turns them into requests. While a run or a training is in
 * progress (as the RunStateSource service says) the lens is `■ Cancel`; after one, a second
 * lens shows its summary and opens the results.
 */
import type { LangiumDocument } from 'langium';
import type { CodeLensProvider } from 'langium/lsp';
import type { CodeLens, CodeLensParams, Range } from 'vscode-languageserver';
import { Commands, type CancelParams, type RunTarget, type TrainTarget } from '../../protocol.js';
import { oracleData, oracleModel } from '../ast-fields.js';
import { importedFormatOf } from '../../engine/contract/imported-model-summary.js';
import { isInversion, isOracle, isSynthesis, type InvFile } from '../generated/ast.js';
import type { InvServices } from '../inv-module.js';
import type { RunLensState, RunStateSource } from './run-state-source.js';

export class InvCodeLensProvider implements CodeLensProvider {
    private readonly runs: RunStateSource;

    constructor(services: InvServices) {
        this.runs = services.runs.RunStateSource;
    }

    provideCodeLens(document: LangiumDocument, _params: CodeLensParams): CodeLens[] {
        const root = document.parseResult.value as InvFile;
        const uri = document.uri.toString();
        const lenses: CodeLens[] = [];
        for (const element of root.elements) {
            const range = headerRange(element.$cstNode?.range);
            if (!range || !element.name) continue;
            // An ONNX or Keras model is used as it is: nothing to train.
            if (isOracle(element) && oracleData(element) !== undefined && !importedFormatOf(oracleModel(element) ?? '')) {
                const target: TrainTarget = { uri, oracle: element.name };
                lenses.push(...this.lensesFor(range, this.runs.trainState(target), { title: '▶ Train', command: Commands.train, arguments: [target] }, null));
            } else if (isInversion(element) || isSynthesis(element)) {
                const target: RunTarget = { uri, name: element.name };
                lenses.push(...this.lensesFor(range, this.runs.runState(target), { title: '▶ Run', command: Commands.run, arguments: [target] }, target));
            }
        }
        return lenses;
    }

    private lensesFor(
        range: Range, state: RunLensState | undefined,
        start: { title: string; command: string; arguments: [RunTarget] | [TrainTarget] },
        results: RunTarget | null,
    ): CodeLens[] {
        if (state?.kind === 'running') {
            const cancel: CancelParams = { runId: state.runId };
            return [{ range, command: { title: `■ Cancel · ${state.label}`, command: Commands.cancel, arguments: [cancel] } }];
        }
        const lenses: CodeLens[] = [{ range, command: start }];
        if (state?.kind === 'finished') {
            lenses.push({
                range,
                command: state.hasResults && results
                    ? { title: state.summary, command: Commands.openResults, arguments: [results] }
                    : { title: state.summary, command: '' },
            });
        }
        return lenses;
    }
}

/** A lens sits on the block's first line. */
function headerRange(range: Range | undefined): Range | undefined {
    return range ? { start: range.start, end: range.start } : undefined;
}
