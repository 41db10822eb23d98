/**
 * The progress bar of `inv run` / `inv train`: step, loss and ETA on stderr, and only when
 * stderr is a terminal and `--quiet` is not given. A pipe or a log file gets nothing, so the
 * results on stdout stay clean.
 *
 * The line fits the terminal's width (`fitProgressLine`): the bar takes what the words leave,
 * and on a narrow terminal the least needed words go first, so the ETA is never cut off.
 */
import cliProgress from 'cli-progress';
import { formatCount, formatLoss, formatSeconds } from '../engine/contract/number-format.js';

export interface ProgressLine {
    /** Steps or epochs done, and how many there will be. */
    done: number;
    total: number;
    loss: number;
    /** Solutions meeting the target, when known. */
    meeting?: number | null;
}

interface Payload {
    label: string;
    unit: 'step' | 'epoch';
    loss: number;
    meeting: number | null;
}

/** The narrowest bar worth drawing; below it the line goes without one. */
const MIN_BAR = 8;
const MAX_BAR = 40;

/**
 * One progress line of at most `width` characters: `label [bar] 1,500/3,000 steps · loss
 * 0.0123 · 200 meet · ETA 12 s`. What goes when it does not fit, in order: the unit word,
 * the meet count, the bar, then the label is shortened; the counts, loss and ETA stay.
 */
export function fitProgressLine(width: number, progress: number, done: number, total: number, eta: number, payload: Payload): string {
    const fill = (size: number) => {
        const complete = Math.round(Math.min(1, Math.max(0, progress)) * size);
        return '█'.repeat(complete) + '░'.repeat(size - complete);
    };
    const etaText = `ETA ${Number.isFinite(eta) && eta >= 0 && done > 0 ? formatSeconds(eta) : '…'}`;
    const loss = `loss ${Number.isNaN(payload.loss) ? '—' : formatLoss(payload.loss)}`;
    const counts = `${formatCount(done)}/${formatCount(total)}`;
    const meet = payload.meeting === null ? null : `${formatCount(payload.meeting)} meet`;
    const room = width - 1; // the last column would make some terminals wrap
    const variants: Array<{ words: string[]; bar: boolean }> = [
        { words: [`${counts} ${payload.unit}s`, loss, meet, etaText].filter((w): w is string => w !== null), bar: true },
        { words: [counts, loss, meet, etaText].filter((w): w is string => w !== null), bar: true },
        { words: [counts, loss, etaText], bar: true },
        { words: [counts, loss, etaText], bar: false },
    ];
    for (const v of variants) {
        const text = v.words.join(' · ');
        const free = room - payload.label.length - 1 - text.length - (v.bar ? 1 : 0);
        if (v.bar && free >= MIN_BAR) return `${payload.label} ${fill(Math.min(MAX_BAR, free))} ${text}`;
        if (!v.bar && free >= 0) return `${payload.label} ${text}`;
    }
    // Narrower still: the label gives way, then the line is cut (the ETA last to go).
    const text = [counts, loss, etaText].join(' · ');
    const label = payload.label.slice(0, Math.max(0, room - text.length - 2));
    const line = label ? `${label}… ${text}` : text;
    return line.length <= room ? line : line.slice(line.length - room);
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
                // The line is built to the terminal's width (params.maxWidth is its columns).
                format: (_options, params, payload) =>
                    fitProgressLine(params.maxWidth, params.progress, params.value, params.total, params.eta, payload as Payload),
                hideCursor: true,
                clearOnComplete: true,
                etaBuffer: 50,
                fps: 10,
            },
            cliProgress.Presets.shades_classic,
        );
        const payload: Payload = { label, unit, loss: NaN, meeting: null };
        this.bar.start(total, 0, payload);
    }

    update(p: ProgressLine): void {
        if (!this.bar) return;
        this.bar.setTotal(p.total);
        // NaN before the engine has read its first loss; a real divergence ends the run with its own message.
        this.bar.update(p.done, { loss: p.loss, meeting: p.meeting ?? null });
    }

    stop(): void {
        this.bar?.stop();
        this.bar = null;
    }
}
