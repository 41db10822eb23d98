/**
 * `inv run` in a real terminal of 80, 100 and 160 columns (a pseudo-terminal from
 * util-linux's `script`): the progress bar and the summary fit the width, the bar keeps its
 * ETA, and the summary is a table only where the table fits.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI, inv, scratch, tinyCsv, TINY_ORACLE } from './cli-process.js';

const SCRIPT = '/usr/bin/script';
const RUN = `
inversion Half {
  oracle Tiny
  target y = 1.5 tolerance 0.05
  fix a = 0.5
  solutions 16
  steps 300
  seed 1
}
`;

let dir: string;

beforeAll(async () => {
    assertBuilt();
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: it comes with util-linux (Debian's bsdutils)`);
    dir = scratch({ 'tiny.csv': tinyCsv(), 'tiny.inv': TINY_ORACLE + RUN });
    const r = await inv(['train', 'tiny.inv', '--quiet'], dir);
    if (r.code !== 0) throw new Error(`training the tiny oracle failed (exit ${r.code}):\n${r.stderr}`);
});

/** What a terminal of `columns` shows, screen line by screen line (a \r redraw starts a new one). */
function inTerminal(columns: number, args: string[]): { status: number | null; lines: string[] } {
    const command = `stty cols ${columns} rows 50; exec "${process.execPath}" "${CLI}" ${args.join(' ')}`;
    const r = spawnSync(SCRIPT, ['-qfec', command, '/dev/null'], { cwd: dir, encoding: 'utf8', env: { ...process.env, COLUMNS: '' } });
    // A move to a column (ESC [ n G, how the bar redraws) starts the line again, like \r.
    // eslint-disable-next-line no-control-regex
    const visible = r.stdout.replace(/\x1b\[\d*G/g, '\r').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b[78]/g, '');
    return { status: r.status, lines: visible.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '') };
}

describe('inv run in a terminal', () => {
    for (const columns of [80, 100, 160]) {
        it(`fits ${columns} columns: the bar with its ETA, then the summary`, () => {
            const { status, lines } = inTerminal(columns, ['run', 'tiny.inv', '--backend', 'cpu']);
            expect(status, lines.join('\n')).toBe(0);
            const tooWide = lines.filter((l) => l.length > columns);
            expect(tooWide).toEqual([]);
            const bars = lines.filter((l) => /^Half [█░]+ .*steps/.test(l));
            expect(bars.length, lines.join('\n')).toBeGreaterThan(0);
            for (const bar of bars) expect(bar).toMatch(/ETA (…|\d[\d.]* s|\d+ min \d+ s)$/);
            const table = lines.some((l) => l.startsWith('┌'));
            // The tiny run's table is about 120 columns wide: a table at 160, blocks below.
            expect(table).toBe(columns >= 160);
            if (!table) {
                expect(lines).toContainEqual(expect.stringMatching(/^Half {2}y = 1\.5 ± 0\.05 {2}meet \d+\/16$/));
                expect(lines).toContainEqual(expect.stringMatching(/^ {2}best {6}a = 0\.5 \(fixed\) {2}b = /));
            }
        });
    }
});
