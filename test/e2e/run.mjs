// The extension in a real VS Code (code-server, built by test/e2e/setup.sh into .e2e/):
//   1. packages the .vsix (`npm run package`) and installs it into a private code-server;
//   2. drives Debian chromium with playwright-core as a user would: opens paper.inv and
//      quick.inv, runs and cancels a long run (lens, status item, notification and panel show
//      one progress), clicks `▶ Run` on a lens, waits for the results panel and reads its text
//      INSIDE the webview iframe, checks the inlay hints, the summary lenses, a hint's tooltip,
//      the block's hover, completion and the server's output; screenshots (the README's);
//   3. loads the extension from its folder and runs the extension-host scenario
//      (test/e2e/suite/index.cjs, shared with the @vscode/test-electron run).
// Exit 0 only when all of it held. Screenshots and logs: test-output/e2e/.
//
//   bash test/e2e/setup.sh && node test/e2e/run.mjs [--no-package]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, codeServerHome, E2E, installExtension, REPO, startCodeServer } from './code-server.mjs';
import { makeWorkspace } from './workspace.mjs';

const OUT = join(REPO, 'test-output/e2e');
mkdirSync(OUT, { recursive: true });
// The README's pictures of the editor (docs/images/editor-*.png): written by each run to
// test-output/e2e/; `--screenshots DIR` also writes them to DIR (e.g. docs/images, to commit).
const shotsArg = process.argv.indexOf('--screenshots');
const SHOTS = shotsArg > 0 ? resolve(process.argv[shotsArg + 1]) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
async function readmeShot(target, name) {
    await target.screenshot({ path: join(OUT, name) });
    if (SHOTS) copyFileSync(join(OUT, name), join(SHOTS, name));
}
const t0 = Date.now();
const log = (...a) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const results = [];
async function check(name, fn) {
    try {
        await fn();
        results.push({ name, ok: true });
        log(`ok ${name}`);
    } catch (e) {
        results.push({ name, ok: false });
        log(`FAILED ${name}: ${e.message}`);
    }
}

/** The widths of the editor groups, left to right (the results panel opens as the second). */
async function groupWidths(page) {
    const boxes = await page.locator('.editor .split-view-view .editor-group-container').evaluateAll((groups) =>
        groups.map((g) => g.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => ({ x: r.x, width: r.width })));
    return boxes.sort((a, b) => a.x - b.x).map((b) => Math.round(b.width));
}

if (!existsSync(join(E2E, 'cs/node_modules/.bin/code-server'))) {
    console.error('code-server is not built: run `bash test/e2e/setup.sh` first');
    process.exit(2);
}

// ---- 1. package and install
const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
const vsix = join(REPO, `inv-${version}.vsix`);
if (!process.argv.includes('--no-package') || !existsSync(vsix)) {
    log('npm run package');
    const p = spawnSync('npm', ['run', 'package'], { cwd: REPO, encoding: 'utf8' });
    if (p.status !== 0) {
        console.error(p.stdout, p.stderr);
        process.exit(1);
    }
}
const dir = mkdtempSync('/tmp/inv-e2e-');   // short: unix socket paths are limited
const ws = makeWorkspace(join(dir, 'ws'));
const home = codeServerHome(join(dir, 'h'));
log('install', installExtension(home, vsix).split('\n').pop());

