/** The language server (out/server.cjs): the language's services and the runs on a connection. */
import 'object.groupby/auto';
import { startLanguageServer } from 'langium/lsp';
import { InvNodeFileSystem } from '../language/inv-file-system.js';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createInvServerServices } from './inv-server-module.js';

const connection = createConnection(ProposedFeatures.all);
const { shared } = createInvServerServices({ connection, ...InvNodeFileSystem });
startLanguageServer(shared);
