import 'object.groupby/auto';
/**
 * The `inv` command (CLI-AND-RESULTS.md): check, train, run, backends, lsp. Each command
 * lives in its own file; this one wires them to commander and turns their outcome into the
 * exit status: 0 done, 1 errors in the file or its data, 2 bad usage, 3 a run failed,
 * 130 cancelled.
 */
import { Command, CommanderError } from 'commander';
import { checkCommand } from './check.js';
import { ExitCode } from './exit-codes.js';
import { describeFailure } from './failure.js';
import { lspCommand } from './lsp.js';
import { INV_VERSION } from './version.js';

function finish(code: ExitCode): never {
    process.exit(code);
}

export function buildProgram(): Command {
    const program = new Command('inv')
        .description('Invert trained neural networks: find inputs that give the outputs you ask for.')
        .version(INV_VERSION, '-v, --version', 'print the version')
        .showHelpAfterError('(run `inv --help` for the commands)')
        .exitOverride();

    program
        .command('check')
        .description('validate .inv files; print diagnostics as FILE:LINE:COL severity code message')
        .argument('<files...>', '.inv files')
        .option('--json', 'print one JSON array of diagnostics')
        .action(async (files: string[], opts: { json?: boolean }) => finish(await checkCommand(files, { json: opts.json ?? false })));

    // train, run and backends are wired in once the engine's public API (src/engine/index.ts) exists.

    program
        .command('lsp')
        .description('the language server, for any LSP editor (Neovim, Emacs, Helix, ...)')
        .option('--stdio', 'talk over stdin/stdout (the default)')
        .option('--node-ipc', 'talk over Node IPC')
        .option('--socket <port>', 'talk over a socket')
        .option('--clientProcessId <pid>', 'the editor process (passed by some clients)')
        // The server runs until the client closes it: no exit here.
        .action(() => lspCommand());

    return program;
}

async function main(): Promise<void> {
    try {
        await buildProgram().parseAsync(process.argv);
    } catch (e) {
        // commander has already printed what was wrong with the command line.
        if (e instanceof CommanderError) finish(e.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
        const failure = describeFailure(e, process.argv[3] ?? '');
        for (const line of failure.lines) process.stderr.write(line + '\n');
        finish(failure.exitCode);
    }
}

void main();