const server = await startCodeServer(home, ws, { smokeTestDriver: true });
log('code-server at', server.url);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
const outside = new Set();
try {
    // ---- 2. as a user
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    page.on('pageerror', (e) => log('page error:', e.message.slice(0, 300)));
    page.on('request', (r) => {
        const u = r.url();
        // *.vscode-resource.vscode-cdn.net is the webview's virtual host: its service worker answers it.
        const local = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost)[:/]/.test(u) || /^https:\/\/[^/]+\.vscode-resource\.vscode-cdn\.net\//.test(u);
        if (/^(https?|wss?):/.test(u) && !local) outside.add(u);
    });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    const openFile = async (name) => {
        const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
        await row.waitFor({ timeout: 60000 });
        await row.click();
        await page.locator('.tab', { hasText: name }).first().waitFor({ timeout: 30000 });
    };
    const lensTexts = async () => (await page.locator('.codelens-decoration').allTextContents()).map((t) => t.trim());
    /** The `▶ Run` lens over the n-th block from the top (lenses are not in line order in the DOM). */
    const runLens = async (n) => {
        const lenses = page.locator('.codelens-decoration a', { hasText: '▶ Run' });
        await lenses.nth(n).waitFor({ timeout: 60000 });
        const tops = await Promise.all((await lenses.all()).map(async (l) => ({ lens: l, y: (await l.boundingBox())?.y ?? 0 })));
        return tops.sort((a, b) => a.y - b.y)[n].lens;
    };
    const palette = async (title) => {
        await page.keyboard.press('Control+Shift+P');
        await page.keyboard.type(title);
        await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10000 });
        await page.keyboard.press('Enter');
    };

    await check('paper.inv opens with ▶ Train and ▶ Run lenses', async () => {
        await openFile('paper.inv');
        await page.locator('.codelens-decoration a', { hasText: '▶ Run' }).first().waitFor({ timeout: 90000 });
        await page.locator('.codelens-decoration a', { hasText: '▶ Train' }).first().waitFor({ timeout: 10000 });
        log('paper.inv lenses:', (await lensTexts()).join(' | '));
    });

    await check('a long run shows ■ Cancel with its step, a status item and a notification; Cancel keeps what was found', async () => {
        // quick.inv's second block, Long, runs until cancelled (its box cannot reach its target).
        await openFile('quick.inv');
        await (await runLens(1)).click();
        const cancel = page.locator('.codelens-decoration a', { hasText: /■ Cancel · step \d+\/100000/ }).first();
        await cancel.waitFor({ timeout: 60000 });
        const status = page.locator('.statusbar-item', { hasText: 'inv: Long' }).first();
        await status.waitFor({ timeout: 10000 });
        // The progress notification (with its Cancel button); headless, VS Code keeps it in the
        // notification centre rather than as a toast, so open the centre to see it.
        await page.keyboard.press('Control+Shift+P');
        await page.keyboard.type('Notifications: Show Notifications');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Notifications' }).first().waitFor({ timeout: 10000 });
        await page.keyboard.press('Enter');
        const notification = page.locator('.notifications-center .notification-list-item', { hasText: 'inv: Long' }).first();
        await notification.waitFor({ timeout: 10000 });
        if (!(await notification.locator('.monaco-button', { hasText: 'Cancel' }).count())) throw new Error('the progress notification has no Cancel button');
        log('notification:', JSON.stringify((await notification.innerText()).replace(/\s+/g, ' ')));
        log('running:', JSON.stringify(await cancel.textContent()), '| status:', JSON.stringify((await status.innerText()).trim()));
        // The README's picture: once the panel draws the run, when the lens, the status item and
        // the notification agree.
        await page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame').locator('.live', { hasText: 'Running Long' })
            .waitFor({ timeout: 30000 }).catch(() => undefined);
        const stepOf = (text) => (/step \d+\/100000/.exec(text ?? '') ?? [''])[0];
        for (let i = 0; i < 40; i++) {
            const [a, b, c] = await Promise.all([cancel.textContent(), status.innerText(), notification.innerText()]);
            if (stepOf(a) && stepOf(a) === stepOf(b) && stepOf(b) === stepOf(c)) break;
            await page.waitForTimeout(100);
        }
        await readmeShot(page, 'editor-running.png');
        await page.keyboard.press('Escape');   // close the notification centre
        await page.locator('.tab', { hasText: 'quick.inv' }).first().click();
        // One progress state in one format: lens, status item, notification and panel show the
        // same published snapshot (the lens may lag by one beat, a second, while VS Code redraws it).
        const progressOf = (text) => (/step \d+\/100000(?: · loss [^ ]+)?(?: · \d+ meet)?/.exec(text ?? '') ?? [''])[0];
        const samples = [];
        for (let i = 0; i < 60 && !samples.some((p) => p.lens && p.lens === p.status); i++) {
            const [lensText, statusText] = await Promise.all([cancel.textContent().catch(() => ''), status.innerText().catch(() => '')]);
            samples.push({ lens: progressOf(lensText), status: progressOf(statusText) });
            await page.waitForTimeout(150);
        }
        log('lens | status samples:', JSON.stringify(samples.slice(-3)));
        if (!samples.some((p) => p.lens && p.lens === p.status)) throw new Error('the lens never showed what the status item showed');
        if (!samples.every((p) => / · loss [^ ]+ · \d+ meet$/.test(p.lens) || !p.lens.includes('loss'))) throw new Error(`the lens's progress lacks the meet count: ${samples.at(-1).lens}`);
        const panelFrame = page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
        let live = '';
        for (let i = 0; i < 40 && !/step \d+/.test(live); i++) {
            live = ((await panelFrame.locator('.live').innerText({ timeout: 1000 }).catch(() => '')) || '').replace(/\s+/g, ' ');
            if (!/step \d+/.test(live)) await page.waitForTimeout(250);
        }
        const header = ((await panelFrame.locator('.run-header').innerText({ timeout: 5000 }).catch(() => '')) || '').replace(/\s+/g, ' ');
        log('panel while running:', JSON.stringify(live.slice(0, 160)));
        if (!/Running Long · step \d+\/100000 · loss [^ ]+ · \d+ meet/.test(live)) throw new Error(`the panel's progress is not in the lens's words: ${live}`);
        if (/No results yet/.test(header)) throw new Error('the panel says "No results yet" under "Running…"');
        await cancel.click();
        const cancelled = page.locator('.codelens-decoration a', { hasText: /^■ .* meet · .*cancelled/ }).first();
        await cancelled.waitFor({ timeout: 30000 });
        log('after cancel:', JSON.stringify(await cancelled.textContent()));
        await status.waitFor({ state: 'hidden', timeout: 10000 });
    });

    await check('▶ Run on the Quick lens opens the results panel with the result', async () => {
        await openFile('quick.inv');
        const run = await runLens(0);
        await run.click();
        log('clicked', JSON.stringify(await run.textContent().catch(() => '▶ Run')));
        // webview = <iframe class="webview ready"> (host page) > <iframe id="active-frame"> (our HTML)
        const frame = page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
        const body = frame.locator('body');
        await body.waitFor({ timeout: 60000 });
        let text = '';
        const end = Date.now() + 180000;
        // Until Quick's result is the panel's subject (the panel opened by the Long run shows
        // Long's result, then Quick's progress, until Quick ends).
        const quickShown = async () => /^Quick\b/.test((await frame.locator('#run-title').textContent({ timeout: 1000 }).catch(() => '')) ?? '')
            && await frame.locator('.live').isHidden().catch(() => false);
        while (Date.now() < end) {
            text = ((await body.innerText().catch(() => '')) || '').replace(/\s+/g, ' ');
            if (await quickShown() && /\d+\s*\/\s*64/.test(text) && /x1/.test(text)) break;
            await page.waitForTimeout(500);
        }
        log('panel text:', JSON.stringify(text.slice(0, 400)));
        if (!/x1/.test(text) || !(await quickShown())) throw new Error('the panel does not show the Quick result');
    });

    await check('the results panel opened beside the editor at 40 % of the width, not half', async () => {
        const widths = await groupWidths(page);
        log('editor group widths:', JSON.stringify(widths));
        if (widths.length !== 2) throw new Error(`expected two editor groups, found ${widths.length}`);
        const share = widths[1] / (widths[0] + widths[1]);
        if (share < 0.35 || share > 0.45) throw new Error(`the panel takes ${(100 * share).toFixed(0)} % of the width`);
    });

    await check('the summary lens and the inlay hints show the result in the editor', async () => {
        // bring the editor back to the front (the panel opened beside it)
        await page.locator('.tab', { hasText: 'quick.inv' }).first().click();
        const summary = page.locator('.codelens-decoration a', { hasText: /^[✓⚠■✗] .* meet · / }).first();
        await summary.waitFor({ timeout: 60000 });
        log('summary lens:', JSON.stringify(await summary.textContent()));
        const lines = page.locator('.monaco-editor .view-lines').first();
        let text = '';
        // Quick's hints (the Long block below has its own from its cancelled run).
        const quickHints = (t) => /tolerance 5\s?→ y = /.test(t) && /bound x1\s?= [^,]*, x2\s?= [^i]*in \[0, 500\]/.test(t);
        for (let i = 0; i < 60 && !quickHints(text); i++) {
            text = (await lines.innerText()).replace(/\u00a0/g, ' ');
            if (!quickHints(text)) await page.waitForTimeout(500);
        }
        const hintLines = text.split('\n').filter((l) => /→ y = |bound x1/.test(l));
        log('editor lines with inlay hints:', JSON.stringify(hintLines));
        if (!hintLines.some((l) => /→ y = /.test(l))) throw new Error('no inlay hint with the achieved y');
        // Each value where it is named, whole: no hint is cut short.
        const bound = hintLines.find((l) => /bound x1\s?(=[^,]*)?, x2\s?(=[^i]*)?in \[0, 500\]/.test(l));
        if (!/bound x1 ?= [0-9.e+-]+, x2 ?= [0-9.e+-]+ in \[0, 500\]/.test(bound ?? '')) throw new Error(`the bound line does not show each feature's value: ${bound}`);
        if (hintLines.some((l) => l.includes('…'))) throw new Error('an inlay hint is cut short');
        const best = page.locator('.codelens-decoration a', { hasText: /^best x1 = / }).first();
        await best.waitFor({ timeout: 10000 });
        log('best lens:', JSON.stringify(await best.textContent()));
        if (!/^best x1 = [0-9.e+-]+ · x2 = [0-9.e+-]+ · x3 = [0-9.e+-]+$/.test((await best.textContent()) ?? '')) throw new Error('the best lens does not list every free feature');
        // The README's pictures of the editor: the editor group alone, the panel set aside.
        await palette('View: Toggle Maximize Editor Group');
        await page.mouse.move(0, 0);
        await page.waitForTimeout(800);
        await readmeShot(page.locator('.editor-group-container').first(), 'editor-results.png');
    });

    await check("a hint's tooltip has its figures in full; the block's hover has everything the run found", async () => {
        // The editor writes spaces as U+00A0: match with \s.
        const hint = page.locator('.view-lines').getByText(/→\sy\s=\s/).last();
        await hint.hover();
        const tooltip = page.locator('.monaco-hover:visible', { hasText: 'solutions meet every target' }).first();
        await tooltip.waitFor({ timeout: 15000 });
        log('hint tooltip:', JSON.stringify((await tooltip.innerText()).replace(/\s+/g, ' ').slice(0, 160)));
        await page.mouse.move(0, 0);
        await page.keyboard.press('Escape');
        const name = page.locator('.view-lines').getByText(/^Quick$/).first();
        await name.hover();
        const hover = page.locator('.monaco-hover:visible', { hasText: 'last run' }).first();
        await hover.waitFor({ timeout: 15000 });
        const hoverText = (await hover.innerText()).replace(/\s+/g, ' ');
        log('block hover:', JSON.stringify(hoverText.slice(0, 200)));
        if (!/input best spread x1 [0-9.]+ [0-9.e-]+ x2 [0-9.]+ [0-9.e-]+ x3 [0-9.]+ [0-9.e-]+ x4 10 fixed/.test(hoverText)) throw new Error('the hover lacks the best solution');
        await page.waitForTimeout(300);
        await readmeShot(page.locator('.editor-group-container').first(), 'editor-hover.png');
        await page.mouse.move(0, 0);
        await page.keyboard.press('Escape');
    });

    await check('completion offers the fields the block may still have, and inputs with their domain', async () => {
        try {
            const seed = page.locator('.view-line', { hasText: /seed\s7/ }).first();
            await seed.click();
            await page.keyboard.press('End');
            await page.keyboard.press('Enter');
            await page.keyboard.press('Control+Space');
            const widget = page.locator('.suggest-widget.visible').first();
            await widget.waitFor({ timeout: 15000 });
            await page.waitForTimeout(500);
            // The widget draws only the rows in view (12 at most): page down through the list to read them all.
            const labels = [];
            const readRows = async () => {
                for (const t of await widget.locator('.monaco-list-row .label-name').allTextContents()) if (!labels.includes(t.trim())) labels.push(t.trim());
            };
            await readRows();
            await readmeShot(page.locator('.editor-group-container').first(), 'editor-completion.png');
            for (let i = 0; i < 3; i++) {
                await page.keyboard.press('PageDown');
                await page.waitForTimeout(200);
                await readRows();
            }
            log('completion in Quick:', JSON.stringify(labels));
            for (const present of ['seed', 'solutions', 'steps', 'oracle']) if (labels.includes(present)) throw new Error(`offers ${present}, which Quick already has`);
            for (const wanted of ['tolerance', 'stop outside bounds', 'method']) if (!labels.includes(wanted)) throw new Error(`does not offer ${wanted}`);
            await page.keyboard.press('Escape');
            await page.keyboard.type('bound ');
            await page.keyboard.press('Control+Space');
            await widget.waitFor({ timeout: 15000 });
            await page.waitForTimeout(500);
            const row = widget.locator('.monaco-list-row', { hasText: 'x3' }).first();
            const detail = ((await row.innerText()) ?? '').replace(/\s+/g, ' ');
            log('completion after bound:', JSON.stringify(detail));
            if (!/x3 input in \[0, 500\]/.test(detail)) throw new Error('x3 does not show its domain');
        } finally {
            // Undo the edits and bring the panel back beside the editor even when a step failed,
            // so that the checks after this one see the layout they expect.
            await page.keyboard.press('Escape');
            for (let i = 0; i < 3; i++) await page.keyboard.press('Control+Z');
            await page.keyboard.press('Control+S');
            if ((await groupWidths(page)).length < 2) await palette('View: Toggle Maximize Editor Group');
        }
    });

    await check("the language server's output says what ran, once per click", async () => {
        await palette('inv: Show Language Server Output');
        const output = page.locator('.part.panel .monaco-editor .view-lines').first();
        await output.waitFor({ timeout: 15000 });
        let text = '';
        for (let i = 0; i < 20 && !/Quick ended/.test(text); i++) {
            text = (await output.innerText()).replace(/\u00a0/g, ' ');
            if (!/Quick ended/.test(text)) await page.waitForTimeout(500);
        }
        // The output view wraps long lines: read it as one text, an entry per timestamp.
        const entries = text.replace(/\s+/g, ' ').split(/(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[)/).filter((l) => /run-\d+/.test(l));
        log('server output:', JSON.stringify(entries.slice(0, 8)));
        if (!entries.some((l) => /run-\d+: inversion Long of quick\.inv \(generator, 256 solutions, 100000 steps, seed 3, backend auto\) started\./.test(l))) throw new Error('no log of the Long run');
        if (!entries.some((l) => /engine worker started \(process \d+\)/.test(l))) throw new Error('no log of the engine worker');
        // One click, one run: the client does not also run the server's command.
        if (entries.filter((l) => /inversion Quick of quick\.inv .* started/.test(l)).length !== 1) throw new Error('Quick started more than once for one click');
        await readmeShot(page.locator('.part.panel').first(), 'editor-output.png');
        await page.keyboard.press('Control+J');   // hide the panel again
    });
    await check('Export JSON in the panel writes the results file through the save dialog', async () => {
        const frame = page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
        await frame.getByRole('button', { name: 'Export JSON' }).click();
        // code-server's save dialog is VS Code's simple file dialog (a quick input holding the path)
        const input = page.locator('.quick-input-widget input').first();
        await input.waitFor({ timeout: 30000 });
        log('save dialog path:', JSON.stringify(await input.inputValue()));
        await page.keyboard.press('Enter');
        const written = join(ws, 'Quick.json');
        for (let i = 0; i < 40 && !existsSync(written); i++) await page.waitForTimeout(250);
        const saved = JSON.parse(readFileSync(written, 'utf8'));
        if (!Array.isArray(saved) || saved[0]?.name !== 'Quick' || saved[0]?.schema !== 'inv-result/1') throw new Error('Quick.json is not the results file');
        log('exported', written, `${saved[0].solutions.length} solutions`);
    });

    await check('after a reload the panel is revived with its result and the inline results are still there', async () => {
        await page.waitForTimeout(2000);   // let the browser workbench store its state
        await page.reload();
        await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
        const frame = page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
        const body = frame.locator('body');
        let text = '';
        for (let i = 0; i < 120 && !/Quick/.test(text); i++) {
            text = ((await body.innerText({ timeout: 1000 }).catch(() => '')) || '').replace(/\s+/g, ' ');
            if (!/Quick/.test(text)) await page.waitForTimeout(500);
        }
        log('revived panel:', JSON.stringify(text.slice(0, 120)));
        if (!/Quick/.test(text)) throw new Error('the panel was not revived with the Quick result');
        // the results come back from the server's cache in the workspace storage
        await page.locator('.tab', { hasText: 'quick.inv' }).first().click();
        const summary = page.locator('.codelens-decoration a', { hasText: /^[✓⚠■✗] .* meet · / }).first();
        await summary.waitFor({ timeout: 60000 });
        log('summary lens after reload:', JSON.stringify(await summary.textContent()));
    });

    await check('▶ Train draws the training curve in the panel, which stays where and as wide as it was', async () => {
        const before = await groupWidths(page);
        await openFile('train.inv');
        const train = page.locator('.codelens-decoration a', { hasText: '▶ Train' }).first();
        await train.waitFor({ timeout: 60000 });
        await train.click();
        const frame = page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
        const body = frame.locator('body');
        let text = '';
        for (let i = 0; i < 240 && !/Trained Small/.test(text); i++) {
            text = ((await body.innerText({ timeout: 1000 }).catch(() => '')) || '').replace(/\s+/g, ' ');
            if (!/Trained Small/.test(text)) await page.waitForTimeout(500);
        }
        log('panel after ▶ Train:', JSON.stringify(text.slice(0, 300)));
        if (!/Trained Small: test RMSE/.test(text)) throw new Error('the panel does not say what the training reached');
        const label = await frame.locator('.loss-chart').getAttribute('aria-label');
        log('loss chart:', JSON.stringify(label));
        if (!/^Training loss of Small: \d+ points/.test(label ?? '')) throw new Error('no training curve in the panel');
        const after = await groupWidths(page);
        if (after.length !== before.length || Math.abs(after[1] - before[1]) > 2) throw new Error(`the panel moved or resized: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
        await page.screenshot({ path: join(OUT, 'train-small.png') });
    });

    if (results.some((r) => !r.ok)) await page.screenshot({ path: join(OUT, 'failure.png') }).catch(() => undefined);
    await page.close();

    // ---- 3. the extension-host scenario (extension loaded from its folder, like @vscode/test-web)
    await check('extension-host scenario (test/e2e/suite) passes in code-server', async () => {
        const host = new URL(server.url).host;
        const remote = (p) => `vscode-remote://${host}${p}`;
        const payload = JSON.stringify([['extensionDevelopmentPath', remote(REPO)], ['extensionTestsPath', remote(join(REPO, 'test/e2e/suite/index.cjs'))]]);
        const ws2 = makeWorkspace(join(dir, 'ws2'));
        const p = await browser.newPage({ viewport: { width: 1500, height: 900 } });
        let done;
        const exited = new Promise((r) => (done = r));
        await p.exposeFunction('codeAutomationLog', (type, args) => {
            const line = args.map(String).join(' ');
            if (/EXTTEST|AssertionError|Error:/.test(line)) console.log(`    [exthost] ${line.split('\n').slice(0, 3).join(' / ')}`);
        });
        await p.exposeFunction('codeAutomationExit', (code) => done(code));
        await p.goto(`${server.url}/?folder=${encodeURIComponent(ws2)}&payload=${encodeURIComponent(payload)}`);
        const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 300000))]);
        await p.screenshot({ path: join(OUT, 'exthost.png') }).catch(() => undefined);
        await p.close();
        if (code !== 0) throw new Error(`extension-host tests exit code ${code}`);
    });
} finally {
    await server.stop();
    copyFileSync(server.logPath, join(OUT, 'code-server.log'));
}

