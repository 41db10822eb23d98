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
    // One short hint after each bounded feature's name (x1, x2), the full figures in its tooltip.
    const line = doc.getText().split('\n').findIndex((l) => l.includes('bound x1, x2'));
    const bound = hints.filter((h) => h.position.line === line);
    assert.equal(bound.length, 2);
    assert.ok(bound.every((h) => /^= [-0-9.e+]+$/.test(hintLabel(h))), 'the value after each name');
    // VS Code cuts a line's hints beyond 43 characters in all.
    const perLine = new Map();
    for (const h of hints) perLine.set(h.position.line, (perLine.get(h.position.line) || 0) + hintLabel(h).length);
    assert.ok([...perLine.values()].every((n) => n <= 43), 'every line\'s hints fit in 43 characters');
    const tooltip = typeof bound[0].tooltip === 'string' ? bound[0].tooltip : bound[0].tooltip.value;
    assert.match(tooltip, /^\*\*x1\*\* = [0-9.]+ in the best of 64 solutions/);
});

test('completion: no field the block has, the valid ones, inputs with their domain', async () => {
    const doc = await vscode.workspace.openTextDocument(quick);
    const lines = doc.getText().split('\n');
    const line = lines.findIndex((l) => l.includes('seed 7'));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(line + 1, 0), '  \n'));
    try {
        const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', quick, new vscode.Position(line + 1, 2));
        const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        log('completion:', labels.join(', '));
        for (const present of ['oracle', 'seed', 'steps', 'solutions']) assert.ok(!labels.includes(present), `offers ${present}, already there`);
        for (const wanted of ['tolerance', 'stop outside bounds', 'target', 'method']) assert.ok(labels.includes(wanted), `offers ${wanted}`);
    } finally {
        await vscode.commands.executeCommand('undo');
    }
});

test('hover on the block: everything its last run found', async () => {
    const doc = await vscode.workspace.openTextDocument(quick);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('inversion Quick'));
    const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', quick, new vscode.Position(line, 'inversion Q'.length))) || [];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*last run\*\*: [✓⚠] y = /);
    assert.match(text, /\| `x4` \| 10 \| fixed \|/);
});

test('the server lists the lens commands for other editors; the extension keeps them its own', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['inv.run', 'inv.train', 'inv.cancel', 'inv.openResults']) assert.ok(commands.includes(id), id);
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

test('a comment leaves the result fresh; editing its block makes it stale', async () => {
    const doc = await vscode.workspace.openTextDocument(quick);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// edited\n'));
    await sleep(1500);
    assert.ok(!(await titles(quick)).some((x) => x.includes('stale')), 'a comment made it stale');
    const line = doc.getText().split('\n').findIndex((l) => l.includes('steps 300'));
    await editor.edit((e) => e.replace(new vscode.Range(line, 0, line, doc.lineAt(line).text.length), '  steps 301'));
    const stale = await until('a stale lens', async () => (await titles(quick)).find((x) => x.includes('stale')), 30000);
    log('after edit:', stale);
    await vscode.commands.executeCommand('undo');
    await vscode.commands.executeCommand('undo');
    await until('a fresh lens again', async () => !(await titles(quick)).some((x) => x.includes('stale')), 30000);
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
