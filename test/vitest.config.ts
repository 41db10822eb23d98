import { defineConfig } from 'vitest/config';

import { fileURLToPath } from 'node:url';

export default defineConfig({
    root: fileURLToPath(new URL('..', import.meta.url)),
    test: {
        include: ['test/**/*.test.ts'],
        // Needs a WebGPU adapter: `npm run test:webgpu` (test/webgpu/run.sh) runs it.
        exclude: ['**/node_modules/**', 'test/webgpu/**'],
        // Langium 4.4's parser (chevrotain 13) calls Object.groupBy, which Node 20 lacks.
        setupFiles: ['object.groupby/auto'],
        testTimeout: 60_000,
        hookTimeout: 120_000,
        // Engine tests hold the TF.js backend (global state): one file at a time per worker.
        pool: 'forks',
    },
});
