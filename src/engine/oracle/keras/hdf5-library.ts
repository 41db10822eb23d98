/**
 * The entry of out/hdf5.cjs (esbuild.mjs): h5wasm, bundled on its own so that only a run
 * that reads a .keras model loads its 4 MB of WebAssembly (keras-weights.ts).
 */
export { default } from 'h5wasm/node';
