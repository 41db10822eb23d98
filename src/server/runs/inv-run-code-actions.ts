/**
 * The lens commands as code actions too, for editors that show no code lenses (Helix, Emacs
 * with eglot): with the cursor in an inversion or synthesis, `▶ Run NAME` (or `■ Cancel NAME`
 * while it runs) and `Show the results of NAME`; in an oracle with `data`, `▶ Train NAME`.
 * They carry the same commands and arguments as the lenses, which the server executes
 * (`workspace/executeCommand`). Their kind is `source.inv` so that VS Code, which has the
 * lenses, keeps them out of the light bulb. Quick fixes come first, unchanged.
 */
import type { LangiumDocument } from 'langium';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Command } from 'vscode-languageserver';
import { oracleData } from '../../language/ast-fields.js';
import { isInversion, isOracle, isSynthesis, type InvFile } from '../../language/generated/ast.js';
import { InvCodeActionProvider } from '../../language/lsp/inv-code-actions.js';
import type { RunStateSource } from '../../language/lsp/run-state-source.js';
import { Commands, type CancelParams, type RunTarget, type TrainTarget } from '../../protocol.js';
import type { InvServerServices } from '../inv-server-module.js';

/** The kind of the run actions: a source action of inv's own. */
export const RUN_ACTION_KIND = `${CodeActionKind.Source}.inv`;

export class InvRunCodeActions extends InvCodeActionProvider {
    private readonly runs: RunStateSource;

    constructor(services: InvServerServices) {
        super(services);
        this.runs = services.runs.RunStateSource;
    }

    override async getCodeActions(document: LangiumDocument, params: CodeActionParams): Promise<Array<Command | CodeAction>> {
        const fixes = await super.getCodeActions(document, params);
        const only = params.context.only;
        if (only && !only.some((kind) => RUN_ACTION_KIND === kind || RUN_ACTION_KIND.startsWith(`${kind}.`))) return fixes;
        return [...fixes, ...this.runActions(document, params)];
    }

    private runActions(document: LangiumDocument, params: CodeActionParams): CodeAction[] {
        // The block the cursor is in, anywhere in it (also on blank space or a comment).
        const offset = document.textDocument.offsetAt(params.range.start);
        const block = (document.parseResult.value as InvFile).elements.find((e) => e.$cstNode && e.$cstNode.offset <= offset && offset <= e.$cstNode.end);
        if (!block?.name) return [];
        const uri = document.uri.toString();
        const action = (title: string, command: string, argument: RunTarget | TrainTarget | CancelParams): CodeAction =>
            ({ title, kind: RUN_ACTION_KIND, command: { title, command, arguments: [argument] } });
        if (isOracle(block)) {
            if (oracleData(block) === undefined) return [];
            const target: TrainTarget = { uri, oracle: block.name };
            const state = this.runs.trainState(target);
            return [state?.kind === 'running' ? action(`■ Cancel training ${block.name}`, Commands.cancel, { runId: state.runId }) : action(`▶ Train ${block.name}`, Commands.train, target)];
        }
        if (!isInversion(block) && !isSynthesis(block)) return [];
        const target: RunTarget = { uri, name: block.name };
        const state = this.runs.runState(target);
        if (state?.kind === 'running') return [action(`■ Cancel ${block.name} (${state.label})`, Commands.cancel, { runId: state.runId })];
        const actions = [action(`▶ Run ${block.name}`, Commands.run, target)];
        if (state?.kind === 'finished' && state.hasResults) actions.push(action(`Show the results of ${block.name}`, Commands.openResults, target));
        return actions;
    }
}
