/**
 * The .inv language's services: Langium's defaults plus this language's parser guard,
 * scoping, validation and editor features. `createInvServices` is the one way to build
 * them, for the language server (with a connection) and for the CLI (without).
 */
import { inject, type DeepPartial, type Module } from 'langium';
import {
    createDefaultModule, createDefaultSharedModule,
    type DefaultSharedModuleContext, type LangiumServices, type LangiumSharedServices, type PartialLangiumServices,
} from 'langium/lsp';
import { InvGeneratedModule, InvGeneratedSharedModule } from './generated/module.js';
import { InvDocumentValidator } from './inv-document-validator.js';
import { InvLexer } from './inv-lexer.js';
import { createInvParser } from './inv-parser.js';
import { InvLexerErrorMessageProvider, InvParserErrorMessageProvider } from './inv-parser-messages.js';
import { InvScopeComputation } from './inv-scope-computation.js';
import { InvScopeProvider } from './inv-scope-provider.js';
import { registerValidationChecks } from './inv-validator.js';
import { InvValueConverter } from './inv-value-converter.js';
import { InvCodeActionProvider } from './lsp/inv-code-actions.js';
import { InvCodeLensProvider } from './lsp/inv-code-lens-provider.js';
import { InvCompletionProvider } from './lsp/inv-completion-provider.js';
import { InvFormatter } from './lsp/inv-formatter.js';
import { InvHoverProvider } from './lsp/inv-hover-provider.js';
import { InvNodeKindProvider } from './lsp/inv-node-kind-provider.js';
import { InvDocumentUpdateHandler } from './lsp/inv-document-update-handler.js';
import { InvRenameProvider } from './lsp/inv-rename-provider.js';
import { InvSemanticTokenProvider } from './lsp/inv-semantic-tokens.js';
import { NoRunState, type RunStateSource } from './lsp/run-state-source.js';
import { OracleFiles } from './oracle-files.js';

/** Services this language adds to Langium's. */
export type InvAddedServices = {
    files: {
        /** model.json summaries, CSV headers and class labels, cached by file stamp. */
        OracleFiles: OracleFiles;
    };
    runs: {
        /** Run and training state for the code lenses; replaced by the extension's run manager. */
        RunStateSource: RunStateSource;
    };
};

export type InvServices = LangiumServices & InvAddedServices;

export const InvModule: Module<InvServices, PartialLangiumServices & InvAddedServices> = {
    parser: {
        LangiumParser: (services) => createInvParser(services),
        Lexer: (services) => new InvLexer(services),
        ValueConverter: () => new InvValueConverter(),
        ParserErrorMessageProvider: () => new InvParserErrorMessageProvider(),
        LexerErrorMessageProvider: () => new InvLexerErrorMessageProvider(),
    },
    references: {
        ScopeComputation: (services) => new InvScopeComputation(services),
        ScopeProvider: (services) => new InvScopeProvider(services),
    },
    validation: {
        DocumentValidator: (services) => new InvDocumentValidator(services),
    },
    files: {
        OracleFiles: () => new OracleFiles(),
    },
    runs: {
        RunStateSource: () => new NoRunState(),
    },
    lsp: {
        CompletionProvider: (services) => new InvCompletionProvider(services),
        HoverProvider: (services) => new InvHoverProvider(services),
        CodeLensProvider: (services) => new InvCodeLensProvider(services),
        CodeActionProvider: (services) => new InvCodeActionProvider(services),
        Formatter: () => new InvFormatter(),
        SemanticTokenProvider: (services) => new InvSemanticTokenProvider(services),
        RenameProvider: (services) => new InvRenameProvider(services),
    },
};

/** Shared services this language replaces. */
export const InvSharedModule: Module<LangiumSharedServices, DeepPartial<LangiumSharedServices>> = {
    lsp: {
        NodeKindProvider: () => new InvNodeKindProvider(),
        DocumentUpdateHandler: (services) => new InvDocumentUpdateHandler(services),
    },
};

/**
 * Builds the shared and the language services. Pass `connection` for a language server; the
 * CLI passes none (and gets a file system through `NodeFileSystem`).
 */
export function createInvServices(context: DefaultSharedModuleContext, overrides?: Module<InvServices, PartialLangiumServices & Partial<InvAddedServices>>): {
    shared: LangiumSharedServices;
    Inv: InvServices;
} {
    const shared = inject(createDefaultSharedModule(context), InvGeneratedSharedModule, InvSharedModule);
    const Inv = overrides
        ? inject(createDefaultModule({ shared }), InvGeneratedModule, InvModule, overrides)
        : inject(createDefaultModule({ shared }), InvGeneratedModule, InvModule);
    shared.ServiceRegistry.register(Inv);
    registerValidationChecks(Inv);
    if (!context.connection) {
        // No client will send its configuration: start with the defaults.
        shared.workspace.ConfigurationProvider.initialized({});
    }
    return { shared, Inv };
}
