/**
 * Ctrl-C during `inv run` / `inv train`: the first one aborts the engine's signal, so the run
 * returns what it found so far (written with --out, summarised, exit 130) and nothing is lost;
 * a second one exits at once.
 */
import { ExitCode } from './exit-codes.js';

export interface Interrupt {
    signal: AbortSignal;
    /** True once Ctrl-C was pressed. */
    readonly interrupted: boolean;
    dispose(): void;
}

export function interruptOnCtrlC(say: (line: string) => void = (l) => process.stderr.write(l + '\n')): Interrupt {
    const controller = new AbortController();
    const onSigint = () => {
        if (controller.signal.aborted) {
            say('stopped at once (second Ctrl-C); results not written');
            process.exit(ExitCode.cancelled);
        }
        say('stopping after the current step and keeping what was found so far (Ctrl-C again to quit at once)');
        controller.abort();
    };
    process.on('SIGINT', onSigint);
    return {
        signal: controller.signal,
        get interrupted() {
            return controller.signal.aborted;
        },
        dispose: () => {
            process.off('SIGINT', onSigint);
        },
    };
}
