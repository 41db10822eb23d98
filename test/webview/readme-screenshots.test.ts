/**
 * The README's pictures of the results panel, taken from the engine's fixtures in headless
 * Chromium under the extension's CSP (so they show what the panel really draws). Written to
 * test-output/webview/readme/; `INV_UPDATE_DOCS=1` also writes them to docs/images/, where
 * the committed ones live:
 *
 *     npm run build && INV_UPDATE_DOCS=1 npx vitest run --config test/vitest.config.ts test/webview/readme-screenshots.test.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, REPO, SCREENSHOTS, usePanelPages, type PanelPage } from './panel-page.js';

const pages = usePanelPages();
const DOCS = join(REPO, 'docs/images');

async function save(panel: PanelPage, name: string): Promise<void> {
    const png = await panel.page.screenshot();
    const folders = [join(SCREENSHOTS, 'readme'), ...(process.env.INV_UPDATE_DOCS === '1' ? [DOCS] : [])];
    for (const folder of folders) {
        await mkdir(folder, { recursive: true });
        await writeFile(join(folder, `${name}.png`), png);
    }
}

describe('README screenshots of the panel', () => {
    it('an inversion: overview, solutions, spread; a synthesis', async () => {
        const panel = await pages.open({ theme: 'vscode-dark', width: 1100, height: 760 });
        await panel.showResult(await fixture('exp2'));
        await panel.page.waitForSelector('.loss-chart canvas');
        await save(panel, 'panel-overview');
        await panel.selectTab('solutions');
        await panel.page.waitForSelector('table.solutions tbody tr.best');
        await save(panel, 'panel-solutions');
        await panel.selectTab('spread');
        await panel.page.waitForFunction(() => document.querySelectorAll('.spread-view canvas').length >= 4);
        await save(panel, 'panel-spread');
        await panel.showResult(await fixture('synth'));
        await panel.selectTab('overview');
        await panel.page.waitForSelector('.synthesis-chart canvas');
        await panel.page.click('button.fold');
        await save(panel, 'panel-synthesis');
        expect((await panel.canvasInk('.synthesis-chart'))[0]).toBeGreaterThan(0.02);
    });
});
