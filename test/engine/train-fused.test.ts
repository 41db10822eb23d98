// The train suite (train.test.ts) again, on the fused kernel (backend wasm-fused).
process.env.INV_ENGINE_TEST_BACKEND = 'wasm-fused';
await import('./train.test.js');
