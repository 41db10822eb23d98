/**
 * Inline results after a run, each value where it is named and short enough to be read whole
 * (VS Code cuts a hint at about 43 characters): at the end of each `target` line the achieved
 * output and its miss, and in each `bound` line right after each feature's name its best value
 * and spread (`bound x1 = 458.42 · spread 0.19, x2 = …`). Free features no `bound` names have no line of their own: the
 * summary lens above the block shows them all. Each hint's tooltip has the full figures. A
 * result whose run read something that has changed since is marked stale.
 * `inv.inlayHints.enabled: false` hides them.
 */
import type { LangiumDocument } from 'langium';
import type { InlayHintProvider, LangiumSharedServices } from 'langium/lsp';
import { InlayHintKind, type InlayHint, type InlayHintParams, type Position } from 'vscode-languageserver';
import type { InvResult } from '../../engine/contract/results.js';
import type { InvFile } from '../../language/generated/ast.js';
import { isBoundField, isInversion, isSynthesis, isTargetField } from '../../language/generated/ast.js';
import type { InvServerServices } from '../inv-server-module.js';
import type { ResultStore } from './result-store.js';
import { describeFeatureValue, describeTargetReading, explainFeature, explainTarget, featureReading, targetReading } from './result-reading.js';

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
            const add = (position: Position | undefined, label: string, tooltip: string) => {
                if (position) hints.push(hint(position, label, tooltip, stale));
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

function isFree(result: InvResult, feature: string): boolean {
    return result.summary.importance.some((i) => i.feature === feature);
}

function hint(position: Position, label: string, tooltip: string, stale: boolean): InlayHint {
    return {
        position,
        label: stale ? `${label} (stale)` : label,
        kind: InlayHintKind.Parameter,
        paddingLeft: true,
        tooltip: { kind: 'markdown', value: stale ? tooltip + STALE_NOTE : tooltip },
    };
}
