/**
 * Hover on a feature adds what the last runs found for it: for each inversion of the
 * document on the feature's oracle that has a result, the best value and the spread (marked
 * stale when the file changed since). Extends the language's hover; the rest is unchanged.
 */
import { AstUtils, type AstNode } from 'langium';
import { isFeatureDecl, isInversion, isSynthesis, type InvFile } from '../../language/generated/ast.js';
import { runOracle } from '../../language/ast-fields.js';
import { InvHoverProvider } from '../../language/lsp/inv-hover-provider.js';
import { formatSpread, formatValue } from './result-text.js';
import { featureReading } from './result-reading.js';
import type { InvServerServices } from '../inv-server-module.js';
import { ResultStore } from './result-store.js';

export class InvResultHoverProvider extends InvHoverProvider {
    private readonly store: ResultStore;

    constructor(services: InvServerServices) {
        super(services);
        this.store = services.runs.ResultStore;
    }

    protected override async getAstNodeHoverContent(node: AstNode): Promise<string | undefined> {
        const base = await super.getAstNodeHoverContent(node);
        if (!isFeatureDecl(node)) return base;
        const runs = this.lastRuns(node.name, node.$container.$container.name, AstUtils.getDocument(node));
        return runs.length ? [base ?? '', '', ...runs].join('\n') : base;
    }

    private lastRuns(feature: string, oracle: string, document: ReturnType<typeof AstUtils.getDocument>): string[] {
        const uri = document.uri.toString();
        const text = document.textDocument.getText();
        const lines: string[] = [];
        for (const block of (document.parseResult.value as InvFile).elements) {
            if (!(isInversion(block) || isSynthesis(block)) || runOracle(block)?.name !== oracle) continue;
            const result = this.store.get(uri, block.name);
            const reading = result && featureReading(result, feature);
            if (!result || !reading) continue;
            const fixed = !result.summary.importance.some((i) => i.feature === feature);
            const what = fixed ? `${formatValue(reading.best)} (fixed)` : `best ${formatValue(reading.best)}${reading.spread !== null ? `, spread ${formatSpread(reading.spread)}` : ''}`;
            const stale = ResultStore.isStale(result, text) ? ' — stale: the file changed since' : '';
            lines.push(`last run of **${block.name}**: ${what} (${result.summary.meeting}/${result.solutions.length} meet)${stale}`);
        }
        return lines;
    }
}
