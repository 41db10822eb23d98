/**
 * The solutions table in headless Chromium: every row reachable through virtualisation,
 * sorting by any column (mouse and keyboard, both directions), meets/misses, the best row,
 * fixed features.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { InvResult } from '../../src/engine/contract/results.js';
import { fixture, scaledUp, usePanelPages, type PanelPage } from './panel-page.js';

const pages = usePanelPages();
let panel: PanelPage;
let exp1: InvResult;

beforeAll(async () => {
    exp1 = await fixture('exp1');
});

async function openTable(result: InvResult): Promise<void> {
    panel = await pages.open();
    await panel.showResult(result);
    await panel.selectTab('solutions');
    await panel.page.waitForSelector('table.solutions tbody tr[data-index]');
}

/** The rendered rows: original index, and the number in the given column (1-based). */
function renderedRows(column: number): Promise<Array<{ index: number; rowIndex: number; value: number }>> {
    return panel.page.$$eval('table.solutions tbody tr[data-index]', (rows, column) => rows.map((tr) => ({
        index: Number(tr.getAttribute('data-index')),
        rowIndex: Number(tr.getAttribute('aria-rowindex')),
        value: Number(tr.children[column - 1]!.textContent!.replace('−', '-')),
    })), column);
}

const scrollTo = (top: number | 'end') => panel.page.locator('.table-scroll').evaluate((el, top) => {
    el.scrollTop = top === 'end' ? el.scrollHeight : top;
}, top);

