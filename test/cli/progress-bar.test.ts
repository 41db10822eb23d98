import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/cli/progress-bar.js';

/** A stream that says it is a terminal, and keeps what is written to it. */
function terminal(isTTY: boolean) {
    const stream = Object.assign(new PassThrough(), { isTTY, columns: 120 });
    let text = '';
    stream.on('data', (d) => (text += d));
    return { stream, text: () => text };
}

function drive(bar: ProgressBar) {
    bar.start('Exp1', 'step', 3000);
    bar.update({ done: 1500, total: 3000, loss: 0.012345, meeting: 200 });
    bar.stop();
}

describe('progress bar', () => {
    it('shows step, loss and meeting on a terminal', () => {
        const t = terminal(true);
        drive(ProgressBar.forTerminal(false, t.stream));
        expect(t.text()).toContain('Exp1');
        expect(t.text()).toContain('1500/3000 steps');
        expect(t.text()).toContain('loss 0.01235');
        expect(t.text()).toContain('200 meet');
    });

    it('writes nothing on a pipe, nor with --quiet', () => {
        const pipe = terminal(false);
        drive(ProgressBar.forTerminal(false, pipe.stream));
        expect(pipe.text()).toBe('');
        const quiet = terminal(true);
        drive(ProgressBar.forTerminal(true, quiet.stream));
        expect(quiet.text()).toBe('');
    });
});
