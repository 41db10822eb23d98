/**
 * The engine's public face, for the CLI, the worker process and the benchmarks. Input is a
 * validated spec (spec.ts), output an InvResult (results.ts) for an inversion (runInversion) or
 * a synthesis (runSynthesis); nothing here knows Langium or
 * VS Code. Errors a user must read are EngineErrors; a cancelled run is not an error (its
 * result says "cancelled").
 */
export { initBackend, listBackends, type BackendReport } from './backend/backend.js';
export { EngineError } from './contract/errors.js';
export { runInversion, type RunOptions, type RunProgressEvent } from './inversion/invert.js';
export { runSynthesis } from './synthesis/synthesize.js';
export { trainOracle, type TrainOptions, type TrainProgress, type TrainReport } from './oracle/train.js';
export { DEFAULT_DIVERSITY } from './contract/spec.js';
