/**
 * Checking an imported graph before anything runs: one float input [rows, n], the nodes the
 * outputs need (in an order that computes each input first), every one of them an operator
 * inv imports, constants folded (an exporter's shape arithmetic, a Constant node), the shape
 * of every tensor, and outputs [rows, k]. What does not fit is an UnsupportedModelError that
 * names the operator and the node; the editor shows it on the oracle's `model` line.
 *
 * No TensorFlow.js here: the language server reads models through this file.
 */
import {
    BATCH, UnreadableModelError, UnsupportedModelError, nodeLabel,
    type ConstTensor, type Dim, type GraphOutput, type OpGraph, type OpNode, type RawGraph,
} from './op-graph.js';
import { formatShape, isSupportedOperator, ruleOf, type RuleContext } from './op-rules.js';

/** Nodes a graph output passes through unchanged when deciding whether it is a probability. */
const PASS_THROUGH = new Set(['Identity', 'Dropout', 'Cast']);

export function analyseGraph(raw: RawGraph): OpGraph {
    const inputWidth = checkInput(raw);
    const exportedBatch = typeof raw.input.dims[0] === 'number' && raw.input.dims[0] > 0 ? raw.input.dims[0] : null;
    const producers = new Map<string, OpNode>();
    for (const node of raw.nodes) {
        for (const out of node.outputs) if (out) producers.set(out, node);
    }
    const order = neededNodes(raw, producers);
    checkOperators(order);

    const shapes = new Map<string, Dim[]>([[raw.input.name, [BATCH, inputWidth]]]);
    const values = new Map<string, ConstTensor>();
    const used = usedTensors(order, raw);
    for (const [name, c] of raw.constants) {
        values.set(name, c);
        shapes.set(name, c.dims);
    }
    const computedNodes: OpNode[] = [];
    // Outputs of nodes that read only constants but are not folded here (the engine computes
    // them once, when it builds the model): constants in all but their values.
    const fixed = new Set<string>();
    for (const node of order) {
        const rule = ruleOf(node.op as Parameters<typeof ruleOf>[0]);
        const shapesIn = node.inputs.map((name) => (name ? shapeOf(name, shapes, node) : null));
        const valuesIn = node.inputs.map((name) => (name ? values.get(name) ?? null : null));
        const computed = node.inputs.map((name, i) => name !== '' && valuesIn[i] === null && !fixed.has(name));
        const context: RuleContext = { node, shapes: shapesIn, values: valuesIn, computed, exportedBatch };
        for (const i of rule.constInputs?.(node) ?? []) {
            const name = node.inputs[i] ?? '';
            if (name === '') continue;
            const v = valuesIn[i];
            // Its values (null for a Keras summary, which reads no weights) are read by the rule when it needs them.
            if (!v) throw new UnsupportedModelError(`${nodeLabel(node)} takes input ${i + 1} ("${name}") from values computed while it runs; inv needs it to be a constant`);
        }
        const usable = rule.usableOutputs ?? node.outputs.length;
        node.outputs.forEach((out, i) => {
            if (i >= usable && out && used.has(out)) throw new UnsupportedModelError(`${nodeLabel(node)}: its output ${i + 1} ("${out}") is used, and inv computes only its first output (inference)`);
        });
        const outShapes = rule.shapes(context);
        const allConstant = computed.every((c) => !c) && valuesIn.every((v, i) => v === null ? node.inputs[i] === '' : v.data !== null);
        if (rule.fold && (allConstant || rule.foldsComputed)) {
            const folded = rule.fold(context);
            node.outputs.forEach((out, i) => {
                if (!out || !folded[i]) return;
                values.set(out, folded[i]);
                shapes.set(out, folded[i].dims);
            });
            continue;
        }
        const runsOnRows = computed.some((c) => c);
        node.outputs.forEach((out, i) => {
            if (!out || i >= outShapes.length) return;
            shapes.set(out, outShapes[i]);
            if (!runsOnRows) fixed.add(out);
            else if (i < usable && used.has(out)) checkRows(node, outShapes[i]);
        });
        computedNodes.push(node);
    }

    const outputs = raw.outputs.map((o): GraphOutput => {
        const s = shapes.get(o.name);
        if (!s) throw new UnreadableModelError(`its output "${o.name}" is never computed`);
        if (fixed.has(o.name) || (values.has(o.name) && !computedNodes.some((n) => n.outputs.includes(o.name)))) {
            throw new UnsupportedModelError(`its output "${o.name}" is a constant: it does not depend on the input`);
        }
        if (s[0] !== BATCH || s.length > 2 || s.length === 0 || (s.length === 2 && s[1] === BATCH)) {
            throw new UnsupportedModelError(`its output "${o.name}" has shape ${formatShape(s)}; inv needs [rows, outputs]`);
        }
        const kind = probabilityKind(o.name, producers, raw.nodes);
        return {
            name: o.name,
            width: s.length === 2 ? (s[1] as number) : 1,
            rank: s.length === 2 ? 2 : 1,
            probabilities: o.probabilities === true || kind !== 'values',
            logProbabilities: kind === 'log',
        };
    });
    const needed = new Set<string>();
    for (const n of computedNodes) for (const i of n.inputs) if (i) needed.add(i);
    const constants = new Map<string, ConstTensor>();
    for (const name of needed) {
        const v = values.get(name);
        if (v) constants.set(name, v);
    }
    return {
        description: raw.description,
        inputName: raw.input.name,
        inputWidth,
        nodes: computedNodes,
        constants,
        shapes,
        outputs,
        outputWidth: outputs.reduce((s, o) => s + o.width, 0),
        notes: raw.notes,
    };
}

