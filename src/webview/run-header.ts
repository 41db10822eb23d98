/**
 * The top of the panel: what ran and how it ended (name, kind, oracle, method, backend, why
 * it stopped, steps, time, how many meet, the note), the targets with the best solution's
 * output and miss (a synthesis: how its rows meet theirs), live progress while a run trains,
 * a failure, and the actions. Its details fold away (the ▾ button; kept in the panel's
 * state) so a short panel leaves the room to the charts and the table; folded, the title
 * row still says how the run ended.
 */
import type { InvResult, StopReason } from '../engine/contract/results.js';
import type { RunProgress } from '../protocol.js';
import { formatCount, formatMiss, formatNumber, formatPercent, formatSeconds, formatValue } from '../engine/contract/number-format.js';
import { describeSteps } from '../engine/contract/progress-text.js';
import { h, replaceChildren } from './dom-builder.js';
import { missOf, withinTolerance } from '../engine/contract/target-miss.js';
import { describeTarget } from './target-text.js';

export interface HeaderActions {
    exportResult(format: 'csv' | 'json'): void;
    rerun(): void;
    /** The reader folded (true) or unfolded the details. */
    collapse(collapsed: boolean): void;
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
    private readonly toggle = h('button', { type: 'button', class: 'fold', 'aria-controls': 'run-details', 'aria-expanded': 'true', title: 'Hide the details' },
        h('span', { class: 'chevron', 'aria-hidden': 'true' }), h('span', { class: 'visually-hidden' }, 'Details'));
    private readonly title = h('h1', { id: 'run-title' }, 'inv results');
    private readonly badge = h('span', { class: 'badge', hidden: true });
    /** One line that says what the folded details would: shown when folded. */
    private readonly brief = h('span', { class: 'brief' });
    private readonly details = h('div', { id: 'run-details', class: 'details' });
    private readonly facts = h('dl', { class: 'facts' });
    private readonly progress = h('div', { class: 'live', role: 'status', hidden: true });
    private readonly failure = h('div', { class: 'failure', role: 'alert', hidden: true });
    private readonly note = h('p', { class: 'note', role: 'note', hidden: true });
    private readonly targets = h('div', { class: 'targets-wrap' });
    private readonly buttons: HTMLButtonElement[];
    private collapsed = false;

