/**
 * When a file an oracle names changes on disk (a model written by ▶ Train, a CSV edited),
 * the .inv documents are checked again: Langium rebuilds only documents of its languages,
 * so this handler forgets the changed files' cached contents and re-validates every loaded
 * .inv document (validation only; nothing is parsed or linked again).
 */
import { DocumentState, URI } from 'langium';
import { DefaultDocumentUpdateHandler, type LangiumSharedServices } from 'langium/lsp';
import type { DidChangeWatchedFilesParams } from 'vscode-languageserver';
import type { InvServices } from '../inv-module.js';

/** What an oracle or a synthesis can name: models, weights, CSVs; or a folder of them. */
const NAMED_FILE = /(\.(json|bin|csv)|\/[^./]*)$/i;

export class InvDocumentUpdateHandler extends DefaultDocumentUpdateHandler {
    private readonly shared: LangiumSharedServices;

    constructor(services: LangiumSharedServices) {
        super(services);
        this.shared = services;
    }

    override didChangeWatchedFiles(params: DidChangeWatchedFilesParams): void {
        super.didChangeWatchedFiles(params);
        const others = params.changes.map((c) => URI.parse(c.uri)).filter((uri) => uri.scheme === 'file' && NAMED_FILE.test(uri.path));
        if (others.length === 0) return;
        const paths = others.map((uri) => uri.fsPath);
        for (const services of this.shared.ServiceRegistry.all) (services as InvServices).files?.OracleFiles.forget(paths);
        const builder = this.shared.workspace.DocumentBuilder;
        this.workspaceManager.ready.then(() => this.workspaceLock.write(async (token) => {
            for (const document of this.shared.workspace.LangiumDocuments.all) {
                if (document.state > DocumentState.IndexedReferences) builder.resetToState(document, DocumentState.IndexedReferences);
            }
            await builder.update([], [], token);
        })).catch((err: unknown) => console.error('Re-checking after a file change failed:', err));
    }
}
