/**
 * The runs part of the language server, as Langium services: the result store, the run
 * states, the run manager, the not-met validator and the inlay hints that show results.
 * `createInvServices` injects `InvRunsModule`; the server calls `startInvRuns` once its
 * connection exists (the CLI, with no connection, never does: it runs the engine itself).
 */
import type { Module } from 'langium';
import type { LangiumServices, PartialLangiumServices } from 'langium/lsp';
import type { InvInitializationOptions } from '../../protocol.js';
import { InvResultInlayHints } from './result-inlay-hints.js';
import { ResultStore } from './result-store.js';
import { InvResultValidator } from './result-validation.js';
import { InvRunManager } from './run-manager.js';
import { RunStates } from './run-state.js';

export interface InvRunsServices {
    runs: {
        ResultStore: ResultStore;
        RunStates: RunStates;
        RunManager: InvRunManager;
        ResultValidator: InvResultValidator;
    };
}

type ServicesWithRuns = LangiumServices & InvRunsServices;

export const InvRunsModule: Module<ServicesWithRuns, PartialLangiumServices & InvRunsServices> = {
    runs: {
        ResultStore: () => new ResultStore(),
        RunStates: () => new RunStates(),
        RunManager: (s) => new InvRunManager(s.shared, s.runs.ResultStore, s.runs.RunStates),
        ResultValidator: (s) => new InvResultValidator(s.runs.ResultStore),
    },
    lsp: {
        InlayHintProvider: (s) => new InvResultInlayHints(s.shared, s.runs.ResultStore),
    },
};

/** Wires the runs to the server's connection: custom requests, initialization options, result diagnostics. */
export function startInvRuns(services: ServicesWithRuns): void {
    const connection = services.shared.lsp.Connection;
    if (!connection) return;
    const { RunManager, ResultValidator } = services.runs;
    services.validation.ValidationRegistry.register(ResultValidator.checks(), ResultValidator);
    services.shared.lsp.LanguageServer.onInitialize((params) => {
        RunManager.initialize(params.initializationOptions as Partial<InvInitializationOptions> | undefined);
    });
    RunManager.listen(connection);
}
