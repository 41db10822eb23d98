// Bundles every entry point. Node bundles are CommonJS (VS Code loads extensions as CJS;
// Langium is ESM-only, so it is bundled in). `--main-fields=module,main` makes TF.js resolve
// to its ESM builds so one tfjs-core instance is shared by tfjs, the layers API and the
// wasm/webgpu backends (tfjs-core's CJS build registers no gradients).
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Never bundled: loaded at run time when a user has them (see src/engine/backend/backend.ts).
const optionalNative = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu'];
// h5wasm (HDF5 for .keras weights) embeds 4 MB of WebAssembly: it is a bundle of its own,
// out/hdf5.cjs, that keras-weights.ts loads only when a .keras model is read.
const ownBundles = ['h5wasm/node'];

const node = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    external: [...optionalNative, ...ownBundles, 'vscode'],
    // import.meta.url is used by some ESM dependencies; give it a CJS meaning.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

const builds = [
    { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'out', outExtension: { '.js': '.cjs' },
      banner: { js: '#!/usr/bin/env node\n' + node.banner.js } },
    { ...node, entryPoints: { server: 'src/server/main.ts' }, outdir: 'out', outExtension: { '.js': '.cjs' } },
    { ...node, entryPoints: { worker: 'src/engine/worker.ts' }, outdir: 'out', outExtension: { '.js': '.cjs' } },
    { ...node, entryPoints: { extension: 'src/extension/main.ts' }, outdir: 'out', outExtension: { '.js': '.cjs' } },
    { ...node, entryPoints: { hdf5: 'src/engine/oracle/keras/hdf5-library.ts' }, outdir: 'out', outExtension: { '.js': '.cjs' },
      external: [...optionalNative, 'vscode'], sourcemap: false },
    // The engine's public API for `npm run bench` (bench/run.mjs); not shipped in the vsix.
    { ...node, entryPoints: { bench: 'bench/engine-api.ts' }, outdir: 'out', outExtension: { '.js': '.cjs' } },
    {
        bundle: true, platform: 'browser', format: 'iife', target: 'es2022',
        entryPoints: { webview: 'src/webview/main.ts' }, outdir: 'out', sourcemap: !production, minify: production,
        logLevel: 'warning', loader: { '.css': 'css' },
    },
];

function copyWasmBinaries() {
    // The wasm backend fetches its .wasm files at run time from the folder given to setWasmPaths.
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist';
    mkdirSync('out/wasm', { recursive: true });
    for (const f of readdirSync(dist).filter((f) => f.endsWith('.wasm'))) cpSync(join(dist, f), join('out/wasm', f));
    // HiGHS, the LP solver of `require` relations (src/engine/contract/linear-program.ts).
    cpSync(require.resolve('highs/runtime'), 'out/wasm/highs.wasm');
}


/**
 * The fused dense-network kernel (src/engine/nn/fused/assembly/, AssemblyScript) compiled to
 * out/dense-kernel.wasm: WebAssembly SIMD128, no runtime (the engine lays out its memory).
 */
async function buildKernel() {
    const asc = (await import('assemblyscript/asc')).default;
    const { error, stderr } = await asc.main([
        'src/engine/nn/fused/assembly/dense-kernel.ts',
        '--outFile', 'out/dense-kernel.wasm',
        '-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd',
        '--initialMemory', '2',
    ]);
    if (error) throw new Error(`the fused kernel did not compile:\n${stderr.toString()}`);
}

if (watch) {
    await buildKernel();
    for (const b of builds) await (await esbuild.context(b)).watch();
} else {
    await Promise.all([...builds.map((b) => esbuild.build(b)), buildKernel()]);
    copyWasmBinaries();
    chmodSync('out/cli.cjs', 0o755);
}
