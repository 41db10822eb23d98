// The extension-host scenario, shared by both real-VS-Code runs: code-server's Node extension
// host (test/e2e/run.mjs loads it through `extensionTestsPath`) and @vscode/test-electron
// (test/e2e/electron/run.mjs). It runs INSIDE the extension host with the full `vscode` API,
// against the workspace test/e2e/workspace.mjs makes (examples/paper + quick.inv).
// Plain CommonJS so both hosts load it without a build step.
const vscode = require('vscode');
const assert = require('node:assert/strict');

const log = (...a) => console.log('EXTTEST', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, timeoutMs) {
    const end = Date.now() + timeoutMs;
    for (;;) {
        const value = await fn();
        if (value) return value;
        if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
        await sleep(250);
    }
}

const lenses = (uri) => vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri);
const titles = async (uri) => ((await lenses(uri)) || []).map((l) => (l.command && l.command.title) || '');
const hintLabel = (h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

let folder;
let quick;

test('the extension activates on an .inv file and the language server gives lenses', async () => {
    [folder] = vscode.workspace.workspaceFolders;
    quick = vscode.Uri.joinPath(folder.uri, 'quick.inv');
    const doc = await vscode.workspace.openTextDocument(quick);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'inv');
    const t = await until('the ▶ Run lens', async () => (await titles(quick)).find((x) => x.includes('Run')), 60000);
    log('lens:', t);
});

test('paper.inv shows ▶ Train over its oracle and ▶ Run over its inversions', async () => {
    const paper = vscode.Uri.joinPath(folder.uri, 'paper.inv');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(paper), { preview: false });
    const all = await until('paper.inv lenses', async () => {
        const t = await titles(paper);
        return t.some((x) => x.includes('Train')) && t.filter((x) => x.includes('Run')).length >= 4 ? t : null;
    }, 60000);
    log('paper.inv lenses:', all.join(' | '));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(quick));
});

test('running the Quick inversion from its lens ends with a summary lens', async () => {
    const run = ((await lenses(quick)) || []).find((l) => l.command && l.command.command === 'inv.run');
    assert.ok(run, 'a lens with the inv.run command');
    assert.deepEqual(run.command.arguments[0], { uri: quick.toString(), name: 'Quick' });
    await vscode.commands.executeCommand(run.command.command, ...run.command.arguments);
    const summary = await until('the summary lens', async () => (await titles(quick)).find((x) => /^[✓⚠■✗] .* meet · /.test(x)), 180000);
    log('summary lens:', summary);
    assert.match(summary, /meet · [0-9.]+ s · \w+/);
});

test('inlay hints show the achieved output at the target and the free features', async () => {
    const doc = await vscode.workspace.openTextDocument(quick);
    const range = new vscode.Range(0, 0, doc.lineCount, 0);
    const hints = await until('inlay hints', async () => {
        const h = (await vscode.commands.executeCommand('vscode.executeInlayHintProvider', quick, range)) || [];
        return h.length ? h : null;
    }, 30000);
    const labels = hints.map(hintLabel);
    log('inlay hints:', labels.join(' | '));
    assert.ok(labels.some((l) => l.startsWith('→ y = ')), 'a hint with the achieved y');
    assert.ok(labels.some((l) => /x1 = [-0-9.e+]+ · spread/.test(l)), 'a hint with x1 and its spread');
});

test('hover on a feature shows the last run', async () => {
    const doc = await vscode.workspace.openTextDocument(quick);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('bound x1'));
    const position = new vscode.Position(line, doc.lineAt(line).text.indexOf('x1') + 1);
    const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', quick, position)) || [];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    log('hover:', text.replace(/\s+/g, ' ').slice(0, 200));
    assert.match(text, /[Ll]ast run/);
});

test('editing the file marks the result stale', async () => {
    const doc = await vscode.workspace.openTextDocument(quick);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// edited\n'));
    const stale = await until('a stale lens', async () => (await titles(quick)).find((x) => x.includes('stale')), 30000);
    log('after edit:', stale);
    await vscode.commands.executeCommand('undo');
});

exports.run = async function run() {
    let passed = 0;
    let failed = 0;
    for (const t of tests) {
        try {
            await t.fn();
            passed++;
            log(`ok ${t.name}`);
        } catch (e) {
            failed++;
            log(`FAILED ${t.name}: ${e && e.stack ? e.stack : e}`);
        }
    }
    log(`${passed} passed, ${failed} failed`);
    if (failed) throw new Error(`${failed} extension-host test(s) failed`);
};
