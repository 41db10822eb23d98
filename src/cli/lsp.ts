/**
 * `inv lsp --stdio`: the language server the extension uses, for any LSP editor (Neovim,
 * Emacs, Helix, …). Stdio is the default; `--node-ipc` and `--socket=N` work too.
 */
import { startLanguageServer } from 'langium/lsp';
import { InvNodeFileSystem } from '../language/inv-file-system.js';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createInvServerServices } from '../server/inv-server-module.js';

export function lspCommand(): void {
    const otherTransport = process.argv.some((a) => a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'));
    const connection = otherTransport
        ? createConnection(ProposedFeatures.all)
        : createConnection(ProposedFeatures.all, process.stdin, process.stdout);
    const { shared } = createInvServerServices({ connection, ...InvNodeFileSystem });
    startLanguageServer(shared);
}
