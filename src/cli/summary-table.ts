/**
 * What `inv run` prints after its runs: per inversion the best solution, its outputs and
 * error, how many solutions meet the target, how they spread and cover the level set and how
 * many the oracle's data backs, how the run stopped, its time and backend; per
 * synthesis what was written and how well it follows the reference; then the runs' notes.
 *
 * It fits the width it is given (the terminal's columns): a table when the table fits, else
 * one block per run, label and value on each line, long values wrapped under their value
 * column. Numbers read as everywhere else (engine/contract/number-format.ts).
 */
import Table from 'cli-table3';
import type { InvResult, ResultTarget } from '../engine/contract/results.js';
import { formatCount, formatMiss, formatNumber, formatPercent, formatSeconds, formatSpread, formatValue } from '../engine/contract/number-format.js';

/** The width output is fitted to: the terminal's, `COLUMNS` on a pipe, else no limit. */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
    if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
    const columns = Number(env.COLUMNS);
    return Number.isInteger(columns) && columns > 0 ? columns : Infinity;
}

function targetText(t: ResultTarget): string {
    const tolerance = t.tolerance !== null ? ` ± ${formatValue(t.tolerance)}` : '';
    switch (t.kind) {
        case 'equal': return `${t.output} = ${formatValue(t.value)}${tolerance}`;
        case 'range': return `${t.output} in [${formatValue(t.low)}, ${formatValue(t.high)}]${tolerance}`;
        case 'atLeast': return `${t.output} >= ${formatValue(t.value)}${tolerance}`;
        case 'atMost': return `${t.output} <= ${formatValue(t.value)}${tolerance}`;
        case 'maximize': return `maximize ${t.output}`;
        case 'minimize': return `minimize ${t.output}`;
        case 'distribution': return `${t.output} ~ reference${tolerance}`;
    }
}

/** Everything the summary says about one run, as short items (a table cell or a block line joins them). */
interface RunSummary {
    name: string;
    targets: string[];
    /** Inversion: the best solution's inputs; synthesis: what was written. */
    first: { label: string; items: string[] };
    /** Inversion: outputs and error; synthesis: KS and distinct rows. */
    second: { label: string; items: string[] };
    meet: string;
    /** Inversion: spread, level-set coverage, families, supported answers; synthesis: none. */
    answers: string[];
    stopped: string;
    time: string;
    backend: string;
}

function describe(r: InvResult): RunSummary {
    const stopped = `${r.stoppedBecause} after ${formatCount(r.stepsRun)}/${formatCount(r.steps)} steps`;
    const common = { name: r.name, targets: r.targets.map(targetText), stopped, time: formatSeconds(r.seconds), backend: r.backend };
    if (r.synthesis) {
        const s = r.synthesis;
        return {
            ...common,
            first: { label: 'wrote', items: [`${formatCount(s.count)} rows -> ${s.output}${s.overwritten ? ' (overwritten)' : ''}`] },
            second: { label: 'quality', items: [`KS ${s.ks === null ? '—' : formatNumber(s.ks, 'statistic')}`, `${formatCount(s.distinct)} distinct`] },
            meet: `${formatPercent(s.meeting)} of rows`,
            answers: [],
        };
    }
    const best = r.solutions[r.summary.best];
    const free = new Set([...r.summary.importance.map((i) => i.feature), ...(r.summary.labelShares ?? []).map((l) => l.feature)]);
    return {
        ...common,
        first: {
            label: 'best',
            items: best
                // A categorical input's value is its label.
                ? Object.entries(best.inputs).map(([k, v]) => `${k} = ${typeof v === 'string' ? v : formatValue(v)}${free.size > 0 && !free.has(k) ? ' (fixed)' : ''}`)
                : ['(none)'],
        },
        second: {
            label: 'gives',
            items: best ? [...Object.entries(best.outputs).map(([k, v]) => `${k} = ${formatValue(v)}`), `error ${formatMiss(best.error)}`] : ['—'],
        },
        meet: `${formatCount(r.summary.meeting)}/${formatCount(r.solutions.length)}`,
        answers: answersText(r),
    };
}

