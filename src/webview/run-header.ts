/**
 * The top of the panel: what ran and how it ended (name, kind, oracle, method, backend, why
 * it stopped, steps, time, how many meet, the note), the targets with the best solution's
 * output and miss, live progress while a run trains, a failure, and the actions.
 */
import type { InvResult, StopReason } from '../engine/contract/results.js';
import type { RunProgress } from '../protocol.js';
import { describeProgress } from '../engine/contract/progress-text.js';
import { h, replaceChildren } from './dom-builder.js';
import { formatCount, formatNumber, formatPercent, formatSeconds } from './number-format.js';
import { missOf, withinTolerance } from '../engine/contract/target-miss.js';
import { describeTarget } from './target-text.js';

export interface HeaderActions {
    exportResult(format: 'csv' | 'json'): void;
    rerun(): void;
}

const STOPPED: Record<StopReason, { text: string; tone: 'ok' | 'info' | 'warn' }> = {
    steps: { text: 'ran every step', tone: 'info' },
    tolerance: { text: 'stopped: all within tolerance', tone: 'ok' },
    'outside-bounds': { text: 'stopped: left its bounds', tone: 'warn' },
    cancelled: { text: 'cancelled', tone: 'warn' },
    diverged: { text: 'diverged', tone: 'warn' },
};

export class RunHeader {
    readonly element = h('header', { class: 'run-header' });
    private readonly title = h('h1', { id: 'run-title' }, 'inv results');
    private readonly badge = h('span', { class: 'badge', hidden: true });
    private readonly facts = h('dl', { class: 'facts' });
    private readonly progress = h('div', { class: 'live', role: 'status', hidden: true });
    private readonly failure = h('div', { class: 'failure', role: 'alert', hidden: true });
    private readonly note = h('p', { class: 'note', role: 'note', hidden: true });
    private readonly targets = h('div', { class: 'targets-wrap' });
    private readonly buttons: HTMLButtonElement[];

    constructor(actions: HeaderActions) {
        const button = (label: string, action: string, onClick: () => void, primary = false) => {
            const b = h('button', { type: 'button', class: primary ? 'primary' : 'secondary', 'data-action': action, disabled: true }, label);
            b.addEventListener('click', onClick);
            return b;
        };
        this.buttons = [
            button('Export CSV', 'export-csv', () => actions.exportResult('csv')),
            button('Export JSON', 'export-json', () => actions.exportResult('json')),
            button('Rerun', 'rerun', () => actions.rerun(), true),
        ];
        this.element.append(
            h('div', { class: 'title-row' }, this.title, this.badge, h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Result actions' }, ...this.buttons)),
            this.facts, this.progress, this.failure, this.note, this.targets);
    }

    showEmpty(): void {
        replaceChildren(this.title, 'inv results');
        this.facts.replaceChildren();
        replaceChildren(this.targets, h('p', { class: 'empty' }, 'No results yet: run an inversion or synthesis (▶ Run above it in the .inv file).'));
    }

    showResult(result: InvResult): void {
        replaceChildren(this.title, result.name, ' ', h('span', { class: 'kind' }, result.kind));
        const stopped = STOPPED[result.stoppedBecause];
        this.badge.hidden = false;
        this.badge.className = `badge tone-${stopped.tone}`;
        this.badge.textContent = `${stopped.tone === 'ok' ? '✓' : stopped.tone === 'warn' ? '⚠' : '•'} ${stopped.text}`;
        const n = result.solutions.length;
        replaceChildren(this.facts,
            fact('oracle', result.oracle.name),
            fact('method', result.method),
            fact('backend', result.backend),
            fact('steps', `${formatCount(result.stepsRun)} / ${formatCount(result.steps)}`),
            fact('time', formatSeconds(result.seconds)),
            fact('seed', String(result.seed)),
            fact('meeting', `${formatCount(result.summary.meeting)} / ${formatCount(n)}${n ? ` (${formatPercent(result.summary.meeting / n)})` : ''}`),
            fact('mean |error|', formatNumber(result.summary.meanAbsError)));
        this.note.hidden = result.summary.note === null;
        this.note.textContent = result.summary.note ?? '';
        this.failure.hidden = true;
        replaceChildren(this.targets, targetsTable(result));
        for (const b of this.buttons) b.disabled = false;
    }

    /** `progress` null: no run in flight. The words are the lens's and the status bar's (progress-text.ts). */
    showProgress(progress: RunProgress | null, showingOlderResult: boolean): void {
        this.progress.hidden = progress === null;
        if (!progress) return;
        const what = progress.phase === 'training-oracle' ? `Training the oracle for ${progress.name}` : `Running ${progress.name}`;
        const bar = h('progress', { max: Math.max(progress.steps, 1), value: progress.step, 'aria-label': what });
        replaceChildren(this.progress,
            h('span', { class: 'spinner', 'aria-hidden': 'true' }),
            h('strong', null, what),
            ` · ${describeProgress(progress)} · ${formatSeconds(progress.elapsedSeconds)}`,
            bar,
            showingOlderResult ? h('span', { class: 'older' }, 'The results below are from the previous run.') : null);
        // A first run: no "No results yet" under "Running…".
        if (!showingOlderResult) replaceChildren(this.targets, h('p', { class: 'empty' }, 'The result appears here when the run ends.'));
    }

    showFailure(name: string, message: string): void {
        this.progress.hidden = true;
        this.failure.hidden = false;
        replaceChildren(this.failure, h('strong', null, `${name} failed: `), message);
    }
}

function fact(term: string, value: string): HTMLElement {
    return h('div', { class: 'fact' }, h('dt', null, term), h('dd', null, value));
}

function targetsTable(result: InvResult): HTMLElement {
    const best = result.solutions[result.summary.best];
    const rows = result.targets.map((target) => {
        const achieved = best?.outputs[target.output];
        const miss = achieved === undefined ? null : missOf(target, achieved);
        const ok = withinTolerance(target, miss);
        return h('tr', null,
            h('th', { scope: 'row' }, target.output),
            h('td', null, describeTarget(target)),
            h('td', { class: 'num' }, formatNumber(achieved)),
            h('td', { class: 'num' }, formatNumber(miss)),
            h('td', { class: ok === null ? 'status' : ok ? 'status ok' : 'status bad' },
                ok === null ? '—' : h('span', null, h('span', { 'aria-hidden': 'true' }, ok ? '✓ ' : '✗ '), ok ? 'met' : 'missed')));
    });
    return h('table', { class: 'targets' },
        h('caption', null, 'Targets, and the best solution'),
        h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'Output'), h('th', { scope: 'col' }, 'Target'),
            h('th', { scope: 'col', class: 'num' }, 'Best solution'), h('th', { scope: 'col', class: 'num' }, 'Miss'),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Status')))),
        h('tbody', null, ...rows));
}
