/**
 * Families of answers and support in the results panel (headless Chromium), on engine output:
 * the sine-wave benchmark (test/webview/fixtures/sine.json), whose level set is separate
 * curves. The Spread tab lists the families, each in its own colour, largest first, with its
 * best answer and what pins it down, and says how many answers the data backs; the table has
 * each answer's support and family, and marks those where the data is thin. Without the
 * oracle's data (the paper's Exp1 fixture has none), it says support is unknown.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { InvResult } from '../../src/engine/contract/results.js';
import { fixture, usePanelPages } from './panel-page.js';

const pages = usePanelPages();
let sine: InvResult;

beforeAll(async () => {
    sine = await fixture('sine');
});

describe('families and support in the panel', () => {
    it('lists the families, largest first, each in its own colour with its best answer', async () => {
        const modes = sine.summary.modes!;
        expect(modes.length).toBeGreaterThan(1);
        const panel = await pages.open();
        await panel.showResult(sine, 'file:///work/bench/inverse/sine.inv');
        await panel.selectTab('spread');
        const items = await panel.page.$$eval('ol.families li', (lis) => lis.map((li) => ({
            size: Number(li.getAttribute('data-size')),
            text: li.textContent ?? '',
            colour: getComputedStyle(li.querySelector('.family-chip')!).backgroundColor,
        })));
        expect(items.map((i) => i.size)).toEqual(modes.map((m) => m.size));
        for (let i = 1; i < items.length; i++) expect(items[i]!.size).toBeLessThanOrEqual(items[i - 1]!.size);
        expect(new Set(items.slice(0, 8).map((i) => i.colour)).size).toBe(Math.min(8, items.length));
        const best = sine.solutions[modes[0]!.best]!;
        expect(items[0]!.text).toContain(`Family 1 · ${modes[0]!.size} answers`);
        expect(items[0]!.text).toContain(`best (#${modes[0]!.best + 1}): x1 = `);
        expect(items[0]!.text).toContain(String(Number(Number(best.inputs.x1).toPrecision(6))).replace('-', '−'));
        expect(await panel.page.locator('#families-title').innerText()).toBe(`Families of answers (${modes.length})`);
        // The parallel coordinates are drawn (one line per solution, coloured by family).
        expect((await panel.canvasInk('.parallel-chart'))[0]).toBeGreaterThan(0.005);
    });

    it("says how many answers the data backs, and the table shows each answer's support and family, marking thin data", async () => {
        const threshold = sine.summary.supportThreshold!;
        const thin = sine.solutions.filter((s) => s.support! < threshold).length;
        const panel = await pages.open();
        await panel.showResult(sine, 'file:///work/bench/inverse/sine.inv');
        await panel.selectTab('spread');
        const line = await panel.page.locator('.support-line').innerText();
        expect(line).toContain(`${sine.summary.supported} of 256 answers lie where the oracle's training data backs them`);
        if (thin > 0) expect(line).toContain(`${thin} where it is thin`);
        await panel.selectTab('solutions');
        expect(await panel.page.locator('th button.sort[data-column="support"]').innerText()).toContain('Support');
        expect(await panel.page.locator('th button.sort[data-column="family"]').innerText()).toContain('Family');
        // Least support first: the thin ones lead, marked; the rest are not.
        await panel.page.click('th button.sort[data-column="support"]');
        const rows = await panel.page.$$eval('table.solutions tbody tr[data-index]', (trs) => trs.slice(0, 12).map((tr) => ({
            index: Number(tr.getAttribute('data-index')),
            flagged: tr.querySelector('td.kind-support .flag') !== null,
            family: tr.querySelector('td.kind-family')?.textContent?.trim() ?? '',
        })));
        rows.forEach((r, i) => {
            const s = sine.solutions[r.index]!;
            expect(r.flagged).toBe(s.support! < threshold);
            expect(r.family).toBe(s.mode === undefined ? '—' : String(s.mode + 1));
            if (i > 0) expect(s.support!).toBeGreaterThanOrEqual(sine.solutions[rows[i - 1]!.index]!.support!);
        });
    });

    it("says support is unknown when the oracle's data is not known", async () => {
        const exp1 = await fixture('exp1');
        const unknown: InvResult = { ...exp1, summary: { ...exp1.summary }, solutions: exp1.solutions.map(({ support: _s, mode: _m, ...s }) => s) };
        delete unknown.summary.supported;
        delete unknown.summary.modes;
        const panel = await pages.open();
        await panel.showResult(unknown);
        await panel.selectTab('spread');
        expect(await panel.page.locator('.support-line').innerText()).toContain("Support unknown: the oracle's training data is not known");
        await panel.selectTab('solutions');
        expect(await panel.page.locator('th button.sort[data-column="support"]').count()).toBe(0);
    });
});