describe('solutions table', () => {
    it('keeps 3,000 rows in reach with only the visible ones in the DOM', async () => {
        const big = scaledUp(exp1, 3000);
        await openTable(big);
        expect(await panel.page.getAttribute('table.solutions', 'aria-rowcount')).toBe('3001');
        const first = await renderedRows(3);
        expect(first[0]).toMatchObject({ index: 0, rowIndex: 2 });
        expect(first.length).toBeLessThan(80);

        await scrollTo('end');
        await panel.page.waitForFunction(() => document.querySelector('table.solutions tbody tr[aria-rowindex="3001"]') !== null);
        const last = await renderedRows(3);
        expect(last.at(-1)).toMatchObject({ index: 2999, rowIndex: 3001 });
        expect(last.at(-1)!.value).toBeCloseTo(Number(big.solutions[2999]!.inputs.x1), 2);
        expect(last.length).toBeLessThan(80);
        expect(last.some((r) => r.index === 0)).toBe(false);
        // The last row is really on screen, not only in the DOM.
        const visible = await panel.page.locator('tr[aria-rowindex="3001"]').evaluate((tr) => {
            const row = tr.getBoundingClientRect(), box = tr.closest('.table-scroll')!.getBoundingClientRect();
            return row.top >= box.top && row.bottom <= box.bottom + 1;
        });
        expect(visible).toBe(true);

        await scrollTo(26 * 1500);
        await panel.page.waitForFunction(() => document.querySelector('table.solutions tbody tr[data-index="1500"]') !== null);
    });

    it('sorts by any column, ascending then descending, over all rows', async () => {
        await openTable(exp1);
        // Columns: #, Target, x1, x2, x3, x4, y, Error.
        for (const [id, column, key] of [
            ['in:x3', 5, (i: number) => Number(exp1.solutions[i]!.inputs.x3)],
            ['out:y', 7, (i: number) => exp1.solutions[i]!.outputs.y!],
            ['error', 8, (i: number) => exp1.solutions[i]!.error],
        ] as const) {
            const values = exp1.solutions.map((_s, i) => key(i));
            await panel.page.click(`button.sort[data-column="${id}"]`);
            expect(await panel.page.getAttribute(`th:has(button[data-column="${id}"])`, 'aria-sort')).toBe('ascending');
            let rows = await renderedRows(column);
            expect(rows[0]!.value).toBeCloseTo(Math.min(...values), 2);
            for (let i = 1; i < rows.length; i++) expect(key(rows[i]!.index)).toBeGreaterThanOrEqual(key(rows[i - 1]!.index));

            await panel.page.click(`button.sort[data-column="${id}"]`);
            expect(await panel.page.getAttribute(`th:has(button[data-column="${id}"])`, 'aria-sort')).toBe('descending');
            rows = await renderedRows(column);
            expect(rows[0]!.value).toBeCloseTo(Math.max(...values), 2);
            for (let i = 1; i < rows.length; i++) expect(key(rows[i]!.index)).toBeLessThanOrEqual(key(rows[i - 1]!.index));

            // The end of the sorted table holds the other extreme.
            await scrollTo('end');
            await panel.page.waitForFunction(() => document.querySelector('tr[aria-rowindex="257"]') !== null);
            rows = await renderedRows(column);
            expect(rows.at(-1)!.value).toBeCloseTo(Math.min(...values), 2);
            await scrollTo(0);
        }
        expect(await panel.page.locator('th[aria-sort=ascending], th[aria-sort=descending]').count()).toBe(1);
        expect(await panel.page.locator('.table-summary').innerText()).toContain('sorted by Error, descending');
    });

    it('sorts from the keyboard', async () => {
        await openTable(exp1);
        await panel.page.focus('button.sort[data-column="in:x1"]');
        await panel.page.keyboard.press('Enter');
        expect(await panel.page.getAttribute('th:has(button[data-column="in:x1"])', 'aria-sort')).toBe('ascending');
        await panel.page.keyboard.press('Space');
        expect(await panel.page.getAttribute('th:has(button[data-column="in:x1"])', 'aria-sort')).toBe('descending');
        const rows = await renderedRows(3);
        expect(rows[0]!.value).toBeCloseTo(Math.max(...exp1.solutions.map((s) => Number(s.inputs.x1))), 2);
        // Back to the result's own order (best first) through the # column.
        await panel.page.keyboard.press('Shift+Tab');
        await panel.page.keyboard.press('Shift+Tab');
        await panel.page.keyboard.press('Enter');
        expect(await panel.page.getAttribute('th:has(button[data-column="index"])', 'aria-sort')).toBe('ascending');
        expect((await renderedRows(1))[0]!.index).toBe(0);
    });

    it('marks meets and misses with an icon and a word, and highlights the best row', async () => {
        const exp2 = await fixture('exp2'); // some meet, some miss
        await openTable(exp2);
        await panel.page.click('button.sort[data-column="meets"]');
        await panel.page.click('button.sort[data-column="meets"]'); // misses first
        const first = panel.page.locator('table.solutions tbody tr[data-index]').first();
        expect(await first.getAttribute('class')).toContain('misses');
        expect(await first.locator('td.kind-meets').innerText()).toBe('✗ misses');
        const missing = exp2.solutions.filter((s) => !s.meets).length;
        expect(missing).toBeGreaterThan(0);
        expect(await panel.page.locator('tbody tr.misses').count()).toBe(Math.min(missing, await panel.page.locator('tbody tr[data-index]').count()));

        await panel.page.click('button.sort[data-column="index"]');
        const best = panel.page.locator('tbody tr.best');
        expect(await best.count()).toBe(1);
        expect(await best.getAttribute('data-index')).toBe(String(exp2.summary.best));
        expect(await best.locator('td.kind-meets').innerText()).toBe('✓ meets');
        expect(await best.locator('td.kind-index').textContent()).toBe('★ 1 (best)');
        const colours = await panel.page.evaluate(() => {
            const ok = document.querySelector('tbody tr.meets td.kind-meets')!, row = document.querySelector('tbody tr.best td')!;
            const plain = document.querySelector('tbody tr:not(.best)[data-index] td')!;
            return { ok: getComputedStyle(ok).color, best: getComputedStyle(row).backgroundColor, plain: getComputedStyle(plain).backgroundColor };
        });
        expect(colours.best).not.toBe(colours.plain);
        expect(colours.ok).not.toBe('rgb(59, 59, 59)'); // coloured, not body text
    });

    it('shows fixed features, marked', async () => {
        const exp3 = await fixture('exp3'); // x4 fixed at 100
        await openTable(exp3);
        const header = panel.page.locator('th:has(button[data-column="in:x4"])');
        expect(await header.innerText()).toContain('fixed');
        expect(await header.getAttribute('class')).toContain('fixed');
        expect(await panel.page.locator('th:has(button[data-column="in:x1"])').innerText()).not.toContain('fixed');
        const x4 = await panel.page.$$eval('tbody tr[data-index] td.kind-input.fixed', (tds) => tds.map((td) => Number(td.textContent)));
        expect(x4.length).toBeGreaterThan(10);
        expect(new Set(x4)).toEqual(new Set([100]));
    });

    it('flags solutions outside their bounds or the oracle domain', async () => {
        // The engine's fixtures have none (hard bounds): mark the last few of a real result.
        const exp2 = await fixture('exp2');
        const solutions = exp2.solutions.map((s, i) => ({ ...s, inBounds: i < 250, inDomain: i !== 255 }));
        await openTable({ ...exp2, solutions });
        await scrollTo('end');
        await panel.page.waitForSelector('tr[data-index="255"]');
        expect(await panel.page.locator('tr[data-index="249"] td.kind-meets .flag').count()).toBe(0);
        expect(await panel.page.locator('tr[data-index="250"] td.kind-meets').innerText()).toContain('⚠ bounds');
        expect(await panel.page.locator('tr[data-index="255"] td.kind-meets').innerText()).toContain('⚠ domain');
    });
});