function checkInput(raw: RawGraph): number {
    const { name, dims } = raw.input;
    if (dims.length !== 2) {
        throw new UnsupportedModelError(`its input "${name}" has shape [${dims.join(', ')}]; inv needs one input [rows, features]`);
    }
    const width = dims[1];
    if (typeof width !== 'number' || !Number.isInteger(width) || width <= 0) {
        throw new UnsupportedModelError(`the width of its input "${name}" is not fixed ([${dims.join(', ')}]); inv needs [rows, features] with a known number of features`);
    }
    return width;
}

/** The nodes the outputs depend on, each after the nodes it reads from. */
function neededNodes(raw: RawGraph, producers: Map<string, OpNode>): OpNode[] {
    const order: OpNode[] = [];
    const state = new Map<OpNode, 'visiting' | 'done'>();
    const visitTensor = (name: string, reader: string) => {
        if (!name || name === raw.input.name || raw.constants.has(name)) return;
        const node = producers.get(name);
        if (!node) throw new UnreadableModelError(`${reader} reads "${name}", which nothing computes`);
        visitNode(node);
    };
    // Iterative depth-first search: a deep chain must not overflow the stack.
    const visitNode = (start: OpNode) => {
        const stack: Array<{ node: OpNode; next: number }> = [{ node: start, next: 0 }];
        while (stack.length > 0) {
            const top = stack[stack.length - 1];
            if (top.next === 0) {
                const s = state.get(top.node);
                if (s === 'done') { stack.pop(); continue; }
                if (s === 'visiting') throw new UnreadableModelError(`its graph has a cycle through node "${top.node.name}"`);
                state.set(top.node, 'visiting');
            }
            if (top.next < top.node.inputs.length) {
                const name = top.node.inputs[top.next++];
                if (!name || name === raw.input.name || raw.constants.has(name)) continue;
                const producer = producers.get(name);
                if (!producer) throw new UnreadableModelError(`node "${top.node.name}" reads "${name}", which nothing computes`);
                if (state.get(producer) !== 'done') {
                    if (state.get(producer) === 'visiting') throw new UnreadableModelError(`its graph has a cycle through node "${producer.name}"`);
                    stack.push({ node: producer, next: 0 });
                }
                continue;
            }
            state.set(top.node, 'done');
            order.push(top.node);
            stack.pop();
        }
    };
    for (const out of raw.outputs) visitTensor(out.name, `its output "${out.name}"`);
    return order;
}

/** Every operator the outputs need is one inv imports; else all the others are named at once. */
function checkOperators(order: OpNode[]): void {
    const missing = new Map<string, OpNode>();
    for (const node of order) if (!isSupportedOperator(node.op) && !missing.has(node.op)) missing.set(node.op, node);
    if (missing.size === 0) return;
    const list = [...missing.values()].map(nodeLabel);
    throw new UnsupportedModelError(
        `${missing.size === 1 ? 'operator' : 'operators'} ${list.join(', ')} ${missing.size === 1 ? 'is' : 'are'} not supported; inv imports the operators of multilayer perceptrons (the README lists them)`,
    );
}

/** Tensors read by the needed nodes, and the outputs. */
function usedTensors(order: OpNode[], raw: RawGraph): Set<string> {
    const used = new Set<string>(raw.outputs.map((o) => o.name));
    for (const n of order) for (const i of n.inputs) if (i) used.add(i);
    return used;
}

function shapeOf(name: string, shapes: Map<string, Dim[]>, node: OpNode): Dim[] {
    const s = shapes.get(name);
    if (!s) throw new UnreadableModelError(`node "${node.name}" reads "${name}" before it is computed`);
    return s;
}

/** A tensor computed from the input keeps the rows as its first dimension, and only there. */
function checkRows(node: OpNode, shape: Dim[]): void {
    if (shape[0] !== BATCH || shape.indexOf(BATCH, 1) >= 0) {
        throw new UnsupportedModelError(`${nodeLabel(node)} gives a tensor of shape ${formatShape(shape)}, which does not keep one row per input row`);
    }
}

/** Whether an output is class probabilities: a Softmax (log: LogSoftmax), or what a classifier's ArgMax reads. */
function probabilityKind(name: string, producers: Map<string, OpNode>, all: OpNode[]): 'values' | 'probabilities' | 'log' {
    let tensor = name;
    for (let hops = 0; hops < 16; hops++) {
        const p = producers.get(tensor);
        if (!p) break;
        if (p.op === 'Softmax' || p.op === 'LogSoftmax') {
            // Only a softmax over the columns gives one probability per class.
            return p.op === 'Softmax' ? 'probabilities' : 'log';
        }
        if (!PASS_THROUGH.has(p.op)) break;
        tensor = p.inputs[0];
    }
    // scikit-learn's classifiers pick their label with an ArgMax over the probabilities.
    if (all.some((n) => n.op === 'ArgMax' && n.inputs[0] === name)) return 'probabilities';
    return 'values';
}
