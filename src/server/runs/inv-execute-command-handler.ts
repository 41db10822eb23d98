/**
 * `workspace/executeCommand` for the commands the code lenses carry (LANGUAGE.md, "Runs from
 * any editor"), listed in the server's `executeCommandProvider`, so a lens runs, trains,
 * cancels and shows results from Neovim, Helix or Emacs as it does from VS Code:
 *   inv.run RunTarget -> RunStarted      inv.train TrainTarget -> RunStarted
 *   inv.cancel CancelParams (or nothing: every job) -> { cancelled: runIds }
 *   inv.openResults RunTarget -> the result's details, also shown as a message
 * A refusal (errors in the file, an untrusted workspace, a bad argument) is a JSON-RPC error
 * whose message says why. The VS Code extension registers these ids itself and declines the
 * language client's own registration of them (src/extension/ctx.ts).
 */
import { AbstractExecuteCommandHandler, type ExecuteCommandAcceptor, type LangiumSharedServices } from 'langium/lsp';
import { ErrorCodes, MessageType, ResponseError } from 'vscode-languageserver';
import { Commands, type CancelParams, type RunTarget, type TrainTarget } from '../../protocol.js';
import type { InvServerServices } from '../inv-server-module.js';
import { resultDetails } from './result-reading.js';

export class InvExecuteCommandHandler extends AbstractExecuteCommandHandler {
    /** Assigned after the base constructor has registered the commands; they read it when they run. */
    private shared!: LangiumSharedServices;

    constructor(shared: LangiumSharedServices) {
        super();
        this.shared = shared;
    }

    registerCommands(accept: ExecuteCommandAcceptor): void {
        accept(Commands.run, (args) => this.runs().RunManager.run(argument<RunTarget>(args, Commands.run, ['uri', 'name'])));
        accept(Commands.train, (args) => this.runs().RunManager.train(argument<TrainTarget>(args, Commands.train, ['uri', 'oracle'])));
        accept(Commands.cancel, (args) => {
            const manager = this.runs().RunManager;
            const runIds = args.length > 0
                ? [argument<CancelParams>(args, Commands.cancel, ['runId']).runId]
                : this.runs().RunStates.all().map((j) => j.runId);
            return { cancelled: runIds.filter((id) => manager.cancel(id)) };
        });
        accept(Commands.openResults, (args) => {
            const target = argument<RunTarget>(args, Commands.openResults, ['uri', 'name']);
            const result = this.runs().ResultStore.get(target.uri, target.name);
            if (!result) throw new ResponseError(ErrorCodes.InvalidParams, `${target.name} has no result yet: run it first (▶ Run).`);
            const details = resultDetails(result);
            this.runs().RunReporter.showMessage(MessageType.Info, details.join('\n'));
            return { name: result.name, details };
        });
    }

    /** The runs of the one language this server serves. */
    private runs(): InvServerServices['runs'] {
        const services = this.shared.ServiceRegistry.all.find((s) => (s as Partial<InvServerServices>).runs?.RunManager);
        if (!services) throw new ResponseError(ErrorCodes.InternalError, 'this server runs nothing');
        return (services as InvServerServices).runs;
    }
}

/** The command's one argument, checked for the string fields it needs. */
function argument<T>(args: unknown[], command: string, fields: Array<keyof T & string>): T {
    const arg = args[0] as Record<string, unknown> | undefined;
    if (typeof arg !== 'object' || arg === null || fields.some((f) => typeof arg[f] !== 'string')) {
        throw new ResponseError(ErrorCodes.InvalidParams, `${command} takes one argument { ${fields.map((f) => `${f}: string`).join(', ')} }, as its code lens carries it.`);
    }
    return arg as T;
}
