/**
 * The language server never loads TensorFlow.js or HDF5 (DESIGN.md): validating and hovering
 * an ONNX or Keras model reads it with the TF-free summary. Checked on the bundle it ships.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const SERVER = fileURLToPath(new URL('../../out/server.cjs', import.meta.url));

test('out/server.cjs bundles the model summaries but no TensorFlow.js and no h5wasm', () => {
    expect(existsSync(SERVER), 'run `npm run build` first (npm test does)').toBe(true);
    const bundle = readFileSync(SERVER, 'utf8');
    expect(bundle).toContain('summariseImportedModel');
    expect(bundle).not.toMatch(/@tensorflow\/tfjs|tfjs-core/);
    expect(bundle).not.toMatch(/h5wasm|hdf5_util/);
});
