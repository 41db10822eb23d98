import type { BackendChoice } from '../../src/engine/contract/spec.js';

/**
 * The backend the engine suites run on: TF.js wasm, or what INV_ENGINE_TEST_BACKEND says
 * (the *-fused.test.ts files run the same suites on the fused kernel).
 */
export function engineTestBackend(): BackendChoice {
    return (process.env.INV_ENGINE_TEST_BACKEND as BackendChoice | undefined) ?? 'wasm';
}
