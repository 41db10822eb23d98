/**
 * What the .vsix ships (`vsce ls`, through vsce's own listFiles): the bundles the extension
 * loads and what they load, the grammar, the README with its pictures — and nothing else (no
 * out/bench.cjs, no source maps, no sources, no node_modules).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface Vsce {
    listFiles(options: { cwd?: string; packageManager?: number }): Promise<string[]>;
    PackageManager: { None: number };
}

describe('the .vsix', () => {
    it('ships the bundles and what they load, nothing else', async () => {
        const vsce = (await import('@vscode/vsce')) as unknown as Vsce;
        const files = (await vsce.listFiles({ cwd: REPO, packageManager: vsce.PackageManager.None })).sort();
        const pictures = readdirSync(new URL('../../docs/images/', import.meta.url)).filter((f) => f.endsWith('.png')).map((f) => `docs/images/${f}`);
        expect(pictures.length).toBeGreaterThan(0);
        expect(files).toEqual([
            'LICENSE', 'README.md', ...pictures, 'language-configuration.json',
            'out/cli.cjs', 'out/extension.cjs', 'out/hdf5.cjs', 'out/server.cjs',
            'out/wasm/highs.wasm', 'out/wasm/tfjs-backend-wasm-simd.wasm', 'out/wasm/tfjs-backend-wasm-threaded-simd.wasm', 'out/wasm/tfjs-backend-wasm.wasm',
            'out/dense-kernel.wasm', 'out/webview.css', 'out/webview.js', 'out/worker.cjs', 'package.json', 'syntaxes/inv.tmLanguage.json',
        ].sort());
    });
});
