/**
 * The workspace's `.inv` files, as the language server finds them at start-up: each becomes a
 * document that is not read or parsed yet. Nothing links across files (LANGUAGE.md: scope is
 * one file), so a file nobody opened is never needed to answer for another; it is read,
 * parsed and validated later, at low priority (InvDocumentBuilder's background builds), so a
 * large file somewhere in the workspace never delays the editor at start-up.
 */
import { DefaultWorkspaceManager, DocumentState, type LangiumDocument, type LangiumDocumentFactory, type Stream, type URI } from 'langium';
import type { LangiumSharedServices } from 'langium/lsp';
import type { CancellationToken } from 'vscode-jsonrpc';
import type { WorkspaceFolder } from 'vscode-languageserver';
import { isBackgroundBuilder } from './inv-document-builder.js';

export class InvWorkspaceManager extends DefaultWorkspaceManager {
    private readonly factory: LangiumDocumentFactory;

    constructor(services: LangiumSharedServices) {
        super(services);
        this.factory = services.workspace.LangiumDocumentFactory;
    }

    protected override async loadWorkspaceDocuments(uris: Stream<URI>, collector: (document: LangiumDocument) => void): Promise<void> {
        for (const uri of uris) {
            // Unread and unparsed: the builder reads it when it gets to it (Langium does the same for a new file).
            const document = this.factory.fromModel({ $type: 'INVALID' }, uri);
            document.state = DocumentState.Changed;
            collector(document);
        }
    }

    override async initializeWorkspace(folders: WorkspaceFolder[], _cancelToken?: CancellationToken): Promise<void> {
        await this.performStartup(folders);
        if (isBackgroundBuilder(this.documentBuilder)) this.documentBuilder.scheduleBackground();
    }
}
