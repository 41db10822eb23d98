/**
 * The progress bar of `inv run` / `inv train`: step, loss and ETA on stderr, and only when
 * stderr is a terminal and `--quiet` is not given. A pipe or a log file gets nothing, so the
 * results on stdout stay clean.
 */
import cliProgress from 'cli-progress';

export interface ProgressLine {
    /** Steps or epochs done, and how many there will be. */
    done: number;
    total: number;
    loss: number;
    /** Solutions meeting the target, when known. */
    meeting?: number | null;
}

export class ProgressBar {
    private bar: cliProgress.SingleBar | null = null;

    constructor(
        private readonly enabled: boolean,
        private readonly stream: NodeJS.WritableStream = process.stderr,
    ) {}

    /** A bar only on a terminal, never with --quiet. */
    static forTerminal(quiet: boolean, stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): ProgressBar {
        return new ProgressBar(!quiet && stream.isTTY === true, stream);
    }

    start(label: string, unit: 'step' | 'epoch', total: number): void {
        if (!this.enabled) return;
        this.stop();
        this.bar = new cliProgress.SingleBar(
            {
                stream: this.stream,
                format: `${label} {bar} {value}/{total} ${unit}s | loss {loss}{meeting} | ETA {eta_formatted}`,
                hideCursor: true,
                clearOnComplete: true,
                etaBuffer: 50,
                fps: 10,
            },
            cliProgress.Presets.shades_classic,
        );
        this.bar.start(total, 0, { loss: '-', meeting: '' });
    }

    update(p: ProgressLine): void {
        if (!this.bar) return;
        this.bar.setTotal(p.total);
        this.bar.update(p.done, {
            // NaN before the engine has read its first loss; a real divergence ends the run with its own message.
            loss: Number.isNaN(p.loss) ? '-' : Number.isFinite(p.loss) ? p.loss.toPrecision(4) : String(p.loss),
            meeting: p.meeting === undefined || p.meeting === null ? '' : ` | ${p.meeting} meet`,
        });
    }

    stop(): void {
        this.bar?.stop();
        this.bar = null;
    }
}
