/**
 * The whole results panel: header, tabs (Overview: loss, importance, synthesis; Solutions:
 * the table; Spread: distributions, parallel coordinates), fed by the host's messages and
 * restored from the host's saved state.
 */
import type { InvResult } from '../engine/contract/results.js';
import type { FromPanel, RunProgress, ToPanel } from '../protocol.js';
import { h, replaceChildren } from './dom-builder.js';
import { importanceBars } from './importance-bars.js';
import { LossChart, type LossPoint } from './loss-chart.js';
import { formatCount } from '../engine/contract/number-format.js';
import { readState, StateStore, type TabId } from './panel-state.js';
import { RunHeader } from './run-header.js';
import { SpreadView } from './spread-view.js';
import { SynthesisView } from './synthesis-view.js';
import { SolutionsTable } from './table.js';
import { Tabs } from './tabs.js';
import type { WebviewApi } from './webview-api.js';

interface LiveRun {
    runId: string;
    phase: RunProgress['phase'];
    points: LossPoint[];
    last: RunProgress;
}

/** What the panel follows besides results: an oracle's own training (▶ Train), by name. */
interface Training {
    oracle: string;
    done: boolean;
}

export class PanelView {
    private readonly store: StateStore;
    private readonly header: RunHeader;
    private readonly tabs: Tabs<TabId>;
    private readonly loss = new LossChart();
    private readonly importance = h('div', { class: 'importance-slot' });
    private readonly synthesis = new SynthesisView();
    private readonly table: SolutionsTable;
    private readonly spread = new SpreadView();
    private readonly overviewPanel = h('div', { class: 'tab-panel overview' });
    private readonly solutionsPanel = h('div', { class: 'tab-panel solutions-panel' });
    private readonly spreadPanel = h('div', { class: 'tab-panel spread-panel' });
    private live: LiveRun | null = null;
    private liveFrame = 0;
    private training: Training | null = null;

    constructor(private readonly root: HTMLElement, private readonly host: WebviewApi) {
        this.store = new StateStore(host, readState(host));
        this.header = new RunHeader({
            exportResult: (format) => this.post({ type: 'export', format, ...this.subject() }),
            rerun: () => this.post({ type: 'rerun', ...this.subject() }),
            collapse: (headerCollapsed) => this.store.update({ headerCollapsed }),
        });
        this.header.setCollapsed(this.store.state.headerCollapsed === true);
        this.table = new SolutionsTable({
            onSort: (sort) => this.store.update({ sort, tableScroll: 0 }),
            onScroll: (tableScroll) => this.store.update({ tableScroll }, { soon: true }),
        });
        this.tabs = new Tabs<TabId>([
            { id: 'overview', label: 'Overview', panel: this.overviewPanel },
            { id: 'solutions', label: 'Solutions', panel: this.solutionsPanel },
            { id: 'spread', label: 'Spread', panel: this.spreadPanel },
        ], this.store.state.tab, (tab) => this.store.update({ tab }));
        this.overviewPanel.append(
            this.synthesis.element,
            h('div', { class: 'overview-grid' },
                h('section', { class: 'card loss-card', 'aria-labelledby': 'loss-title' },
                    h('h2', { id: 'loss-title' }, 'Loss'), this.loss.box.element),
                h('section', { class: 'card importance-card', 'aria-labelledby': 'importance-title' },
                    h('h2', { id: 'importance-title' }, 'Feature importance'), this.importance)));
        this.solutionsPanel.append(this.table.element);
        this.spreadPanel.append(this.spread.element);
        replaceChildren(this.root, this.header.element, h('main', { class: 'views' }, this.tabs.list, this.overviewPanel, this.solutionsPanel, this.spreadPanel));
    }

    /** Shows what the state kept, listens to the host, and tells it the panel is ready. */
    start(): void {
        const { result } = this.store.state;
        if (result) this.showResult(result, this.store.state.tableScroll);
        else this.showEmpty();
        addEventListener('message', (event: MessageEvent<unknown>) => {
            if (isToPanel(event.data)) this.receive(event.data);
        });
        this.post({ type: 'ready' });
    }

    receive(message: ToPanel): void {
        switch (message.type) {
            case 'result': {
                const previous = this.store.state.result;
                const same = previous !== null && sameRun(previous, message.result);
                this.live = null;
                this.training = null;
                this.header.showProgress(null, false);
                this.store.update({ result: message.result, uri: message.uri, tableScroll: same ? this.store.state.tableScroll : 0 });
                this.showResult(message.result, this.store.state.tableScroll);
                break;
            }
            case 'progress':
                this.onProgress(message.progress);
                break;
            case 'error':
                this.live = null;
                this.header.showFailure(message.name, message.message);
                break;
            case 'training':
                this.showTraining(message.oracle);
                break;
            case 'trained':
                if (this.training?.oracle !== message.oracle) break;
                this.training.done = true;
                // A frame still pending from the last progress would draw the curve as live again.
                if (this.liveFrame) cancelAnimationFrame(this.liveFrame);
                this.liveFrame = 0;
                this.header.showTrained(message.oracle, message.summary);
                if (this.live) this.drawLive(this.live, false);
                break;
        }
    }