/**
 * How the answers spread over the level set (mean spread of the free features, the share of
 * the level set they cover, their families) and how many of them the oracle's data backs.
 */
export function answersText(r: InvResult): string[] {
    const s = r.summary;
    const items: string[] = [];
    if (s.spread !== undefined) items.push(`spread ${formatSpread(s.spread)}`);
    if (s.coverage !== undefined && s.coverage !== null) items.push(`covers ${formatPercent(s.coverage)}`);
    if (s.modes) items.push(`${formatCount(s.modes.length)} ${s.modes.length === 1 ? 'family' : 'families'}`);
    items.push(s.supported !== undefined ? `${formatCount(s.supported)} supported` : 'support unknown');
    return items;
}

function table(runs: RunSummary[]): string {
    const t = new Table({
        head: ['run', 'target', 'best solution', 'outputs', 'error', 'meet', 'answers', 'stopped'],
        // No colours: the table is also read from pipes and log files.
        style: { head: [], border: [] },
    });
    for (const r of runs) {
        const synthesis = r.first.label === 'wrote';
        t.push([
            r.name,
            r.targets.join('\n'),
            r.first.items.join('\n'),
            synthesis ? r.second.items.join('\n') : r.second.items.slice(0, -1).join('\n'),
            synthesis ? '—' : r.second.items[r.second.items.length - 1]!.replace(/^error /, ''),
            r.meet,
            r.answers.length ? r.answers.join('\n') : '—',
            // How it stopped, then its time and backend under it: the table stays narrow enough for 160 columns.
            `${r.stopped.replace(' after ', '\n')}\n${r.time} on ${r.backend}`,
        ]);
    }
    return t.toString();
}

/** A label column, then items joined by two spaces, wrapped at `width` under the value column. */
function block(r: RunSummary, width: number): string[] {
    const head = `${r.name}  ${r.targets.join(', ')}  ${r.first.label === 'wrote' ? '' : 'meet '}${r.meet}`;
    const lines = wrap([head], width, '');
    const labelWidth = 10;
    const line = (label: string, items: string[]) => wrap(items, width, ' '.repeat(2 + labelWidth), `  ${label.padEnd(labelWidth)}`);
    lines.push(...line(r.first.label, r.first.items), ...line(r.second.label, r.second.items), ...(r.answers.length ? line('answers', r.answers) : []), ...line('stopped', [`${r.stopped}`, r.time, r.backend]));
    return lines;
}

/** Items joined by two spaces into lines of at most `width` (an item longer than a line gets a line of its own). */
function wrap(items: string[], width: number, indent: string, first = indent): string[] {
    const lines: string[] = [];
    let current = first;
    let empty = true;
    for (const item of items) {
        if (!empty && current.length + 2 + item.length > width) {
            lines.push(current);
            current = indent;
            empty = true;
        }
        current += (empty ? '' : '  ') + item;
        empty = false;
    }
    lines.push(current);
    return lines;
}

/** Words wrapped at `width`, continuation lines indented (for the notes). */
function wrapWords(text: string, width: number, indent = '  '): string[] {
    const lines: string[] = [];
    let current = '';
    for (const word of text.split(' ')) {
        const start = lines.length === 0 ? '' : indent;
        if (current.length > start.length && current.length + 1 + word.length > width) {
            lines.push(current);
            current = indent + word;
        } else {
            current = current.length > start.length ? `${current} ${word}` : `${start}${word}`;
        }
    }
    lines.push(current);
    return lines;
}

export function summaryTable(results: InvResult[], width: number = Infinity): string {
    const runs = results.map(describe);
    const wide = table(runs);
    const tableWidth = Math.max(...wide.split('\n').map((l) => l.length));
    const body = tableWidth <= width ? [wide] : runs.flatMap((r, i) => [...(i > 0 ? [''] : []), ...block(r, width)]);
    const notes = results.filter((r) => r.summary.note).map((r) => `${r.name}: ${r.summary.note}`);
    return [...body, ...notes.flatMap((n) => (Number.isFinite(width) ? wrapWords(n, width) : [n]))].join('\n');
}
