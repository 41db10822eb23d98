/**
 * The CLI's way to read .inv files: the language's services without a connection, on the
 * real file system, with every validation category (the 'slow' checks that read model.json
 * and CSV headers included), so `inv check`, `inv run` and `inv train` see the same
 * diagnostics as the editor.
 */
import { URI, type LangiumDocument } from 'langium';
import type { LangiumSharedServices } from 'langium/lsp';
import { InvNodeFileSystem } from '../language/inv-file-system.js';
import { resolve } from 'node:path';
import type { InvFile } from '../language/generated/ast.js';
import { createInvServices, type InvServices } from '../language/inv-module.js';

export interface InvDocuments {
    services: { shared: LangiumSharedServices; Inv: InvServices };
    documents: Array<LangiumDocument<InvFile>>;
}

/** Parses, links and validates the files (paths relative to the working folder), in order. */
export async function loadInvDocuments(paths: string[]): Promise<InvDocuments> {
    const services = createInvServices(InvNodeFileSystem);
    const { LangiumDocuments, DocumentBuilder } = services.shared.workspace;
    const documents: Array<LangiumDocument<InvFile>> = [];
    for (const path of paths) {
        documents.push(await LangiumDocuments.getOrCreateDocument(URI.file(resolve(path))) as LangiumDocument<InvFile>);
    }
    await DocumentBuilder.build(documents, { validation: true });
    return { services, documents };
}
