import { defineConfig } from 'vitest/config';

import { fileURLToPath } from 'node:url';

export default defineConfig({
    root: fileURLToPath(new URL('..', import.meta.url)),
    test: {
        include: ['test/**/*.test.ts'],
        // Needs a WebGPU adapter: `npm run test:webgpu` (test/webgpu/run.sh) runs it.
        exclude: ['**/node_modules/**', 'test/webgpu/**'],
        // The run's own TMPDIR, checked empty at the end; every file's temporary folders
        // removed after it (test/support/).
        globalSetup: ['test/support/private-tmpdir.ts'],
        setupFiles: ['test/support/cleanup.ts'],
        testTimeout: 60_000,
        hookTimeout: 120_000,
        // Engine tests hold the TF.js backend (global state): one file at a time per worker.
        pool: 'forks',
    },
});
