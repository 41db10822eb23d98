/**
 * The language server's services: the language's (src/language/inv-module.ts) plus what
 * runs things (src/server/runs/): the result store and run states, the run manager that
 * answers the custom requests and drives engine workers, and the services that show results
 * (the code lenses' run state, inlay hints, hover, the target-not-met check). The editor and
 * `inv lsp` start the same server; the CLI runs the engine itself and never builds these.
 */
import type { DeepPartial, Module } from 'langium';
import type { DefaultSharedModuleContext, LangiumSharedServices } from 'langium/lsp';
import type { Connection } from 'vscode-languageserver';
import { createInvServices, type InvServices } from '../language/inv-module.js';
import { InvLensRunState } from './runs/inv-lens-run-state.js';
import { InvResultHoverProvider } from './runs/inv-result-hover-provider.js';
import { InvResultInlayHints } from './runs/inv-result-inlay-hints.js';
import { InvResultValidator, registerResultChecks } from './runs/inv-result-validator.js';
import { InvRunManager } from './runs/inv-run-manager.js';
import { ResultStore } from './runs/result-store.js';
import { RunStates } from './runs/run-state.js';

/** Services the language server adds to the language's. */
export type InvServerAddedServices = {
    runs: {
        /** The last result of each run, per document (persisted in the editor's storage folder). */
        ResultStore: ResultStore;
        /** The runs and trainings in progress, and how the last one of each failed. */
        RunStates: RunStates;
        /** The custom requests (`inv/run`, `inv/cancel`, …) and the engine workers. */
        RunManager: InvRunManager;
    };
    validation: {
        /** `target-not-met` on a target the last run missed. */
        ResultValidator: InvResultValidator;
    };
};

export type InvServerServices = InvServices & InvServerAddedServices;

export const InvServerModule: Module<InvServerServices, DeepPartial<InvServices> & InvServerAddedServices> = {
    runs: {
        ResultStore: () => new ResultStore(),
        RunStates: () => new RunStates(),
        RunManager: (services) => new InvRunManager(services),
        RunStateSource: (services) => new InvLensRunState(services),
    },
    validation: {
        ResultValidator: (services) => new InvResultValidator(services),
    },
    lsp: {
        InlayHintProvider: (services) => new InvResultInlayHints(services),
        HoverProvider: (services) => new InvResultHoverProvider(services),
    },
};

/** Builds the language server's services on `connection` and wires the runs to it (before it listens). */
export function createInvServerServices(context: DefaultSharedModuleContext & { connection: Connection }): {
    shared: LangiumSharedServices;
    Inv: InvServerServices;
} {
    const { shared, Inv } = createInvServices<InvServerAddedServices>(context, InvServerModule);
    registerResultChecks(Inv);
    Inv.runs.RunManager.listen();
    // The checks that read model.json and CSV headers are 'slow' but cached by file stamp:
    // run them as the user types too, so the editor shows what `inv check` shows.
    shared.workspace.DocumentBuilder.updateBuildOptions = { validation: { categories: ['built-in', 'fast', 'slow'] } };
    return { shared, Inv };
}
