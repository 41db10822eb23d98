/**
 * Rename writes the new name the way the file needs it: bare when it is an identifier,
 * in backticks when it is a keyword or has other characters (`` `Beak Length (mm)` ``).
 */
import type { LangiumDocument } from 'langium';
import { DefaultRenameProvider, type LangiumServices } from 'langium/lsp';
import type { RenameParams, WorkspaceEdit } from 'vscode-languageserver';
import { reservedWords } from '../inv-keywords.js';
import { nameAsSource } from '../name-suggestion.js';

export class InvRenameProvider extends DefaultRenameProvider {
    private readonly keywords: ReadonlySet<string>;

    constructor(services: LangiumServices) {
        super(services);
        this.keywords = reservedWords(services.Grammar);
    }

    override async rename(document: LangiumDocument, params: RenameParams): Promise<WorkspaceEdit | undefined> {
        const bare = params.newName.replace(/^`(.*)`$/, '$1');
        if (bare === '' || /[`\r\n]/.test(bare)) return undefined;
        return super.rename(document, { ...params, newName: nameAsSource(bare, this.keywords) });
    }
}
