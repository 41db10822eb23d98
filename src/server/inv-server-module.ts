/**
 * The language server's services: the language's (src/language/inv-module.ts) plus what
 * runs things (src/server/runs/): the result store and run states, the run manager that
 * answers the custom requests and drives engine workers, the reporter that shows runs to the
 * client, the execute-command handler for the lens commands of any LSP editor, the server's
 * log, and the services that show results (the code lenses' run state, inlay hints, hover, the
 * target-not-met check). The editor and `inv lsp` start the same server; the CLI runs the
 * engine itself and never builds these.
 */
import type { DeepPartial, Module } from 'langium';
import type { DefaultSharedModuleContext, LangiumSharedServices } from 'langium/lsp';
import type { Connection } from 'vscode-languageserver';
import { createInvServices, type InvServices } from '../language/inv-module.js';
import { InvConfigurationProvider } from './inv-configuration-provider.js';
import { InvExecuteCommandHandler } from './runs/inv-execute-command-handler.js';
import { InvLensRunState } from './runs/inv-lens-run-state.js';
import { InvRunCodeActions } from './runs/inv-run-code-actions.js';
import { InvResultHoverProvider } from './runs/inv-result-hover-provider.js';
import { InvResultInlayHints } from './runs/inv-result-inlay-hints.js';
import { InvResultValidator, registerResultChecks } from './runs/inv-result-validator.js';
import { InvRunManager } from './runs/inv-run-manager.js';
import { InvRunReporter } from './runs/inv-run-reporter.js';
import { ResultStore } from './runs/result-store.js';
import { RunStates } from './runs/run-state.js';
import { ServerLog } from './server-log.js';

/** Services the language server adds to the language's. */
export type InvServerAddedServices = {
    runs: {
        /** The last result of each run, per document (persisted in the editor's storage folder). */
        ResultStore: ResultStore;
        /** The runs and trainings in progress, and how the last one of each failed. */
        RunStates: RunStates;
        /** The custom requests (`inv/run`, `inv/cancel`, …) and the engine workers. */
        RunManager: InvRunManager;
        /** What the client is told about runs, and when (progress, endings, refreshes). */
        RunReporter: InvRunReporter;
    };
    log: {
        /** `window/logMessage` at the `inv.logLevel` setting's level. */
        ServerLog: ServerLog;
    };
    validation: {
        /** `target-not-met` on a target the last run missed. */
        ResultValidator: InvResultValidator;
    };
};

export type InvServerServices = InvServices & InvServerAddedServices;

/** Shared services the server adds or replaces: the lens commands for any LSP editor, registrations only where declared. */
export const InvServerSharedModule: Module<LangiumSharedServices, DeepPartial<LangiumSharedServices>> = {
    lsp: {
        ExecuteCommandHandler: (shared) => new InvExecuteCommandHandler(shared),
    },
    workspace: {
        ConfigurationProvider: (shared) => new InvConfigurationProvider(shared),
    },
};

export const InvServerModule: Module<InvServerServices, DeepPartial<InvServices> & InvServerAddedServices> = {
    runs: {
        ResultStore: () => new ResultStore(),
        RunStates: () => new RunStates(),
        RunManager: (services) => new InvRunManager(services),
        RunReporter: (services) => new InvRunReporter(services),
        RunStateSource: (services) => new InvLensRunState(services),
    },
    log: {
        ServerLog: (services) => new ServerLog(services.shared),
    },
    validation: {
        ResultValidator: (services) => new InvResultValidator(services),
    },
    lsp: {
        CodeActionProvider: (services) => new InvRunCodeActions(services),
        InlayHintProvider: (services) => new InvResultInlayHints(services),
        HoverProvider: (services) => new InvResultHoverProvider(services),
    },
};

/** Builds the language server's services on `connection` and wires the runs to it (before it listens). */
export function createInvServerServices(context: DefaultSharedModuleContext & { connection: Connection }): {
    shared: LangiumSharedServices;
    Inv: InvServerServices;
} {
    const { shared, Inv } = createInvServices<InvServerAddedServices>(context, InvServerModule, InvServerSharedModule);
    registerResultChecks(Inv);
    Inv.runs.RunManager.listen();
    // The checks that read model.json and CSV headers are 'slow' but cached by file stamp:
    // run them as the user types too, so the editor shows what `inv check` shows.
    shared.workspace.DocumentBuilder.updateBuildOptions = { validation: { categories: ['built-in', 'fast', 'slow'] } };
    return { shared, Inv };
}