    /**
     * An oracle's own training: its curve is the panel's subject until a result is shown. The
     * result shown before is left in the state (a reload brings it back), not on screen.
     */
    private showTraining(oracle: string): void {
        this.training = { oracle, done: false };
        this.live = null;
        this.showEmpty();
        this.header.showTraining(oracle);
        this.tabs.select('overview', true);
        this.loss.show({ points: [], steps: 0, title: `Training loss of ${oracle}`, live: true, unit: 'epoch' });
    }

    private post(message: FromPanel): void {
        this.host.postMessage(message);
    }

    private subject(): { name: string; uri: string | null } {
        return { name: this.store.state.result?.name ?? '', uri: this.store.state.uri };
    }

    private showEmpty(): void {
        this.header.showEmpty();
        this.tabs.setLabel('solutions', 'Solutions');
        replaceChildren(this.importance, h('p', { class: 'empty' }, 'Feature importance appears after a run.'));
        this.synthesis.element.hidden = true;
        this.table.element.hidden = true;
        this.solutionsPanel.querySelector('.waiting')?.remove();
        this.solutionsPanel.append(h('p', { class: 'empty waiting' }, 'The solutions appear here after a run.'));
        replaceChildren(this.spread.element, h('p', { class: 'empty' }, 'How the solutions spread appears here after a run.'));
        this.loss.show({ points: [], steps: 0, title: 'Loss', live: false, unit: 'step' });
    }

    private showResult(result: InvResult, tableScroll: number): void {
        this.header.showResult(result);
        this.tabs.setLabel('solutions', `Solutions (${formatCount(result.solutions.length)})`);
        if (result.synthesis) this.synthesis.show(result, result.synthesis);
        this.synthesis.element.hidden = !result.synthesis;
        replaceChildren(this.importance, importanceBars(result));
        this.loss.show({ points: result.loss, steps: result.steps, title: 'Loss', live: false, unit: 'step' });
        this.table.element.hidden = false;
        this.solutionsPanel.querySelector('.waiting')?.remove();
        this.table.show(result, this.store.state.sort, tableScroll);
        this.spread.show(result);
    }

    private onProgress(progress: RunProgress): void {
        if (!this.live || this.live.runId !== progress.runId || this.live.phase !== progress.phase) {
            this.live = { runId: progress.runId, phase: progress.phase, points: [], last: progress };
        }
        // The server publishes progress less often than the engine reads the loss: draw every reading.
        if (progress.losses?.length) this.live.points.push(...progress.losses);
        else this.live.points.push([progress.step, progress.loss]);
        this.live.last = progress;
        // Progress can arrive faster than frames: draw once per frame.
        if (this.liveFrame) return;
        this.liveFrame = requestAnimationFrame(() => {
            this.liveFrame = 0;
            if (this.live) this.drawLive(this.live, true);
        });
    }

    private drawLive(live: LiveRun, running: boolean): void {
        const trainingJob = this.training !== null && this.training.oracle === live.last.name;
        const older = !trainingJob && this.store.state.result !== null;
        if (running && !this.training?.done) this.header.showProgress(live.last, older, trainingJob);
        const training = live.phase === 'training-oracle';
        this.loss.show({
            points: live.points,
            steps: live.last.steps,
            title: trainingJob ? `Training loss of ${live.last.name}` : training ? 'Oracle training loss' : 'Loss',
            live: running,
            unit: training ? 'epoch' : 'step',
        });
    }
}

/** The same run shown again (e.g. re-sent after a reload): keep the reader's scroll. */
function sameRun(a: InvResult, b: InvResult): boolean {
    return a.name === b.name && a.source === b.source && a.sourceHash === b.sourceHash
        && a.seed === b.seed && a.stepsRun === b.stepsRun && a.seconds === b.seconds;
}

function isToPanel(data: unknown): data is ToPanel {
    if (typeof data !== 'object' || data === null) return false;
    const message = data as { type?: unknown; result?: unknown; progress?: unknown; message?: unknown; oracle?: unknown; summary?: unknown };
    switch (message.type) {
        case 'result': return typeof message.result === 'object' && message.result !== null;
        case 'progress': return typeof message.progress === 'object' && message.progress !== null;
        case 'error': return typeof message.message === 'string';
        case 'training': return typeof message.oracle === 'string';
        case 'trained': return typeof message.oracle === 'string' && typeof message.summary === 'string';
        default: return false;
    }
}
