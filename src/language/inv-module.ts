/**
 * The .inv language's services: Langium's defaults plus this language's parser guard,
 * scoping, validators and editor features. `createInvServices` is the one way to build
 * them, for the CLI (no connection) and, with the runs module of src/server added, for the
 * language server.
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
import { InvDocumentBuilder } from './lsp/inv-document-builder.js';
import { InvWorkspaceManager } from './lsp/inv-workspace-manager.js';
import { InvConstraintValidator } from './validation/inv-constraint-validator.js';
import { InvNamesValidator } from './validation/inv-names-validator.js';
import { InvNumbersValidator } from './validation/inv-numbers-validator.js';
import { InvOracleFilesValidator } from './validation/inv-oracle-files-validator.js';
import { InvRunValidator } from './validation/inv-run-validator.js';
import { InvTypedInputsValidator } from './validation/inv-typed-inputs-validator.js';
import { InvMemoryValidator } from './validation/inv-memory-validator.js';
import { InvSynthesisOutputValidator } from './validation/inv-synthesis-output-validator.js';

/** Services this language adds to Langium's. */
export type InvAddedServices = {
    validation: {
        NamesValidator: InvNamesValidator;
        NumbersValidator: InvNumbersValidator;
        ConstraintValidator: InvConstraintValidator;
        RunValidator: InvRunValidator;
        OracleFilesValidator: InvOracleFilesValidator;
        /** Typed inputs and `require` relations (LANGUAGE.md, "Typed inputs and relations"). */
        TypedInputsValidator: InvTypedInputsValidator;
        /** Where a synthesis may write (output-outside, output-exists, output-not-csv). */
        SynthesisOutputValidator: InvSynthesisOutputValidator;
        /** A job's memory estimate against this machine (memory-limit, memory-high). */
        MemoryValidator: InvMemoryValidator;
    };
    files: {
        /** model.json summaries, CSV headers and class labels, cached by file stamp. */
        OracleFiles: OracleFiles;
    };
    runs: {
        /** Run and training state for the code lenses; the language server's runs module replaces it. */
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
        NamesValidator: () => new InvNamesValidator(),
        NumbersValidator: () => new InvNumbersValidator(),
        ConstraintValidator: () => new InvConstraintValidator(),
        RunValidator: (services) => new InvRunValidator(services),
        OracleFilesValidator: (services) => new InvOracleFilesValidator(services),
        TypedInputsValidator: (services) => new InvTypedInputsValidator(services),
        SynthesisOutputValidator: (services) => new InvSynthesisOutputValidator(services),
        MemoryValidator: () => new InvMemoryValidator(),
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
    workspace: {
        // Documents not open in the editor are read, parsed and validated at low priority.
        WorkspaceManager: (services) => new InvWorkspaceManager(services),
        DocumentBuilder: (services) => new InvDocumentBuilder(services),
    },
    lsp: {
        NodeKindProvider: () => new InvNodeKindProvider(),
        DocumentUpdateHandler: (services) => new InvDocumentUpdateHandler(services),
    },
};

/**
 * Builds the shared and the language services and registers the checks. Pass `connection`
 * for a language server; the CLI passes none (and gets a file system through
 * `NodeFileSystem`). `extension` adds or replaces services (src/server's runs module; tests).
 */
export function createInvServices<Added = object>(
    context: DefaultSharedModuleContext,
    extension?: Module<InvServices & Added, DeepPartial<InvServices> & Added>,
): { shared: LangiumSharedServices; Inv: InvServices & Added } {
    const shared = inject(createDefaultSharedModule(context), InvGeneratedSharedModule, InvSharedModule);
    const Inv = inject(createDefaultModule({ shared }), InvGeneratedModule, InvModule, extension) as InvServices & Added;
    shared.ServiceRegistry.register(Inv);
    registerValidationChecks(Inv);
    if (!context.connection) {
        // No client will send its configuration: start with the defaults.
        shared.workspace.ConfigurationProvider.initialized({});
    }
    return { shared, Inv };
}
