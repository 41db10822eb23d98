/**
 * Inline results after a run: at the end of each `target` line the achieved output and its
 * miss, at the end of each `bound` line the best value and spread of its features, and at
 * the end of the `oracle` line those of the free features no `bound` names. A result computed
 * from an earlier text of the file is marked stale. `inv.inlayHints.enabled: false` hides them.
 */
import type { LangiumDocument } from 'langium';
import type { InlayHintProvider, LangiumSharedServices } from 'langium/lsp';
import { InlayHintKind, type InlayHint, type InlayHintParams, type Position } from 'vscode-languageserver';
import type { InvResult } from '../../engine/contract/results.js';
import type { InvFile } from '../../language/generated/ast.js';
import { isBoundField, isInversion, isOracleRefField, isSynthesis, isTargetField } from '../../language/generated/ast.js';
import type { InvServerServices } from '../inv-server-module.js';
import { ResultStore } from './result-store.js';
import { describeFeature, describeTargetReading, featureReading, freeFeatures, targetReading } from './result-reading.js';

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
        const uri = document.uri.toString();
        const text = document.textDocument.getText();
        const hints: InlayHint[] = [];
        for (const block of (document.parseResult.value as InvFile).elements) {
            if (!isInversion(block) && !isSynthesis(block)) continue;
            const result = this.store.get(uri, block.name);
            if (!result) continue;
            const stale = ResultStore.isStale(result, text);
            const add = (position: Position | undefined, label: string) => {
                if (position) hints.push(hint(position, label, result, stale));
            };
            const named = new Set<string>();
            for (const field of block.fields) {
                if (isTargetField(field)) {
                    const reading = field.output.ref && targetReading(result, field.output.ref.name);
                    if (reading) add(field.$cstNode?.range.end, describeTargetReading(reading));
                } else if (isBoundField(field)) {
                    const readings = field.features.flatMap((f) => {
                        const r = f.ref ? featureReading(result, f.ref.name) : null;
                        if (r) named.add(r.feature);
                        return r ? [describeFeature(r)] : [];
                    });
                    if (readings.length) add(field.$cstNode?.range.end, readings.join(', '));
                }
            }
            const rest = freeFeatures(result).filter((f) => !named.has(f)).flatMap((f) => {
                const r = featureReading(result, f);
                return r ? [describeFeature(r)] : [];
            });
            const oracleLine = block.fields.find(isOracleRefField)?.$cstNode?.range.end;
            if (rest.length) add(oracleLine, rest.join(', '));
        }
        return hints;
    }
}

function hint(position: Position, label: string, result: InvResult, stale: boolean): InlayHint {
    return {
        position,
        label: stale ? `${label} (stale)` : label,
        kind: InlayHintKind.Parameter,
        paddingLeft: true,
        tooltip: stale
            ? `From the last run of ${result.name}, on an earlier version of this file: rerun to update.`
            : `From the last run of ${result.name} (${result.backend}, ${result.seconds.toFixed(1)} s, ${result.stoppedBecause}).`,
    };
}
