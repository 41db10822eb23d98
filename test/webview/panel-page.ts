/**
 * The results panel in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core), served from a loopback server as the page the extension serves
 * (src/extension/panel-html.ts, its CSP included), with no VS Code: an init script stands in
 * for what VS Code adds to the page (acquireVsCodeApi, the theme's body class).
 * Every page records what must never happen: CSP violations, console errors, uncaught
 * exceptions, and requests to anything but the loopback server (those are also blocked).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { InvResult } from '../../src/engine/contract/results.js';
import { panelHtml } from '../../src/extension/panel-html.js';
import type { FromPanel, ToPanel } from '../../src/protocol.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOTS = join(REPO, 'test-output', 'webview');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];

const SERVED: Record<string, { file: string; type: string }> = {
    '/out/webview.js': { file: 'out/webview.js', type: 'text/javascript' },
    '/out/webview.css': { file: 'out/webview.css', type: 'text/css' },
};
const VSCODE_SHIM = join(REPO, 'test/webview/vscode-shim.js');

export type Theme = 'vscode-light' | 'vscode-dark' | 'vscode-high-contrast';

export interface PanelServer {
    origin: string;
    close(): Promise<void>;
}

/** Serves the shell (fresh nonce per request) and the bundle on 127.0.0.1, nothing else. */
export async function startPanelServer(): Promise<PanelServer> {
    for (const { file } of Object.values(SERVED)) {
        if (!existsSync(join(REPO, file))) throw new Error(`${file} is missing: build the bundle first (node esbuild.mjs)`);
    }
    const server = createServer(async (request, response) => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        if (url.pathname === '/') {
            const html = panelHtml({ cspSource: `http://${request.headers.host}`, styleUri: '/out/webview.css', scriptUri: '/out/webview.js' });
            response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
            response.end(html);
            return;
        }
        const served = SERVED[url.pathname];
        if (!served) {
            response.writeHead(404).end();
            return;
        }
        response.writeHead(200, { 'content-type': served.type, 'cache-control': 'no-store' });
        response.end(await readFile(join(REPO, served.file)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
        origin: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

export async function launchChromium(): Promise<Browser> {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
    return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export class PanelPage {
    /** CSP violations, console errors, page errors, requests off the loopback host. */
    readonly problems: string[] = [];

    private constructor(readonly page: Page, private readonly url: string) {}

    static async open(browser: Browser, server: PanelServer, options: { theme?: Theme; width?: number; height?: number } = {}): Promise<PanelPage> {
        const context = await browser.newContext({ viewport: { width: options.width ?? 1200, height: options.height ?? 860 } });
        const page = await context.newPage();
        const panel = new PanelPage(page, `${server.origin}/`);
        await context.route('**/*', async (route) => {
            const host = new URL(route.request().url()).hostname;
            if (host === '127.0.0.1') return route.continue();
            panel.problems.push(`request off the loopback host: ${route.request().url()}`);
            return route.abort();
        });
        // Init scripts run outside the page's CSP: a listener the CSP cannot silence, and what
        // VS Code adds to a webview (acquireVsCodeApi; the theme's class on <body>, set as
        // soon as the parser makes the body, before the panel's script runs).
        await page.addInitScript(() => {
            document.addEventListener('securitypolicyviolation', (e) => {
                console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
            });
        });
        await page.addInitScript({ path: VSCODE_SHIM });
        await page.addInitScript((theme: Theme) => {
            new MutationObserver((_, observer) => {
                if (!document.body) return;
                document.body.classList.add(theme);
                observer.disconnect();
            }).observe(document, { childList: true, subtree: true });
        }, options.theme ?? 'vscode-light');
        page.on('console', (message) => {
            if (message.type() === 'error') panel.problems.push(`console error: ${message.text()}`);
        });
        page.on('pageerror', (error) => panel.problems.push(`page error: ${error.message}`));
        await panel.goto();
        return panel;
    }

    private async goto(): Promise<void> {
        await this.page.goto(this.url);
        await this.page.waitForFunction(() => document.querySelector('#inv-panel .run-header') !== null);
    }

    /** A reload, as VS Code does when a hidden panel comes back (the state shim survives it). */
    async reload(): Promise<void> {
        await this.page.reload();
        await this.page.waitForFunction(() => document.querySelector('#inv-panel .run-header') !== null);
    }

    /** What the extension does: `webview.postMessage(message)`. */
    async send(message: ToPanel): Promise<void> {
        await this.page.evaluate((m) => window.postMessage(m, '*'), message);
    }

    async showResult(result: InvResult, uri: string | null = 'file:///work/examples/paper/paper.inv'): Promise<void> {
        await this.send({ type: 'result', result, uri });
        await this.page.waitForFunction((name) => document.querySelector('#run-title')?.textContent?.startsWith(name), result.name);
    }

    /** The messages the panel sent to the extension. */
    posted(): Promise<FromPanel[]> {
        return this.page.evaluate(() => (window as unknown as { __invPosted: FromPanel[] }).__invPosted);
    }

    async selectTab(tab: 'overview' | 'solutions' | 'spread'): Promise<void> {
        await this.page.click(`[role=tab][data-tab=${tab}]`);
    }

    async screenshot(name: string): Promise<Buffer> {
        await mkdir(SCREENSHOTS, { recursive: true });
        const png = await this.page.screenshot();
        await writeFile(join(SCREENSHOTS, `${name}.png`), png);
        return png;
    }

    /** Share of pixels of each chart canvas under `selector` that differ from its most common colour. */
    canvasInk(selector: string): Promise<number[]> {
        return this.page.$$eval(`${selector} canvas`, (canvases) => canvases.map((canvas) => {
            const c = canvas as HTMLCanvasElement;
            const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
            const counts = new Map<number, number>();
            for (let i = 0; i < data.length; i += 4) {
                const key = (data[i]! << 24) ^ (data[i + 1]! << 16) ^ (data[i + 2]! << 8) ^ data[i + 3]!;
                counts.set(key, (counts.get(key) ?? 0) + 1);
            }
            const background = Math.max(...counts.values());
            return 1 - background / (data.length / 4);
        }));
    }

    /**
     * Share of the pixel columns of the chart canvas under `selector` that hold a pixel of
     * `rgb` (within `tolerance` per channel): how far across the chart a series of that
     * colour is visible.
     */
    colourColumns(selector: string, rgb: [number, number, number], tolerance = 12): Promise<number> {
        return this.page.$eval(`${selector} canvas`, (canvas, { rgb, tolerance }) => {
            const c = canvas as HTMLCanvasElement;
            const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
            let columns = 0;
            for (let x = 0; x < c.width; x++) {
                for (let y = 0; y < c.height; y++) {
                    const i = 4 * (y * c.width + x);
                    if (data[i + 3]! > 200 && Math.abs(data[i]! - rgb[0]) <= tolerance && Math.abs(data[i + 1]! - rgb[1]) <= tolerance && Math.abs(data[i + 2]! - rgb[2]) <= tolerance) {
                        columns++;
                        break;
                    }
                }
            }
            return columns / c.width;
        }, { rgb, tolerance });
    }

    async close(): Promise<void> {
        await this.page.context().close();
    }
}

/** Opens panel pages in the file's browser; each is closed and checked after its test. */
export interface PanelPages {
    open(options?: { theme?: Theme; width?: number; height?: number }): Promise<PanelPage>;
    /** The file's Chromium (for a scratch page). */
    readonly browser: Browser;
}

/**
 * The setup every browser test file shares: one Chromium and one panel server for the file,
 * and after each test every page it opened closed and checked: nothing blocked by the CSP,
 * no console error, no request off the loopback host.
 */
export function usePanelPages(): PanelPages {
    let browser: Browser | undefined;
    let server: PanelServer | undefined;
    const opened: PanelPage[] = [];
    beforeAll(async () => {
        [browser, server] = await Promise.all([launchChromium(), startPanelServer()]);
    });
    afterAll(async () => {
        await browser?.close();
        await server?.close();
    });
    afterEach(async () => {
        const problems = opened.flatMap((p) => p.problems);
        await Promise.all(opened.splice(0).map((p) => p.close()));
        expect(problems).toEqual([]);
    });
    return {
        get browser() {
            if (!browser) throw new Error('usePanelPages: the browser starts in beforeAll');
            return browser;
        },
        async open(options = {}) {
            const page = await PanelPage.open(this.browser, server!, options);
            opened.push(page);
            return page;
        },
    };
}

/** The fixtures (see fixtures/README.md). */
export async function fixture(name: 'exp1' | 'exp2' | 'exp3' | 'synth' | 'typed' | 'sine'): Promise<InvResult> {
    return JSON.parse(await readFile(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', `${name}.json`), 'utf8')) as InvResult;
}

/**
 * A result with `count` solutions made from a real one (each solution repeated with its
 * inputs nudged, re-sorted best first), for checking that thousands of rows stay usable.
 */
export function scaledUp(result: InvResult, count: number): InvResult {
    const solutions = Array.from({ length: count }, (_, i) => {
        const s = result.solutions[i % result.solutions.length]!;
        const nudge = 1 + ((i * 7919) % 1000) / 1e6;
        return { ...s, inputs: Object.fromEntries(Object.entries(s.inputs).map(([k, v]) => [k, typeof v === 'number' ? v * nudge : v])), error: s.error * nudge };
    }).sort((a, b) => Number(b.inBounds) - Number(a.inBounds) || a.error - b.error);
    return {
        ...result,
        name: `${result.name}x${count}`,
        settings: { ...result.settings, solutions: count },
        solutions,
        summary: { ...result.summary, best: 0, meeting: solutions.filter((s) => s.meets).length },
    };
}
