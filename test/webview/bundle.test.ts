/**
 * What goes into out/webview.js: browser code only. Built here with esbuild's metafile (the
 * same options as esbuild.mjs) so the test sees every input module, not a guess from text.
 */
import { describe, expect, it } from 'vitest';
import * as esbuild from 'esbuild';
import { REPO } from './panel-page.js';

describe('webview bundle', () => {
    it('holds no Node module, no vscode-jsonrpc, only the chart parts it uses', async () => {
        const result = await esbuild.build({
            absWorkingDir: REPO, entryPoints: ['src/webview/main.ts'], bundle: true, platform: 'browser', format: 'iife',
            target: 'es2022', loader: { '.css': 'css' }, outdir: 'out', write: false, metafile: true, minify: true, logLevel: 'silent',
        });
        // Modules with code in the output (the chart barrel is parsed whole, then tree-shaken).
        const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint === 'src/webview/main.ts')!;
        const inputs = [...Object.entries(output.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([name]) => name),
            ...Object.keys(result.metafile.inputs).filter((i) => i.endsWith('.css'))];
        expect(inputs.filter((i) => i.includes('vscode-jsonrpc') || i.includes('vscode-languageserver'))).toEqual([]);
        expect(inputs.filter((i) => i.startsWith('node:') || /node_modules\/(@types\/node|fs|path)\//.test(i))).toEqual([]);
        expect(inputs).toContain('src/webview/panel.css');
        // ECharts from its modules (echarts/core + the charts used), not the full build.
        expect(inputs.some((i) => i.includes('node_modules/echarts/lib/chart/parallel'))).toBe(true);
        expect(inputs.some((i) => i.includes('node_modules/echarts/lib/chart/pie'))).toBe(false);
        expect(inputs.some((i) => i.endsWith('echarts/dist/echarts.js'))).toBe(false);
        const js = result.outputFiles.find((f) => f.path.endsWith('main.js') || f.path.endsWith('.js'))!;
        expect(js.text).not.toMatch(/\brequire\(["']/);
        // A budget, so a careless import shows: minified, about 0.6 MB today.
        expect(js.contents.byteLength).toBeLessThan(900_000);
    });
});
