/**
 * Inline results after a run, each value where it is named and whole: at the end of each
 * `target` line the achieved output and its miss, and in each `bound` line right after each
 * feature's name its best value (`bound x1 = 458.124, x2 = 298.918 in [0, 500]`). VS Code
 * cuts the hints of a line beyond 43 characters in all (`editor.inlayHints.maximumLength`),
 * so a line gets only the hints that fit whole; the spread, and any value left out, are in
 * each hint's tooltip, the summary lenses above the block (which list every free feature)
 * and the block's hover. A result whose run read something that has changed since is marked
 * stale. `inv.inlayHints.enabled: false` hides them.
 */
import type { LangiumDocument } from 'langium';
import type { InlayHintProvider, LangiumSharedServices } from 'langium/lsp';
import { InlayHintKind, type InlayHint, type InlayHintParams, type Position } from 'vscode-languageserver';
import type { InvResult } from '../../engine/contract/results.js';
import type { InvFile } from '../../language/generated/ast.js';
import { isBoundField, isInversion, isSynthesis, isTargetField } from '../../language/generated/ast.js';
import type { InvServerServices } from '../inv-server-module.js';
import type { ResultStore } from './result-store.js';
import { describeFeatureValue, describeTargetReading, freeFeatures, explainFeature, explainTarget, featureReading, targetReading } from './result-reading.js';

/** VS Code's default `editor.inlayHints.maximumLength`: the characters of all hints of one line. */
export const LINE_HINT_CHARS = 43;
const STALE_MARK = ' (stale)';
const STALE_NOTE = '\n\n*Stale*: what this run read (its block, oracle, constraints or files) has changed since; rerun to update.';

export class InvResultInlayHints implements InlayHintProvider {
    private readonly shared: LangiumSharedServices;
    private readonly store: ResultStore;

    constructor(services: InvServerServices) {
        this.shared = services.shared;
        this.store = services.runs.ResultStore;
    }

    async getInlayHints(document: LangiumDocument, _params: InlayHintParams): Promise<InlayHint[] | undefined> {
        const enabled = (await this.shared.workspace.ConfigurationProvider.getConfiguration('inv', 'inlayHints'))?.enabled;
        if (enabled === false) return [];
        const hints: InlayHint[] = [];
        for (const block of (document.parseResult.value as InvFile).elements) {
            if (!isInversion(block) && !isSynthesis(block)) continue;
            const latest = this.store.latest(block);
            if (!latest) continue;
            const { result, stale } = latest;
            // The characters each line has left before VS Code would cut its hints.
            const room = new Map<number, number>();
            const add = (position: Position | undefined, label: string, tooltip: string) => {
                if (!position) return;
                const text = stale ? `${label}${STALE_MARK}` : label;
                const left = room.get(position.line) ?? LINE_HINT_CHARS;
                if (text.length + 1 > left) return;
                room.set(position.line, left - text.length - 1);
                hints.push(hint(position, text, tooltip, stale));
            };
            for (const field of block.fields) {
                const end = field.$cstNode?.range.end;
                if (isTargetField(field)) {
                    const reading = field.output?.ref && targetReading(result, field.output.ref.name);
                    if (reading) add(end, describeTargetReading(reading), explainTarget(reading, result));
                } else if (isBoundField(field)) {
                    // Right after each name: one short hint each, which no editor runs together.
                    for (const feature of field.features) {
                        const reading = feature.ref && isFree(result, feature.ref.name) ? featureReading(result, feature.ref.name) : null;
                        if (reading) add(feature.$refNode?.range.end, describeFeatureValue(reading), explainFeature(reading, result));
                    }
                }
            }
        }
        return hints;
    }
}

/** A free feature: ranked by importance, or categorical with label shares (a fixed one has neither). */
function isFree(result: InvResult, feature: string): boolean {
    return freeFeatures(result).includes(feature);
}

function hint(position: Position, label: string, tooltip: string, stale: boolean): InlayHint {
    return {
        position,
        label,
        kind: InlayHintKind.Parameter,
        paddingLeft: true,
        tooltip: { kind: 'markdown', value: stale ? tooltip + STALE_NOTE : tooltip },
    };
}
