import 'object.groupby/auto';
/**
 * The `inv` command (CLI-AND-RESULTS.md): check, train, run, backends, lsp. Each command
 * lives in its own file; this one wires them to commander and turns their outcome into the
 * exit status: 0 done, 1 errors in the file or its data, 2 bad usage, 3 a run failed,
 * 130 cancelled.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { checkCommand } from './check.js';
import { processOutput } from './checked-document.js';
import { ExitCode } from './exit-codes.js';
import { describeFailure } from './failure.js';
import { lspCommand } from './lsp.js';
import { INV_VERSION } from '../engine/contract/version.js';
import { BACKEND_CHOICES } from '../engine/contract/spec.js';

// train, run and backends load TensorFlow.js; `check` and `lsp` must not pay for it, so the
// engine's commands are imported when they are called.
const engineCommands = {
    train: () => import('./train.js'),
    run: () => import('./run.js'),
    backends: () => import('./backends.js'),
};

const BACKENDS: string[] = [...BACKEND_CHOICES];

function wholeNumber(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number (0, 1, 2, ...) is needed.');
    return n;
}

/** Exits once everything written to stdout and stderr is handed over (a pipe may still hold some). */
async function finish(code: ExitCode): Promise<never> {
    await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))));
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

    program
        .command('train')
        .description('fit every oracle of FILE that has `data` (or the one named) and write its model')
        .argument('<file>', 'an .inv file')
        .option('--oracle <name>', 'train only this oracle')
        .addOption(new Option('--backend <backend>', 'compute backend').choices(BACKENDS))
        .option('--quiet', 'no progress bar')
        .action(async (file: string, opts) => finish(await (await engineCommands.train()).trainCommand(file, opts, processOutput)));

    program
        .command('run')
        .description('run every inversion and synthesis of FILE (or the one named); print a summary')
        .argument('<file>', 'an .inv file')
        .option('--name <name>', 'run only this inversion or synthesis')
        .addOption(new Option('--backend <backend>', 'compute backend for every run (overrides the file)').choices(BACKENDS))
        .option('--out <path>', 'write the results: PATH.json (results objects) or PATH.csv (one row per solution)')
        .option('--seed <n>', 'seed for every run (overrides the file)', wholeNumber)
        .option('--quiet', 'no progress bar and no warnings')
        .action(async (file: string, opts) => finish(await (await engineCommands.run()).runCommand(file, opts, processOutput)));

    program
        .command('backends')
        .description('list the compute backends found on this machine, and why others are missing')
        .action(async () => finish(await (await engineCommands.backends()).backendsCommand(processOutput)));

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
    // `inv run FILE | head`: a reader that stops early is not an error worth a stack trace.
    for (const stream of [process.stdout, process.stderr]) {
        stream.on('error', (e: NodeJS.ErrnoException) => {
            if (e.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
        });
    }
    try {
        await buildProgram().parseAsync(process.argv);
    } catch (e) {
        // commander has already printed what was wrong with the command line.
        if (e instanceof CommanderError) await finish(e.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
        const failure = describeFailure(e, process.argv[3] ?? '');
        for (const line of failure.lines) processOutput.err(line);
        await finish(failure.exitCode);
    }
}

void main();
