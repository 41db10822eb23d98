/**
 * The results panel in headless Chromium, fed the way the extension feeds it (postMessage),
 * under the extension's CSP: header (and folding it), importance, actions, state across a
 * reload, synthesis, histograms and legends, live progress, an oracle's training, failures.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { InvResult } from '../../src/engine/contract/results.js';
import { describeProgress } from '../../src/engine/contract/progress-text.js';
import type { RunProgress, ToPanel } from '../../src/protocol.js';
import { formatNumber } from '../../src/engine/contract/number-format.js';
import { fixture, usePanelPages, type PanelPage } from './panel-page.js';

const pages = usePanelPages();
let panel: PanelPage;
let exp1: InvResult;

beforeAll(async () => {
    exp1 = await fixture('exp1');
});

const text = (selector: string) => panel.page.locator(selector).innerText();

describe('results panel', () => {
    it('says there is nothing yet, and posts ready once it listens', async () => {
        panel = await pages.open();
        expect(await text('.run-header')).toContain('No results yet');
        await panel.selectTab('solutions');
        expect(await text('#panel-solutions')).toContain('after a run');
        expect(await panel.posted()).toEqual([{ type: 'ready' }]);
        expect(await panel.page.locator('[data-action=rerun]').isDisabled()).toBe(true);
    });

    it("is served the extension's shell (src/extension/panel-html.ts): its CSP allows nothing but the panel's own files by nonce", async () => {
        panel = await pages.open();
        const csp = await panel.page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
        expect(csp).toMatch(/^default-src 'none'; style-src http:\/\/127\.0\.0\.1:\d+ 'nonce-[A-Za-z0-9+/=]{24}'; script-src 'nonce-[A-Za-z0-9+/=]{24}'; img-src http:\/\/127\.0\.0\.1:\d+ data:;$/);
    });

    it('shows what ran, how it ended, and the targets with the best solution', async () => {
        panel = await pages.open();
        await panel.showResult(exp1);
        expect(await panel.page.locator('#run-title').textContent()).toBe('Exp1 inversion');
        const facts = await text('.facts');
        const count = (n: number) => n.toLocaleString('en-US');
        for (const fact of ['Poly4', 'generator', exp1.backend, `${count(exp1.stepsRun)} / ${count(exp1.steps)}`, `${exp1.summary.meeting} / 256`]) {
            expect(facts).toContain(fact);
        }
        expect(await text('.badge')).toContain('within tolerance');
        const best = exp1.solutions[0]!;
        const cells = await panel.page.locator('table.targets tbody tr').first().locator('th, td').allInnerTexts();
        expect(cells[0]).toBe('y');
        expect(cells[1]).toBe('= 1900 ± 1.9');
        expect(Number(cells[2])).toBeCloseTo(best.outputs.y!, 2);
        expect(Number(cells[3])).toBeCloseTo(Math.abs(best.outputs.y! - 1900), 2);
        expect(cells[4]).toContain('met');
        expect(await panel.page.locator('.note').isHidden()).toBe(true);
    });

    it('shows a run that missed its target: the note, and the miss', async () => {
        const exp3 = await fixture('exp3');
        panel = await pages.open();
        await panel.showResult(exp3);
        expect(await text('.note')).toBe(exp3.summary.note);
        expect(exp3.summary.note).toMatch(/^No solution of 256 meets the targets: feature importance is taken over the best 26/);
        const status = await panel.page.locator('table.targets tbody td.status').innerText();
        expect(status).toContain('missed');
        expect(await text('.facts')).toContain('0 / 256');
    });

    it('draws importance bars in rank order, the most important longest, with the legend', async () => {
        panel = await pages.open();
        await panel.showResult(exp1);
        const bars = await panel.page.$$eval('ol.importance li', (items) => items.map((li) => ({
            feature: li.getAttribute('data-feature'),
            rank: Number(li.getAttribute('data-rank')),
            width: (li.querySelector('.bar') as HTMLElement).getBoundingClientRect().width,
            track: (li.querySelector('.bar-track') as HTMLElement).getBoundingClientRect().width,
        })));
        const expected = [...exp1.summary.importance].sort((a, b) => a.rank - b.rank);
        expect(bars.map((b) => b.feature)).toEqual(expected.map((i) => i.feature));
        // Rank 1 (least spread) has the longest bar, and each next one is no longer.
        for (let i = 1; i < bars.length; i++) expect(bars[i]!.width).toBeLessThanOrEqual(bars[i - 1]!.width + 0.5);
        expect(bars[0]!.width).toBeGreaterThan(bars[bars.length - 1]!.width);
        // The bar is 1 - spread / (spread of uniform draws, 1/sqrt(12)) of its track.
        for (const [i, item] of expected.entries()) {
            const share = Math.max(0, 1 - item.spread * Math.sqrt(12));
            expect(bars[i]!.width / bars[i]!.track).toBeCloseTo(Math.max(share, 0.005), 1);
        }
        expect(await text('.importance-view .legend')).toContain('Longest bar = most important');
    });

    it('posts export and rerun to the extension, naming the run and its document', async () => {
        panel = await pages.open();
        await panel.showResult(exp1, 'file:///w/paper.inv');
        await panel.page.click('[data-action=export-csv]');
        await panel.page.click('[data-action=export-json]');
        await panel.page.click('[data-action=rerun]');
        expect(await panel.posted()).toEqual([
            { type: 'ready' },
            { type: 'export', format: 'csv', name: 'Exp1', uri: 'file:///w/paper.inv' },
            { type: 'export', format: 'json', name: 'Exp1', uri: 'file:///w/paper.inv' },
            { type: 'rerun', name: 'Exp1', uri: 'file:///w/paper.inv' },
        ]);
    });

    it('comes back after a reload as it was: result, tab, sort and table scroll', async () => {
        panel = await pages.open();
        await panel.showResult(exp1, 'file:///w/paper.inv');
        await panel.selectTab('solutions');
        await panel.page.click('th button.sort[data-column="in:x2"]');
        await panel.page.click('th button.sort[data-column="in:x2"]');
        await panel.page.locator('.table-scroll').evaluate((el) => { el.scrollTop = 1500; });
        await panel.page.waitForTimeout(400); // the scroll position is saved at most every 200 ms
        await panel.reload();
        // No message from the extension: all of it comes from the saved state.
        expect(await panel.page.locator('#run-title').textContent()).toBe('Exp1 inversion');
        expect(await panel.page.getAttribute('[role=tab][data-tab=solutions]', 'aria-selected')).toBe('true');
        expect(await panel.page.locator('#panel-solutions').isVisible()).toBe(true);
        const sorted = panel.page.locator('th[aria-sort=descending] button.sort');
        expect(await sorted.getAttribute('data-column')).toBe('in:x2');
        await panel.page.waitForFunction(() => document.querySelector('.table-scroll')!.scrollTop > 1400);
        expect(await panel.page.locator('.table-scroll').evaluate((el) => el.scrollTop)).toBeCloseTo(1500, -1);
        // The rows in view are those of the restored sort, at the restored place.
        const x2 = await panel.page.$$eval('table.solutions tbody tr[data-index] td.kind-input:nth-child(4)', (tds) => tds.map((td) => Number(td.textContent)));
        const sortedX2 = exp1.solutions.map((s) => Number(s.inputs.x2)).sort((a, b) => b - a);
        expect(x2[0]).toBeLessThan(sortedX2[20]!);
        for (let i = 1; i < x2.length; i++) expect(x2[i]!).toBeLessThanOrEqual(x2[i - 1]!);
        expect((await panel.posted()).at(-1)).toEqual({ type: 'ready' });
    });

    it('shows a synthesis: its statistics and the histogram over the reference', async () => {
        const synth = await fixture('synth');
        panel = await pages.open();
        await panel.showResult(synth);
        const stats = await text('.synthesis dl.stats');
        expect(stats).toContain('1,000'); // rows written, distinct rows
        const ks = formatNumber(synth.synthesis!.ks, 'statistic');
        expect(stats).toContain(ks);
        expect(stats).toContain(`${(100 * synth.synthesis!.meeting).toFixed(1)} %`);
        expect(stats).toContain('data/synthetic.csv');
        await panel.page.waitForSelector('.synthesis-chart canvas');
        const ink = await panel.canvasInk('.synthesis-chart');
        expect(ink[0]).toBeGreaterThan(0.02);
        expect(await panel.page.getAttribute('.synthesis-chart', 'aria-label')).toContain(`KS ${ks}`);
        // The KS caption names what was measured: the rows' oracle outputs against the reference.
        expect(await text('.synthesis .hint')).toContain('between the oracle outputs of the written rows and the reference');
    });

    it('speaks of a synthesis as a data set: rows in file order, their own targets, no best row', async () => {
        const synth = await fixture('synth');
        panel = await pages.open();
        await panel.showResult(synth);
        const header = await text('.run-header');
        expect(header).not.toMatch(/best/i);
        expect(header).toContain('rows meeting their targets');
        const cells = await panel.page.locator('table.targets tbody tr').first().locator('th, td').allInnerTexts();
        expect(cells[0]).toBe('y');
        expect(cells[1]).toContain('each row its own target from the reference');
        expect(cells[2]).toBe(`${synth.summary.meeting} / 1,000 (${(100 * synth.synthesis!.meeting).toFixed(1)} %)`);
        expect(cells[3]).toBe(formatNumber(synth.synthesis!.ks, 'statistic'));
        await panel.selectTab('solutions');
        await panel.page.waitForSelector('table.solutions tbody tr[data-index]');
        expect(await text('.table-summary')).toBe(`1,000 rows, ${synth.summary.meeting} meet their targets · in the order of data/synthetic.csv`);
        expect(await panel.page.locator('tbody tr.best, .best-mark').count()).toBe(0);
        expect((await panel.page.locator('tbody tr[data-index]').first().getAttribute('data-index'))).toBe('0');
    });

    it('draws the reference over the synthesis histogram, where the bars cannot hide it', async () => {
        const synth = await fixture('synth');
        panel = await pages.open();
        await panel.showResult(synth);
        await panel.page.waitForSelector('.synthesis-chart canvas');
        // The light theme's reference colour (panel.css): visible across most of the chart's width.
        expect(await panel.colourColumns('.synthesis-chart', [0x65, 0x2d, 0x90])).toBeGreaterThan(0.4);
        expect(await panel.page.locator('.synthesis ul.chart-legend li').allInnerTexts()).toEqual(['oracle output of the rows', 'reference', 'assigned targets']);
    });

    it('bins each histogram over the feature\'s bound, with round edges', async () => {
        panel = await pages.open();
        await panel.showResult(await fixture('exp3')); // x1..x3 bounded to [0, 100], every solution near 100
        await panel.selectTab('spread');
        await panel.page.waitForFunction(() => document.querySelectorAll('.histogram canvas').length === 3);
        const edges = await panel.page.$$eval('.histogram-card', (cards) => cards.map((c) => [c.getAttribute('data-feature'), c.querySelector('.histogram')!.getAttribute('data-edges')]));
        expect(edges).toEqual([['x1', '0 100 20'], ['x2', '0 100 20'], ['x3', '0 100 20']]);
        expect(await panel.page.locator('.histogram-card figcaption').first().innerText()).toBe('x1 in [0, 100]');
    });

    it('keeps each chart legend off its chart', async () => {
        panel = await pages.open();
        await panel.showResult(exp1);
        await panel.selectTab('spread');
        await panel.page.waitForSelector('.parallel-chart canvas');
        const boxes = await panel.page.$$eval('.spread-view section:has(.chart)', (sections) => sections.map((s) => {
            const legend = s.querySelector('ul.chart-legend')!.getBoundingClientRect();
            const charts = [...s.querySelectorAll('.chart')].map((c) => c.getBoundingClientRect());
            return { legendBottom: legend.bottom, legendHeight: legend.height, chartTops: charts.map((c) => c.top) };
        }));
        for (const box of boxes) {
            expect(box.legendHeight).toBeGreaterThan(0);
            for (const top of box.chartTops) expect(top).toBeGreaterThanOrEqual(box.legendBottom);
        }
        expect(await panel.page.locator('.parallel-chart').evaluate((c) => c.previousElementSibling?.className)).toBe('chart-legend');
    });

    it('draws live progress on the loss curve, then the result replaces it', async () => {
        panel = await pages.open();
        const progress = (step: number): RunProgress => ({
            runId: 'r1', uri: 'file:///w/paper.inv', name: 'Exp1', phase: 'running', step, steps: 3000,
            loss: 1e6 * Math.exp(-step / 100), meeting: Math.floor(step / 20), elapsedSeconds: step / 1000,
        });
        for (let step = 0; step <= 1000; step += 100) await panel.send({ type: 'progress', progress: progress(step) });
        await panel.page.waitForFunction(() => document.querySelector('.loss-chart')?.getAttribute('data-points') === '11');
        expect(await panel.page.getAttribute('.loss-chart', 'aria-label')).toContain('log scale');
        expect(await text('.live')).toContain('Running Exp1');
        // The words of the lens and the status bar (one format everywhere).
        expect(await text('.live')).toContain(describeProgress(progress(1000)));
        expect(await text('.live')).toContain('step 1000/3000 · loss 45.4 · 50 meet');
        // A first run: nothing says "No results yet" under "Running…".
        expect(await text('.run-header')).not.toContain('No results yet');
        const inkLive = await panel.canvasInk('.loss-chart');
        expect(inkLive[0]).toBeGreaterThan(0.01);
        await panel.screenshot('live-progress');
        await panel.send({ type: 'progress', progress: progress(1100) });
        await panel.page.waitForFunction(() => document.querySelector('.loss-chart')?.getAttribute('data-points') === '12');
        // Progress published less often than the loss is read carries every reading since the last one.
        await panel.send({ type: 'progress', progress: { ...progress(1400), losses: [[1200, 0.5], [1300, 0.4], [1400, 0.3]] } });
        await panel.page.waitForFunction(() => document.querySelector('.loss-chart')?.getAttribute('data-points') === '15');

        await panel.showResult(exp1);
        await panel.page.waitForFunction((n) => document.querySelector('.loss-chart')?.getAttribute('data-points') === String(n), exp1.loss.length);
        expect(await panel.page.locator('.live').isHidden()).toBe(true);
    });

    it('starts a new curve for a new run, and says when a run failed', async () => {
        panel = await pages.open();
        await panel.showResult(exp1);
        const progress: RunProgress = { runId: 'r2', uri: 'u', name: 'Exp1', phase: 'running', step: 50, steps: 3000, loss: 10, meeting: null, elapsedSeconds: 0.2 };
        await panel.send({ type: 'progress', progress });
        await panel.page.waitForFunction(() => document.querySelector('.loss-chart')?.getAttribute('data-points') === '1');
        expect(await text('.live')).toContain('previous run');
        await panel.screenshot('live-progress-over-previous-result');
        await panel.send({ type: 'error', name: 'Exp1', message: 'The loss became NaN at step 60: lower learningRate.' });
        await panel.page.waitForSelector('.failure:not([hidden])');
        expect(await text('.failure')).toBe('Exp1 failed: The loss became NaN at step 60: lower learningRate.');
        expect(await panel.page.locator('.live').isHidden()).toBe(true);
    });

    it('folds its header away to leave the room to the views, and keeps it folded across a reload', async () => {
        panel = await pages.open({ height: 600 });
        await panel.showResult(exp1);
        const height = () => panel.page.locator('.run-header').evaluate((e) => e.getBoundingClientRect().height);
        const open = await height();
        expect(await panel.page.getAttribute('button.fold', 'aria-expanded')).toBe('true');
        await panel.page.click('button.fold');
        expect(await panel.page.getAttribute('button.fold', 'aria-expanded')).toBe('false');
        expect(await panel.page.locator('#run-details').isHidden()).toBe(true);
        const folded = await height();
        expect(folded).toBeLessThan(60);
        expect(folded).toBeLessThan(open / 2);
        // Folded, the title row still says how it ended.
        expect(await text('.title-row')).toContain('256/256 meet');
        expect(await panel.page.locator('.badge').isVisible()).toBe(true);
        await panel.screenshot('header-folded');
        await panel.page.waitForTimeout(50);
        await panel.reload();
        expect(await panel.page.locator('#run-details').isHidden()).toBe(true);
        await panel.page.click('button.fold');
        expect(await panel.page.locator('#run-details').isVisible()).toBe(true);
    });

    it('follows an oracle\'s training (▶ Train): its loss curve by epoch, then what it reached', async () => {
        panel = await pages.open();
        await panel.showResult(exp1);
        await panel.send({ type: 'training', oracle: 'Poly4' });
        await panel.page.waitForFunction(() => document.querySelector('#run-title')?.textContent === 'Poly4 oracle');
        // The run shown before is not this oracle's: its solutions and spread leave the panel.
        expect(await panel.page.locator('[role=tab][data-tab=solutions]').innerText()).toMatch(/^solutions$/i);
        await panel.selectTab('solutions');
        expect(await text('#panel-solutions')).toContain('after a run');
        await panel.selectTab('overview');
        const epoch = (step: number): RunProgress => ({
            runId: 't1', uri: 'file:///w/paper.inv', name: 'Poly4', phase: 'training-oracle', step, steps: 200,
            loss: 2 * Math.exp(-step / 40), meeting: null, elapsedSeconds: step / 10,
        });
        for (let step = 1; step <= 120; step += 7) await panel.send({ type: 'progress', progress: epoch(step) });
        await panel.page.waitForFunction(() => document.querySelector('.loss-chart')?.getAttribute('data-points') === '18');
        expect(await panel.page.getAttribute('.loss-chart', 'aria-label')).toMatch(/^Training loss of Poly4 \(live\): 18 points, .* at epoch 120$/);
        expect((await text('.live')).replace(/\s+/g, ' ')).toContain('Training Poly4 · epoch 120/200 · loss 0.0996');
        expect(await text('.live')).not.toContain('previous run');
        expect((await panel.canvasInk('.loss-chart'))[0]).toBeGreaterThan(0.01);
        await panel.screenshot('oracle-training');
        await panel.send({ type: 'trained', oracle: 'Poly4', summary: 'Trained Poly4: test RMSE y = 0.46 (200 epochs, 22.8 s, wasm).' });
        await panel.page.waitForSelector('.live[hidden]', { state: 'attached' });
        expect(await text('.targets-wrap')).toContain('Trained Poly4: test RMSE y = 0.46');
        expect(await text('.badge')).toBe('✓ trained');
        expect(await panel.page.getAttribute('.loss-chart', 'aria-label')).toMatch(/^Training loss of Poly4: 18 points/);
        expect(await panel.page.locator('[data-action=rerun]').isDisabled()).toBe(true);
        // A run's result takes the panel back.
        await panel.showResult(exp1);
        expect(await panel.page.locator('#run-title').textContent()).toBe('Exp1 inversion');
    });

    it('a training that ends within a frame of its last progress draws its curve as done, not live', async () => {
        panel = await pages.open();
        await panel.send({ type: 'training', oracle: 'Small' });
        await panel.page.waitForFunction(() => document.querySelector('#run-title')?.textContent === 'Small oracle');
        const epoch = (step: number): RunProgress => ({
            runId: 't2', uri: 'file:///w/train.inv', name: 'Small', phase: 'training-oracle', step, steps: 40,
            loss: 1 / step, meeting: null, elapsedSeconds: step / 400,
        });
        // A fast training: its last progress and its end arrive together (one task, no frame between).
        await panel.page.evaluate((messages) => { for (const m of messages) window.postMessage(m, '*'); }, [
            { type: 'progress', progress: epoch(1) },
            { type: 'progress', progress: epoch(40) },
            { type: 'trained', oracle: 'Small', summary: 'Trained Small: test RMSE y = 11.9 (40 epochs, 0.1 s, wasm).' },
        ] satisfies ToPanel[]);
        await panel.page.waitForSelector('.live[hidden]', { state: 'attached' });
        await panel.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
        expect(await panel.page.getAttribute('.loss-chart', 'aria-label')).toMatch(/^Training loss of Small: 2 points, .* at epoch 40$/);
        expect(await text('.badge')).toBe('✓ trained');
    });

    it('moves between tabs with the arrow keys, each tab labelling its panel', async () => {
        panel = await pages.open();
        await panel.showResult(exp1);
        await panel.page.focus('[role=tab][data-tab=overview]');
        await panel.page.keyboard.press('ArrowRight');
        const focused = () => panel.page.evaluate(() => document.activeElement?.getAttribute('data-tab'));
        expect(await focused()).toBe('solutions');
        expect(await panel.page.getAttribute('[role=tab][data-tab=solutions]', 'aria-selected')).toBe('true');
        expect(await panel.page.locator('[role=tabpanel][aria-labelledby=tab-solutions]').isVisible()).toBe(true);
        expect(await panel.page.locator('#panel-overview').isHidden()).toBe(true);
        await panel.page.keyboard.press('End');
        expect(await focused()).toBe('spread');
        await panel.page.keyboard.press('ArrowRight'); // wraps around
        expect(await focused()).toBe('overview');
        expect(await panel.page.locator('[role=tab][tabindex="0"]').count()).toBe(1);
    });

    it('runs under a CSP that really blocks inline style (so the clean runs above mean something)', async () => {
        panel = await pages.open();
        await panel.page.evaluate(() => { document.body.insertAdjacentHTML('beforeend', '<p id="probe" style="color: rgb(1, 2, 3)">x</p>'); });
        await panel.page.waitForTimeout(100);
        expect(await panel.page.locator('#probe').evaluate((p) => getComputedStyle(p).color)).not.toBe('rgb(1, 2, 3)');
        expect(panel.problems.some((p) => p.includes('CSP violation') || p.includes('Content Security Policy'))).toBe(true);
        panel.problems.length = 0;
    });
});