    constructor(private readonly actions: HeaderActions) {
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
        this.toggle.addEventListener('click', () => {
            this.setCollapsed(!this.collapsed);
            this.actions.collapse(this.collapsed);
        });
        this.details.append(this.facts, this.note, this.targets);
        this.element.append(
            h('div', { class: 'title-row' }, this.toggle, this.title, this.badge, this.brief,
                h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Result actions' }, ...this.buttons)),
            this.details, this.progress, this.failure);
    }

    setCollapsed(collapsed: boolean): void {
        this.collapsed = collapsed;
        this.element.classList.toggle('collapsed', collapsed);
        this.details.hidden = collapsed;
        this.brief.hidden = !collapsed;
        this.toggle.setAttribute('aria-expanded', String(!collapsed));
        this.toggle.title = collapsed ? 'Show the details' : 'Hide the details';
    }

    showEmpty(): void {
        replaceChildren(this.title, 'inv results');
        this.badge.hidden = true;
        this.facts.replaceChildren();
        this.brief.textContent = '';
        replaceChildren(this.targets, h('p', { class: 'empty' }, 'No results yet: run an inversion or synthesis (▶ Run above it in the .inv file).'));
    }

    showResult(result: InvResult): void {
        replaceChildren(this.title, result.name, ' ', h('span', { class: 'kind' }, result.kind));
        const stopped = STOPPED[result.stoppedBecause];
        this.badge.hidden = false;
        this.badge.className = `badge tone-${stopped.tone}`;
        this.badge.textContent = `${stopped.tone === 'ok' ? '✓' : stopped.tone === 'warn' ? '⚠' : '•'} ${stopped.text}`;
        const n = result.solutions.length;
        const meeting = `${formatCount(result.summary.meeting)} / ${formatCount(n)}${n ? ` (${formatPercent(result.summary.meeting / n)})` : ''}`;
        const synthesis = result.kind === 'synthesis';
        replaceChildren(this.facts,
            fact('oracle', result.oracle.name),
            fact('method', result.method),
            fact('backend', result.backend),
            fact('steps', `${formatCount(result.stepsRun)} / ${formatCount(result.steps)}`),
            fact('time', formatSeconds(result.seconds)),
            fact('seed', String(result.seed)),
            fact(synthesis ? 'rows meeting their targets' : 'meeting', meeting),
            fact('mean |error|', formatMiss(result.summary.meanAbsError)));
        this.brief.textContent = `${formatCount(result.summary.meeting)}/${formatCount(n)} ${synthesis ? 'rows meet' : 'meet'} · ${formatSeconds(result.seconds)} · ${result.backend}`;
        this.note.hidden = result.summary.note === null;
        this.note.textContent = result.summary.note ?? '';
        this.failure.hidden = true;
        replaceChildren(this.targets, synthesis && result.synthesis ? synthesisTargetsTable(result) : targetsTable(result));
        for (const b of this.buttons) b.disabled = false;
    }

    /** An oracle being trained (▶ Train): no result, its loss curve below. */
    showTraining(oracle: string): void {
        replaceChildren(this.title, oracle, ' ', h('span', { class: 'kind' }, 'oracle'));
        this.badge.hidden = true;
        this.facts.replaceChildren();
        this.note.hidden = true;
        this.failure.hidden = true;
        this.brief.textContent = 'training';
        replaceChildren(this.targets, h('p', { class: 'empty' }, `Training ${oracle}: its loss curve is below, and what it reached appears here when it ends.`));
        for (const b of this.buttons) b.disabled = true;
    }

    /** How a training ended (the server's one line: test RMSE, epochs, time, backend). */
    showTrained(oracle: string, summary: string): void {
        this.progress.hidden = true;
        this.badge.hidden = false;
        const cancelled = /cancelled/.test(summary);
        this.badge.className = `badge tone-${cancelled ? 'warn' : 'ok'}`;
        this.badge.textContent = cancelled ? '⚠ cancelled' : '✓ trained';
        this.brief.textContent = summary;
        replaceChildren(this.targets, h('p', { class: 'trained' }, summary),
            h('p', { class: 'hint' }, `Run an inversion or synthesis on ${oracle} (▶ Run in the .inv file) to see its results here.`));
    }

    /**
     * `progress` null: no run in flight. `trainingJob`: the panel shows an oracle's own
     * training (▶ Train), not a run that trains its oracle first. The words are the lens's
     * and the status item's (progress-text.ts), after a heading that says what is trained.
     */
    showProgress(progress: RunProgress | null, showingOlderResult: boolean, trainingJob = false): void {
        this.progress.hidden = progress === null;
        if (!progress) return;
        const what = trainingJob ? `Training ${progress.name}`
            : progress.phase === 'training-oracle' ? `Training the oracle for ${progress.name}`
            : `Running ${progress.name}`;
        const bar = h('progress', { max: Math.max(progress.steps, 1), value: progress.step, 'aria-label': what });
        replaceChildren(this.progress,
            h('span', { class: 'spinner', 'aria-hidden': 'true' }),
            h('strong', null, what),
            ` · ${describeSteps(progress)} · ${formatSeconds(progress.elapsedSeconds)}`,
            bar,
            showingOlderResult ? h('span', { class: 'older' }, 'The results below are from the previous run.') : null);
        // A first run: no "No results yet" under "Running…".
        if (!showingOlderResult && !trainingJob) replaceChildren(this.targets, h('p', { class: 'empty' }, 'The result appears here when the run ends.'));
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
            h('td', { class: 'num' }, formatValue(achieved)),
            h('td', { class: 'num' }, formatMiss(miss)),
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

/**
 * A synthesis has no best answer: its rows are a data set, each row with its own target.
 * What a reader asks is how many rows meet theirs and how close the set follows the reference.
 */
function synthesisTargetsTable(result: InvResult): HTMLElement {
    const synthesis = result.synthesis!;
    const rows = result.targets.map((target) => h('tr', null,
        h('th', { scope: 'row' }, target.output),
        h('td', null, describeTarget(target)),
        h('td', { class: 'num' }, `${formatCount(result.summary.meeting)} / ${formatCount(result.solutions.length)} (${formatPercent(synthesis.meeting)})`),
        h('td', { class: 'num' }, synthesis.ks === null ? '—' : formatNumber(synthesis.ks, 'statistic'))));
    return h('table', { class: 'targets' },
        h('caption', null, `Targets of the ${formatCount(synthesis.count)} rows written to ${synthesis.output}`),
        h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'Output'), h('th', { scope: 'col' }, 'Target'),
            h('th', { scope: 'col', class: 'num' }, 'Rows meeting their target'), h('th', { scope: 'col', class: 'num' }, 'KS distance'))),
        h('tbody', null, ...rows));
}
