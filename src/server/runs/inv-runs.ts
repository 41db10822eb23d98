/**
 * The runs part of the language server: one object that owns the result store, the run
 * states and the run manager, and plugs into the Langium services through `module()` (the
 * code lenses' RunStateSource, the inlay hints and the hover that show results) and `start()` (the
 * custom requests, initialization options and the not-met diagnostic). Only the language
 * server builds it; the CLI runs the engine itself and never does.
 *
 *     const runs = new InvRuns();
 *     const { shared, Inv } = createInvServices({ connection, ...NodeFileSystem }, runs.module());
 *     runs.start(shared, Inv);
 */
import type { Module } from 'langium';
import type { LangiumServices, LangiumSharedServices, PartialLangiumServices } from 'langium/lsp';
import type { InvInitializationOptions } from '../../protocol.js';
import type { InvAddedServices, InvServices } from '../../language/inv-module.js';
import { LensRunState } from './inv-lens-run-state.js';
import { InvResultHoverProvider } from './inv-result-hover-provider.js';
import { InvResultInlayHints } from './inv-result-inlay-hints.js';
import { ResultStore } from './result-store.js';
import { InvResultValidator } from './inv-result-validator.js';
import { InvRunManager, type RunManagerOptions } from './inv-run-manager.js';
import { RunStates } from './run-state.js';

export class InvRuns {
    readonly store = new ResultStore();
    readonly states = new RunStates();
    private manager: InvRunManager | undefined;

    constructor(private readonly options: RunManagerOptions = {}) {}

    /** Services that replace the language's defaults: run state for the lenses, inlay hints for results. */
    module(): Module<InvServices, PartialLangiumServices & Partial<InvAddedServices>> {
        return {
            runs: {
                RunStateSource: (s) => new LensRunState(s.shared, this.store, this.states, () => this.manager?.workspaceTrusted ?? true),
            },
            lsp: {
                InlayHintProvider: (s) => new InvResultInlayHints(s.shared, this.store),
                HoverProvider: (s) => new InvResultHoverProvider(s, this.store),
            },
        };
    }

    /** Wires the runs to the server's connection (once, before the server listens). */
    start(shared: LangiumSharedServices, Inv: LangiumServices): InvRunManager {
        const connection = shared.lsp.Connection;
        if (!connection) throw new Error('InvRuns.start needs a language server connection');
        const manager = new InvRunManager(shared, this.store, this.states, this.options);
        this.manager = manager;
        const validator = new InvResultValidator(this.store);
        Inv.validation.ValidationRegistry.register(validator.checks(), validator);
        shared.lsp.LanguageServer.onInitialize((params) => {
            manager.initialize(params.initializationOptions as Partial<InvInitializationOptions> | undefined);
        });
        manager.listen(connection);
        return manager;
    }
}
