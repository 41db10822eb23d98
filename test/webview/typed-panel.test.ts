/**
 * The results panel on a typed design space (engine output: the concrete example's
 * EarlyStrength, a categorical cement and a whole-number age): labels in the table, a bar
 * per label in the spread view, the label shares beside the importance bars.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { InvResult } from '../../src/engine/contract/results.js';
import { fixture, usePanelPages } from './panel-page.js';

const pages = usePanelPages();
let typed: InvResult;

beforeAll(async () => {
    typed = await fixture('typed');
});

describe('results panel, typed inputs', () => {
    it('shows labels in the table and sorts by them', async () => {
        const panel = await pages.open();
        await panel.showResult(typed);
        await panel.selectTab('solutions');
        const cells = await panel.page.locator('table.solutions tbody tr[data-index] td.label').allInnerTexts();
        expect(cells.length).toBeGreaterThan(0);
        expect(new Set(cells)).toEqual(new Set(typed.solutions.slice(0, 1000).map((s) => String(s.inputs.cement))));
        await panel.page.click('button.sort[data-column="in:cement"]');
        expect(await panel.page.getAttribute('th:has(button[data-column="in:cement"])', 'aria-sort')).toBe('ascending');
        expect(panel.problems).toEqual([]);
    });

    it('shows each label\'s share beside the importance of the numeric features', async () => {
        const panel = await pages.open();
        await panel.showResult(typed);
        const shares = await panel.page.$$eval('.label-shares li', (items) => items.map((li) => [li.getAttribute('data-label'), li.querySelector('.value')?.textContent]));
        const expected = typed.summary.labelShares![0]!.shares;
        expect(shares.map(([label]) => label)).toEqual(Object.keys(expected));
        expect(shares.find(([label]) => label === 'CEM_I')![1]).toContain(`${Math.round(100 * expected.CEM_I!)}`);
        // The categorical feature is not among the ranked ones; the numeric free ones are.
        const ranked = await panel.page.$$eval('ol.importance li', (items) => items.map((li) => li.getAttribute('data-feature')));
        expect(ranked).not.toContain('cement');
        expect(ranked.sort()).toEqual(typed.summary.importance.map((i) => i.feature).sort());
        await panel.screenshot('typed-importance');
        expect(panel.problems).toEqual([]);
    });

    it('draws a bar per label in the spread view', async () => {
        const panel = await pages.open();
        await panel.showResult(typed);
        await panel.selectTab('spread');
        const figure = panel.page.locator('figure.histogram-card[data-feature="cement"]');
        expect(await figure.count()).toBe(1);
        const label = await figure.locator('[role=img], [aria-label]').first().getAttribute('aria-label');
        expect(label).toContain('Share of each label of cement');
        await panel.screenshot('typed-spread');
        expect(panel.problems).toEqual([]);
    });
});
