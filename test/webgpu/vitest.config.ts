import { defineConfig } from 'vitest/config';
import base from '../vitest.config.js';

// Only the webgpu suite: it needs a WebGPU adapter, which test/webgpu/run.sh provides.
// (Not mergeConfig: it would concatenate the include lists.)
export default defineConfig({ ...base, test: { ...base.test, include: ['test/webgpu/**/*.test.ts'], exclude: ['**/node_modules/**'] } });
