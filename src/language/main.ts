import 'object.groupby/auto';
import { startInvLanguageServer } from './server.js';
startInvLanguageServer();
