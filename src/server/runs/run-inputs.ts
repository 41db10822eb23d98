/**
 * What a run depends on, as one hash, so that a stored result goes stale exactly when its
 * run would now be different: its own block, its oracle's block, the constraint functions it
 * uses (their tokens: whitespace and comments do not count), and the files those read (the
 * model, the training and test CSVs, a synthesis's `like` CSV), by size and modification time.
 * Editing another block, or a comment, leaves the result fresh.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { CstUtils, isLeafCstNode, type AstNode } from 'langium';
import { oracleData, oracleModel, oracleTest, runBounds, runOracle, synthesisLike, type RunBlock } from '../../language/ast-fields.js';
import { resolveDocumentPath } from '../../language/document-paths.js';
import { isSynthesis } from '../../language/generated/ast.js';
import type { InvResult } from '../../engine/contract/results.js';
import { sourceHash } from '../../language/to-spec.js';

/** The hash of what `block`'s run reads now. */
export function runInputsHash(block: RunBlock): string {
    const hash = createHash('sha256');
    const part = (label: string, text: string) => hash.update(`${label}\u0000${text}\u0000`);
    part('block', tokens(block));
    const oracle = runOracle(block);
    if (oracle) {
        part('oracle', tokens(oracle));
        for (const path of [oracleModel(oracle), oracleData(oracle), oracleTest(oracle)]) {
            if (path !== undefined) part('file', fileStamp(oracle, path));
        }
    }
    const constraints = new Set(runBounds(block).flatMap((b) => (b.constraint?.ref ? [b.constraint.ref] : [])));
    for (const constraint of constraints) part('constraint', tokens(constraint));
    const like = isSynthesis(block) ? synthesisLike(block)?.path : undefined;
    if (like !== undefined) part('file', fileStamp(block, like));
    return hash.digest('hex');
}

/** A stored result and the hash of what its run read (null: stored by an older inv, judged by the whole file). */
export interface StoredResult {
    result: InvResult;
    inputs: string | null;
}

/** Whether `stored` no longer belongs to `block` as it reads now. */
export function isStale(stored: StoredResult, block: RunBlock, documentText: string): boolean {
    return stored.inputs !== null ? stored.inputs !== runInputsHash(block) : stored.result.sourceHash !== sourceHash(documentText);
}

/** The node's tokens, one space apart: its meaning without layout or comments. */
function tokens(node: AstNode): string {
    if (!node.$cstNode) return '';
    return CstUtils.streamCst(node.$cstNode)
        .filter((n) => isLeafCstNode(n) && !n.hidden)
        .map((n) => n.text)
        .join(' ');
}

function fileStamp(node: AstNode, path: string): string {
    const absolute = resolveDocumentPath(node, path);
    if (absolute === undefined) return `${path}:unknown`;
    try {
        const s = statSync(absolute);
        return `${absolute}:${s.size}:${s.mtimeMs}`;
    } catch {
        return `${absolute}:missing`;
    }
}
