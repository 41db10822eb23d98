import 'object.groupby/auto';
import { startInvLanguageServer } from './inv-language-server.js';
startInvLanguageServer();
