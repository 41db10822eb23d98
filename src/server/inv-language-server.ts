/**
 * The language server: the language's services on a connection, with the runs part
 * (src/server/runs/: run and train requests, result lenses, hints and hover) plugged in.
 * The editor and `inv lsp` start the same server.
 */
import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { createInvServices } from '../language/inv-module.js';
import { InvRuns } from './runs/inv-runs.js';

export function startInvLanguageServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
    const runs = new InvRuns();
    const { shared, Inv } = createInvServices({ connection, ...NodeFileSystem }, runs.module());
    runs.start(shared, Inv);
    // The checks that read model.json and CSV headers are 'slow' but cached by file stamp:
    // run them as the user types too, so the editor shows what `inv check` shows.
    shared.workspace.DocumentBuilder.updateBuildOptions = { validation: { categories: ['built-in', 'fast', 'slow'] } };
    startLanguageServer(shared);
}
