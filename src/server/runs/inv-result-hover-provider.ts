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
import { featureReading, freeFeatures } from './result-reading.js';
import type { InvServerServices } from '../inv-server-module.js';
import { ResultStore } from './result-store.js';
import type { InvResult } from '../../engine/contract/results.js';

/**
 * How well the oracle's data backs the answers, and their families: `, best answer's support
 * 0.42, 250/256 supported, 3 families`; an unsupported best answer is marked.
 */
function answersHover(result: InvResult): string {
    const parts: string[] = [];
    const best = result.solutions[result.summary.best];
    const threshold = result.summary.supportThreshold ?? 0;
    if (best?.support !== undefined) {
        parts.push(`best answer's support ${formatSpread(best.support)}${best.support < threshold ? ' ⚠ where the data is thin: the oracle may be wrong there' : ''}`);
    }
    if (result.summary.supported !== undefined) parts.push(`${result.summary.supported}/${result.solutions.length} supported by the data`);
    else if (result.kind === 'inversion') parts.push('support unknown (the oracle\'s data is not known)');
    if (result.summary.modes && result.summary.modes.length > 1) parts.push(`${result.summary.modes.length} families`);
    return parts.map((p) => `, ${p}`).join('');
}

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
            const fixed = !freeFeatures(result).includes(feature);
            const what = fixed ? `${formatValue(reading.best)} (fixed)` : `best ${formatValue(reading.best)}${reading.spread !== null ? `, spread ${formatSpread(reading.spread)}` : ''}`;
            const stale = ResultStore.isStale(result, text) ? ' — stale: the file changed since' : '';
            lines.push(`last run of **${block.name}**: ${what} (${result.summary.meeting}/${result.solutions.length} meet${answersHover(result)})${stale}`);
        }
        return lines;
    }
}
