import 'object.groupby/auto';
/**
 * What bench/run.mjs needs from inv, bundled by esbuild to out/bench.cjs: the engine's public
 * API (the same the CLI and the worker use), the .inv translation, and tf.memory().
 */
export { initBackend, listBackends, runInversion, trainOracle } from '../src/engine/index.js';
export { tf } from '../src/engine/backend/tf.js';
export { loadInvDocuments } from '../src/cli/document.js';
export { runBlocks, toOracleSpec, toRunSpec } from '../src/language/to-spec.js';
export { isOracle } from '../src/language/generated/ast.js';
// Imported models (bench/import-bench.mjs): loading and summarising, and the tests' ONNX writer.
export { loadImportedModel } from '../src/engine/oracle/imported-model.js';
export { readModelSummary } from '../src/engine/contract/model-summary.js';
export { mlpBytes } from '../test/engine/imported-models/onnx-writer.js';
// bench/inverse/support-check.mjs: the oracle and the support measure, judged on the true functions.
export { loadOracle } from '../src/engine/oracle/oracle.js';
export { DataSupport } from '../src/engine/inversion/support.js';
