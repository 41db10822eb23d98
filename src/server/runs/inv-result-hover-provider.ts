/**
 * Hover adds what the last runs found to the language's hover (one section each, so other
 * sections can join): on a feature, a table of the last run of every inversion or synthesis
 * of the document on its oracle (best value, spread, how many meet, whether it is stale); on an
 * inversion or synthesis, everything its last run found (the values no inlay hint has room
 * for): the summary, how the answers spread and how well the oracle's data backs them, every
 * input of the best solution, every target's achieved value and miss.
 */
import type { AstNode } from 'langium';
import { formatCount, formatMiss, formatPercent, formatSpread, formatValue } from '../../engine/contract/number-format.js';
import type { InvResult } from '../../engine/contract/results.js';
import { isFeatureDecl, isInversion, isSynthesis, type InvFile } from '../../language/generated/ast.js';
import { runOracle, type RunBlock } from '../../language/ast-fields.js';
import { InvHoverProvider } from '../../language/lsp/inv-hover-provider.js';
import type { InvServerServices } from '../inv-server-module.js';
import { describeGoal, featureReading, freeFeatures, targetReading } from './result-reading.js';
import type { ResultStore } from './result-store.js';
import { formatInput, resultSummary } from './result-text.js';

const STALE = '↻ stale';
const THIN = '⚠ thin data';

export class InvResultHoverProvider extends InvHoverProvider {
    private readonly store: ResultStore;

    constructor(services: InvServerServices) {
        super(services);
        this.store = services.runs.ResultStore;
    }

    protected override async hoverSections(node: AstNode): Promise<string[]> {
        const sections = await super.hoverSections(node);
        if (isFeatureDecl(node)) {
            const runs = this.featureRuns(node.name, node.$container.$container.name, node);
            if (runs) sections.push(runs);
        } else if (isInversion(node) || isSynthesis(node)) {
            sections.push(...this.lastRun(node));
        }
        return sections;
    }

    /** | last run | best | spread | meet | of every block on `oracle` that has a result. */
    private featureRuns(feature: string, oracle: string, node: AstNode): string | undefined {
        const root = node.$container?.$container?.$container as InvFile | undefined;
        const rows: string[] = [];
        for (const block of root?.elements ?? []) {
            if (!(isInversion(block) || isSynthesis(block)) || runOracle(block)?.name !== oracle) continue;
            const latest = this.store.latest(block);
            const reading = latest && featureReading(latest.result, feature);
            if (!latest || !reading) continue;
            const fixed = !freeFeatures(latest.result).includes(feature);
            rows.push(`| **${block.name}**${latest.stale ? ` ${STALE}` : ''} | ${formatInput(reading.best)}${fixed ? ' (fixed)' : ''} | ` +
                `${reading.spread === null ? '—' : formatSpread(reading.spread)} | ${meeting(latest.result)} | ${supportCell(latest.result)} |`);
        }
        return rows.length ? ['| last run of | best | spread | meet | data backs |', '|---|---|---|---|---|', ...rows].join('\n') : undefined;
    }

    /** Everything the block's last run found. */
    private lastRun(block: RunBlock): string[] {
        const latest = this.store.latest(block);
        if (!latest) return [];
        const { result, stale } = latest;
        const sections = [`**last run**: ${resultSummary(result)}${stale ? ` — ${STALE}: what it read (its block, oracle, constraints or files) has changed since` : ''}`];
        const answers = answersLine(result);
        if (answers) sections.push(answers);
        const best = result.solutions[result.summary.best];
        if (best) {
            const free = new Set(freeFeatures(result));
            const inputs = Object.entries(best.inputs).map(([name, value]) => {
                const reading = featureReading(result, name);
                const spread = !free.has(name) ? 'fixed' : reading?.spread != null ? formatSpread(reading.spread) : '—';
                return `| \`${name}\` | ${formatInput(value)} | ${spread} |`;
            });
            sections.push(['| input | best | spread |', '|---|---|---|', ...inputs].join('\n'));
            const outputs = result.targets.flatMap((target) => {
                const reading = targetReading(result, target.output);
                if (!reading) return [];
                const verdict = reading.met === null ? '' : reading.met ? ' ✓' : ' ✗';
                return [`| \`${target.output}\` | ${formatValue(reading.achieved)} | ${describeGoal(target)} | ${reading.miss === null ? '—' : formatMiss(reading.miss)}${verdict} |`];
            });
            if (outputs.length) sections.push(['| output | best | target | miss |', '|---|---|---|---|', ...outputs].join('\n'));
        }
        if (result.summary.note) sections.push(result.summary.note);
        return sections;
    }
}

/** How many answers the oracle's data backs (`250/256`, `unknown` without the data); the best one marked where its data is thin. */
function supportCell(result: InvResult): string {
    if (result.summary.supported === undefined) return result.kind === 'inversion' ? 'unknown' : '—';
    const best = result.solutions[result.summary.best];
    const thin = best?.support !== undefined && best.support < (result.summary.supportThreshold ?? 0);
    return `${formatCount(result.summary.supported)}/${formatCount(result.solutions.length)}${thin ? ` (best: ${THIN})` : ''}`;
}

/**
 * `**answers**: spread 0.29 · cover 93.4 % of the level set · 3 families · 250/256 backed by
 * the oracle's data (the best: support 0.42)`; null for a synthesis.
 */
function answersLine(result: InvResult): string | null {
    if (result.kind !== 'inversion') return null;
    const s = result.summary;
    const parts: string[] = [];
    if (s.spread !== undefined) parts.push(`spread ${formatSpread(s.spread)}`);
    if (s.coverage !== undefined && s.coverage !== null) parts.push(`cover ${formatPercent(s.coverage)} of the level set`);
    if (s.modes && s.modes.length > 1) parts.push(`${formatCount(s.modes.length)} families`);
    const best = result.solutions[s.best];
    // Why is in the run's note ("No support figures: …"), shown below.
    if (s.supported === undefined) parts.push(/No support figures/.test(s.note ?? '') ? 'support unknown (the note below says why)' : 'support unknown');
    else {
        const thin = best?.support !== undefined && best.support < (s.supportThreshold ?? 0);
        const own = best?.support !== undefined ? ` (the best: support ${formatSpread(best.support)}${thin ? `, ${THIN}: the oracle may be wrong there` : ''})` : '';
        parts.push(`${formatCount(s.supported)}/${formatCount(result.solutions.length)} backed by the oracle's data${own}`);
    }
    return `**answers**: ${parts.join(' · ')}`;
}

function meeting(result: InvResult): string {
    return `${formatCount(result.summary.meeting)}/${formatCount(result.solutions.length)}`;
}
