/**
 * The language server's log (`window/logMessage`: VS Code's "inv language server" output
 * channel, Neovim's lsp.log, Emacs's events buffer): runs and trainings started, finished,
 * cancelled and failed, engine workers started and ended, refused requests, and at `debug`
 * what the engine printed. The `inv.logLevel` setting (error, warning, info, debug, off;
 * default info) says how much.
 */
import type { LangiumSharedServices } from 'langium/lsp';
import { MessageType } from 'vscode-languageserver';

export type LogLevel = 'off' | 'error' | 'warning' | 'info' | 'debug';

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warning: 2, info: 3, debug: 4 };
const LEVELS = Object.keys(RANK) as LogLevel[];
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

export function parseLogLevel(value: unknown): LogLevel {
    return LEVELS.includes(value as LogLevel) ? (value as LogLevel) : DEFAULT_LOG_LEVEL;
}

export class ServerLog {
    private level: LogLevel = DEFAULT_LOG_LEVEL;

    constructor(private readonly shared: LangiumSharedServices) {
        const config = shared.workspace.ConfigurationProvider;
        config.onConfigurationSectionUpdate(({ section, configuration }) => {
            if (section === 'inv') this.level = parseLogLevel((configuration as { logLevel?: unknown } | undefined)?.logLevel);
        });
        void config.ready.then(async () => {
            this.level = parseLogLevel(await config.getConfiguration('inv', 'logLevel'));
        }).catch(() => undefined);
    }

    error(message: string): void { this.write('error', message); }
    warning(message: string): void { this.write('warning', message); }
    info(message: string): void { this.write('info', message); }
    debug(message: string): void { this.write('debug', message); }

    private write(level: Exclude<LogLevel, 'off'>, message: string): void {
        if (RANK[level] > RANK[this.level]) return;
        const connection = this.shared.lsp.Connection;
        if (!connection) return;
        const type = level === 'error' ? MessageType.Error : level === 'warning' ? MessageType.Warning : level === 'info' ? MessageType.Info : MessageType.Log;
        void connection.sendNotification('window/logMessage', { type, message });
    }
}