// ---- 4. an untrusted workspace: the extension edits and validates but does not run
await check('in an untrusted workspace the lens says runs are off', async () => {
    const untrustedHome = codeServerHome(join(dir, 'u'), { trust: true });
    installExtension(untrustedHome, vsix);
    const ws3 = makeWorkspace(join(dir, 'ws3'));
    const restricted = await startCodeServer(untrustedHome, ws3, { trust: true });
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    try {
        await page.goto(`${restricted.url}/?folder=${encodeURIComponent(ws3)}`);
        await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
        // VS Code may ask whether to trust the folder: answer no (else it opens in Restricted Mode by itself).
        const no = page.getByRole('button', { name: /No, I don't trust/ });
        const restrictedBadge = page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first();
        for (let i = 0; i < 60 && !(await restrictedBadge.isVisible()); i++) {
            if (await no.isVisible()) await no.click();
            await page.waitForTimeout(500);
        }
        await restrictedBadge.waitFor({ timeout: 5000 });
        const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'quick.inv' }).first();
        await row.waitFor({ timeout: 60000 });
        const tab = page.locator('.tab', { hasText: 'quick.inv' }).first();
        for (let i = 0; i < 10 && !(await tab.isVisible()); i++) {
            await row.dblclick();
            await page.waitForTimeout(1000);
        }
        // a lens without a command renders as a span, not a link
        const lens = page.locator('.codelens-decoration span', { hasText: 'Untrusted workspace' }).first();
        await lens.waitFor({ timeout: 60000 });
        log('untrusted lens:', JSON.stringify(await lens.textContent()));
        // ▶ Run is still there; clicking it explains instead of running
        await page.locator('.codelens-decoration a', { hasText: '▶ Run' }).first().click();
        const toast = page.locator('.notifications-toasts', { hasText: 'untrusted workspace' }).first();
        await toast.waitFor({ timeout: 30000 });
        log('after ▶ Run:', JSON.stringify((await toast.innerText()).split('\n').find((l) => l.includes('untrusted'))));
        await page.waitForTimeout(700);
        await page.screenshot({ path: join(OUT, 'untrusted.png') });
    } catch (e) {
        await page.screenshot({ path: join(OUT, 'untrusted-failure.png') }).catch(() => undefined);
        throw e;
    } finally {
        await page.close();
        await restricted.stop();
    }
});
await browser.close();
if (outside.size) log('requests to non-loopback hosts:', [...outside]);
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
// keep the temporary workspaces and code-server homes only when something failed (to look at)
if (!failed) rmSync(dir, { recursive: true, force: true });
else log('kept for inspection:', dir);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
