/**
 * The panel in light, dark and high-contrast themes: screenshots (saved under
 * test-output/webview/ to look at) compared loosely — the background really is light or
 * dark, text contrasts with it, every chart has drawn something, and the charts redraw with
 * the new colours when the theme changes under them.
 */
import { describe, expect, it } from 'vitest';
import { fixture, usePanelPages, type PanelPage, type Theme } from './panel-page.js';

const pages = usePanelPages();

function open(theme: Theme, size: { width?: number; height?: number } = {}): Promise<PanelPage> {
    return pages.open({ theme, ...size });
}

/** Mean colour (0..255 per channel) of a screenshot's region, decoded by the browser itself. */
async function meanColour(png: Buffer, region: { x: number; y: number; width: number; height: number }): Promise<[number, number, number]> {
    const scratch = await pages.browser.newPage();
    try {
        return await scratch.evaluate(async ({ base64, region }) => {
            const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
            const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
            const context = canvas.getContext('2d')!;
            context.drawImage(bitmap, 0, 0);
            const data = context.getImageData(region.x, region.y, region.width, region.height).data;
            const sum = [0, 0, 0];
            for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
            const n = data.length / 4;
            return [sum[0]! / n, sum[1]! / n, sum[2]! / n] as [number, number, number];
        }, { base64: png.toString('base64'), region });
    } finally {
        await scratch.close();
    }
}

const luminance = ([r, g, b]: [number, number, number]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

/** The empty strip at the right of the tab bar: page background only. */
const BACKGROUND = { x: 900, y: 0, width: 280, height: 8 };

describe('themes', () => {
    it('renders light and dark as such, every view, every chart non-blank', async () => {
        const exp1 = await fixture('exp1');
        const synth = await fixture('synth');
        const backgrounds: Record<string, number> = {};
        for (const theme of ['vscode-light', 'vscode-dark', 'vscode-high-contrast'] as const) {
            const panel = await open(theme);
            await panel.showResult(exp1);
            await panel.page.waitForSelector('.loss-chart canvas');
            const overview = await panel.screenshot(`${theme}-overview`);
            backgrounds[theme] = luminance(await meanColour(overview, BACKGROUND));
            expect((await panel.canvasInk('.loss-chart'))[0]).toBeGreaterThan(0.01);

            await panel.selectTab('solutions');
            await panel.page.waitForSelector('table.solutions tbody tr.best');
            await panel.screenshot(`${theme}-solutions`);

            await panel.selectTab('spread');
            await panel.page.waitForFunction(() => document.querySelectorAll('.spread-view canvas').length >= 5);
            await panel.screenshot(`${theme}-spread`);
            const ink = await panel.canvasInk('.spread-view');
            expect(ink.length).toBe(5); // four histograms and the parallel coordinates
            for (const share of ink) expect(share).toBeGreaterThan(0.01);

            // Tooltips are drawn on the canvas: an HTML one would break the CSP (afterEach checks).
            await panel.page.hover('.parallel-chart canvas', { position: { x: 300, y: 150 } });
            await panel.page.hover('.histogram canvas', { position: { x: 120, y: 90 } });
            await panel.page.waitForTimeout(150);

            await panel.showResult(synth);
            await panel.selectTab('overview');
            await panel.page.waitForSelector('.synthesis-chart canvas');
            await panel.page.hover('.synthesis-chart canvas', { position: { x: 500, y: 120 } });
            await panel.page.waitForTimeout(150);
            await panel.screenshot(`${theme}-synthesis`);
        }
        expect(backgrounds['vscode-light']).toBeGreaterThan(200);
        expect(backgrounds['vscode-dark']).toBeLessThan(60);
        expect(backgrounds['vscode-high-contrast']).toBeLessThan(20);
    });

    it('redraws the charts with the new colours when the theme changes under them', async () => {
        const panel = await open('vscode-light');
        await panel.showResult(await fixture('exp1'));
        await panel.page.waitForSelector('.loss-chart canvas');
        const axisColour = () => panel.page.$eval('.loss-chart canvas', (canvas) => {
            // The darkest or lightest pixel that is not the background: axis text and lines.
            const c = canvas as HTMLCanvasElement;
            const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
            let sum = 0, n = 0;
            for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 200) { sum += data[i]! + data[i + 1]! + data[i + 2]!; n++; }
            return sum / Math.max(n, 1) / 3;
        });
        const light = await axisColour();
        await panel.page.evaluate(() => { document.body.className = 'vscode-dark'; });
        await panel.page.waitForFunction((before) => {
            const c = document.querySelector('.loss-chart canvas') as HTMLCanvasElement;
            const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
            let sum = 0, n = 0;
            for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 200) { sum += data[i]! + data[i + 1]! + data[i + 2]!; n++; }
            return sum / Math.max(n, 1) / 3 > before + 30;
        }, light);
        const dark = await axisColour();
        // Dark theme: the opaque ink (text, axes) is light; light theme: it is dark.
        expect(dark).toBeGreaterThan(light + 30);
        const screenshot = await panel.screenshot('theme-switched-to-dark');
        expect(luminance(await meanColour(screenshot, BACKGROUND))).toBeLessThan(60);
    });

    it('fits a narrow panel beside the editor: nothing wider than the page but the table, which scrolls', async () => {
        const panel = await open('vscode-dark', { width: 560, height: 760 });
        await panel.showResult(await fixture('exp3'));
        await panel.page.waitForSelector('.loss-chart canvas');
        const overflow = () => panel.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(await overflow()).toBe(0);
        await panel.screenshot('narrow-overview');
        await panel.selectTab('solutions');
        await panel.page.waitForSelector('table.solutions tbody tr[data-index]');
        expect(await overflow()).toBe(0);
        const table = await panel.page.locator('.table-scroll').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
        expect(table.scroll).toBeGreaterThan(table.client); // columns keep a readable width and scroll sideways
        await panel.screenshot('narrow-solutions');
        await panel.selectTab('spread');
        await panel.page.waitForFunction(() => document.querySelectorAll('.spread-view canvas').length >= 4);
        expect(await overflow()).toBe(0);
        await panel.screenshot('narrow-spread');
    });
});
