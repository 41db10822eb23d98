/**
 * A checked graph (op-analysis.ts) as a differentiable function of TF.js operations:
 * features [n, inputs] → outputs [n, outputs], the graph's outputs side by side in their
 * declared order (a [n] output is one column; log-probabilities become probabilities).
 * A multilayer perceptron runs as the engine's plain dense layers (dense-chain.ts).
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';

import { tf } from '../../backend/tf.js';
import { applyDense, disposeDense, type DenseLayer } from '../../nn/dense-net.js';
import { recogniseDenseChain } from './dense-chain.js';
import type { OpGraph } from './op-graph.js';
import { kernelFor, type Kernel } from './op-kernels.js';

export interface GraphFunction {
    /** Features [n, inputs] → outputs [n, outputs]. */
    apply(x: Tensor2D): Tensor2D;
    /** The model as dense layers when it is a multilayer perceptron (what `apply` runs then). */
    readonly chain: DenseLayer[] | null;
    dispose(): void;
}

export function buildGraphFunction(graph: OpGraph): GraphFunction {
    const layers = recogniseDenseChain(graph);
    if (layers) {
        const chain: DenseLayer[] = layers.map((l) => ({
            kernel: tf.tensor2d(Float32Array.from(l.kernel), [l.inputs, l.outputs]),
            bias: tf.tensor1d(Float32Array.from(l.bias)) as Tensor1D,
            activation: l.activation,
        }));
        return { chain, apply: (x) => applyDense(chain, x), dispose: () => disposeDense(chain) };
    }
    return new GraphProgram(graph);
}

class GraphProgram implements GraphFunction {
    readonly chain = null;
    /** Constants and the outputs of nodes that read only constants, computed once. */
    private readonly fixed = new Map<string, Tensor>();
    private readonly kept: Tensor[] = [];
    private readonly steps: Array<{ inputs: string[]; outputs: string[]; run: Kernel }> = [];

    constructor(private readonly graph: OpGraph) {
        try {
            for (const [name, c] of graph.constants) {
                if (c.data) this.fixed.set(name, this.keep(tf.tensor(Float32Array.from(c.data), c.dims, 'float32')));
            }
            for (const node of graph.nodes) {
                const values = node.inputs.map((i) => (i ? graph.constants.get(i) ?? null : null));
                const run = kernelFor(node, {
                    node,
                    shapes: node.inputs.map((i) => (i ? graph.shapes.get(i) ?? null : null)),
                    values,
                    computed: node.inputs.map((i) => i !== '' && !graph.constants.has(i)),
                    exportedBatch: null,
                    outShapes: node.outputs.map((o) => graph.shapes.get(o) ?? []),
                    keep: (v, dims) => this.keep(tf.tensor(Float32Array.from(v), dims, 'float32')),
                });
                if (node.inputs.every((i) => !i || this.fixed.has(i))) {
                    // Reads only constants (a weight computed in the graph): run it once, now.
                    const outs = tf.tidy(() => run(node.inputs.map((i) => (i ? this.fixed.get(i)! : null))));
                    node.outputs.forEach((o, k) => { if (o && outs[k]) this.fixed.set(o, this.keep(outs[k])); });
                    continue;
                }
                this.steps.push({ inputs: node.inputs, outputs: node.outputs, run });
            }
        } catch (e) {
            this.dispose();
            throw e;
        }
    }

    apply(x: Tensor2D): Tensor2D {
        return tf.tidy(() => {
            const env = new Map<string, Tensor>(this.fixed);
            env.set(this.graph.inputName, x);
            for (const step of this.steps) {
                const outs = step.run(step.inputs.map((i) => (i ? env.get(i)! : null)));
                step.outputs.forEach((o, k) => { if (o && outs[k]) env.set(o, outs[k]); });
            }
            const columns = this.graph.outputs.map((o) => {
                let t = env.get(o.name)!;
                if (o.rank === 1) t = tf.reshape(t, [-1, 1]);
                if (o.logProbabilities) t = tf.exp(t);
                return t as Tensor2D;
            });
            if (columns.length > 1) return tf.concat(columns, 1);
            // The caller owns the result: never hand back the input or a kept constant itself.
            return columns[0] === x || this.kept.includes(columns[0]) ? tf.clone(columns[0]) : columns[0];
        });
    }

    dispose(): void {
        for (const t of this.kept) t.dispose();
        this.kept.length = 0;
        this.fixed.clear();
    }

    private keep<T extends Tensor>(t: T): T {
        tf.keep(t);
        this.kept.push(t);
        return t;
    }
}

