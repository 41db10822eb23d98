/**
 * The table `inv run` prints after its runs: per inversion the best solution, its outputs
 * and error, how many solutions meet the target, how they spread and cover the level set
 * and how many the oracle's data backs, how the run stopped, its time and backend;
 * per synthesis what was written and how well it follows the reference.
 */
import Table from 'cli-table3';
import type { InvResult } from '../engine/contract/results.js';
import { formatPercent, formatSpread } from '../engine/contract/number-format.js';

/** A number a person reads: at most 6 significant digits, no trailing zeros. */
export function readable(v: number | string | null | undefined): string {
    if (v === null || v === undefined) return '-';
    if (typeof v === 'string') return v; // a label
    if (!Number.isFinite(v)) return String(v);
    if (v !== 0 && (Math.abs(v) >= 1e7 || Math.abs(v) < 1e-4)) return v.toExponential(3);
    return String(Number(v.toPrecision(6)));
}

function targetText(r: InvResult): string {
    return r.targets
        .map((t) => {
            switch (t.kind) {
                case 'equal': return `${t.output} = ${readable(t.value)}`;
                case 'range': return `${t.output} in [${readable(t.low)}, ${readable(t.high)}]`;
                case 'atLeast': return `${t.output} >= ${readable(t.value)}`;
                case 'atMost': return `${t.output} <= ${readable(t.value)}`;
                case 'maximize': return `maximize ${t.output}`;
                case 'minimize': return `minimize ${t.output}`;
                case 'distribution': return `${t.output} ~ reference`;
            }
        })
        .join('\n');
}

function inversionRow(r: InvResult): string[] {
    const best = r.solutions[r.summary.best];
    const free = new Set([...r.summary.importance.map((i) => i.feature), ...(r.summary.labelShares ?? []).map((l) => l.feature)]);
    const inputs = best
        ? Object.entries(best.inputs)
              .map(([k, v]) => `${k} = ${readable(v)}${free.size > 0 && !free.has(k) ? ' (fixed)' : ''}`)
              .join('\n')
        : '(none)';
    const outputs = best ? Object.entries(best.outputs).map(([k, v]) => `${k} = ${readable(v)}`).join('\n') : '-';
    return [
        r.name,
        targetText(r),
        inputs,
        outputs,
        best ? readable(best.error) : '-',
        `${r.summary.meeting}/${r.solutions.length}`,
        answersText(r),
        `${r.stoppedBecause}\n${r.stepsRun}/${r.steps} steps`,
        `${r.seconds.toFixed(1)} s`,
        r.backend,
    ];
}

/**
 * How the answers spread over the level set (mean spread of the free features, the share of
 * the level set they cover, their families) and how many of them the oracle's data backs.
 */
export function answersText(r: InvResult): string {
    const s = r.summary;
    const lines: string[] = [];
    if (s.spread !== undefined) lines.push(`spread ${formatSpread(s.spread)}`);
    if (s.coverage !== undefined && s.coverage !== null) lines.push(`covers ${formatPercent(s.coverage)}`);
    if (s.modes) lines.push(`${s.modes.length} ${s.modes.length === 1 ? 'family' : 'families'}`);
    lines.push(s.supported !== undefined ? `${s.supported} supported` : 'support unknown');
    return lines.join('\n');
}

function synthesisRow(r: InvResult): string[] {
    const s = r.synthesis!;
    return [
        r.name,
        targetText(r),
        `${s.count} rows -> ${s.output}${s.overwritten ? '\n(overwritten)' : ''}`,
        `KS ${readable(s.ks)}\n${s.distinct} distinct`,
        '-',
        `${(100 * s.meeting).toFixed(1)} %`,
        '-',
        `${r.stoppedBecause}\n${r.stepsRun}/${r.steps} steps`,
        `${r.seconds.toFixed(1)} s`,
        r.backend,
    ];
}

export function summaryTable(results: InvResult[]): string {
    const table = new Table({
        head: ['run', 'target', 'best solution', 'outputs', 'error', 'meet', 'answers', 'stopped', 'time', 'backend'],
        // No colours: the table is also read from pipes and log files.
        style: { head: [], border: [] },
    });
    for (const r of results) table.push(r.synthesis ? synthesisRow(r) : inversionRow(r));
    const notes = results.filter((r) => r.summary.note).map((r) => `${r.name}: ${r.summary.note}`);
    return [table.toString(), ...notes].join('\n');
}
