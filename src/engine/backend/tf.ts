/**
 * The one place the engine's TensorFlow.js comes from. Every engine file imports `tf` from
 * here (an ES live binding), never from '@tensorflow/tfjs' directly.
 *
 * Why: @tensorflow/tfjs-node(-gpu), when a user has it, brings its own tfjs-core instance
 * (the bundled CLI carries another). Its native backend is registered only in its own
 * instance, so after `adoptTf(tfjsNode)` every model, tensor and optimizer must be made
 * through its namespace, or that backend would be invisible to them.
 */
import * as bundled from '@tensorflow/tfjs';

export type Tf = typeof bundled;

export let tf: Tf = bundled;

/** Makes `ns` (a namespace that re-exports @tensorflow/tfjs, e.g. tfjs-node) the engine's tf. */
export function adoptTf(ns: Tf): void {
    tf = ns;
}

/** The namespace the engine was built with (the bundled one), for backends that register into it. */
export const bundledTf: Tf = bundled;
