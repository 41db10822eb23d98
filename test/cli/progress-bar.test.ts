import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fitProgressLine, ProgressBar } from '../../src/cli/progress-bar.js';

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
        expect(t.text()).toContain('1,500/3,000 steps');
        expect(t.text()).toContain('loss 0.0123');
        expect(t.text()).toContain('200 meet');
        expect(t.text()).toContain('ETA');
    });

    it('fits 80, 100 and 160 columns with the ETA always there; the bar takes what the words leave', () => {
        const payload = { label: 'Exp1', unit: 'step' as const, loss: 0.00061035, meeting: 200 };
        for (const width of [80, 100, 160]) {
            const line = fitProgressLine(width, 0.5, 1500, 3000, 12.4, payload);
            expect(line.length, line).toBeLessThan(width);
            expect(line).toMatch(/ETA 12 s$/);
            expect(line).toContain('1,500/3,000 steps · loss 6.1e-4 · 200 meet');
            expect(line).toMatch(/^Exp1 █+░+ /);
        }
        // The bar grows with the terminal, up to 40 cells.
        const bar = (width: number) => (fitProgressLine(width, 0.5, 1500, 3000, 12.4, payload).match(/[█░]+/) ?? [''])[0].length;
        expect(bar(80)).toBeLessThan(bar(100));
        expect(bar(160)).toBe(40);
    });

    it('drops the least needed words first on a narrow terminal, never the ETA', () => {
        const payload = { label: 'AVeryLongInversionName', unit: 'step' as const, loss: 123.456, meeting: 12 };
        const at = (width: number) => fitProgressLine(width, 0.25, 750, 3000, 95, payload);
        expect(at(60)).not.toContain('steps');
        expect(at(60)).toMatch(/ETA 1 min 35 s$/);
        expect(at(40)).toMatch(/ETA 1 min 35 s$/);
        for (const width of [30, 40, 50, 60]) expect(at(width).length).toBeLessThan(width);
        // Before the first estimate.
        expect(fitProgressLine(80, 0, 0, 3000, NaN, { ...payload, loss: NaN, meeting: null })).toMatch(/loss — · ETA …$/);
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
