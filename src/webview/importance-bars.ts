/**
 * Feature importance, the paper's reading: the spread of each free feature over the
 * solutions that meet the target; the least spread is the most important (the target pins
 * that feature down). The bar shows importance, so the most important feature has the
 * longest bar: how much meeting the target narrows the feature, against solutions spread
 * over its bound like uniform draws (`narrowing`). HTML bars rather than a chart: a screen
 * reader reads them as a list.
 */
import type { FeatureImportance, InvResult } from '../engine/contract/results.js';
import { formatPercent, formatSpread, formatValue } from '../engine/contract/number-format.js';
import { h } from './dom-builder.js';
import { fixedFeatures } from './solution-columns.js';

/** The spread (standard deviation ÷ width) of values drawn uniformly across a box: 1/√12. */
export const UNIFORM_SPREAD = 1 / Math.sqrt(12);

/**
 * How much meeting the target narrows a feature, 0..1: 1 when every solution takes one
 * value, 0 when they spread across the bound as widely as uniform draws (or wider).
 */
export function narrowing(item: FeatureImportance): number {
    return Number.isFinite(item.spread) ? Math.min(1, Math.max(0, 1 - item.spread / UNIFORM_SPREAD)) : 0;
}

export function importanceBars(result: InvResult): HTMLElement {
    const ranked = [...result.summary.importance].sort((a, b) => a.rank - b.rank);
    const list = h('ol', { class: 'importance', 'aria-label': 'Free features, most important first' });
    for (const item of ranked) {
        const share = narrowing(item);
        const bar = h('span', { class: 'bar' });
        // CSSOM, not a style attribute (CSP): the bar's length is the narrowing.
        bar.style.width = `${Math.max(0.5, 100 * share)}%`;
        list.append(h('li', { 'data-feature': item.feature, 'data-rank': item.rank, 'data-narrowing': share.toFixed(4) },
            h('span', { class: 'rank', 'aria-label': `rank ${item.rank}` }, String(item.rank)),
            h('span', { class: 'feature' }, item.feature),
            h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
            h('span', { class: 'value', title: `narrowed ${Math.round(100 * share)} % against a uniform spread over its bound` }, `spread ${formatSpread(item.spread)}`)));
    }
    const fixed = [...fixedFeatures(result)];
    const best = result.solutions[result.summary.best];
    const value = (v: number | string | undefined) => (typeof v === 'string' ? v : formatValue(v));
    return h('div', { class: 'importance-view' },
        ranked.length || result.summary.labelShares?.length ? (ranked.length ? list : null) : h('p', { class: 'empty' }, 'No free feature to rank.'),
        labelSharesList(result),
        fixed.length
            ? h('p', { class: 'fixed-list' }, 'Fixed, not ranked: ',
                fixed.map((f) => `${f} = ${value(best?.inputs[f])}`).join(', '))
            : null,
        h('p', { class: 'legend' },
            h('strong', null, 'Longest bar = most important'),
            ': the target pins that feature down. A full bar means every solution takes one value; an empty one, that they spread over its bound as widely as uniform draws would. ',
            `Spread = standard deviation of the feature over the solutions that meet the target ÷ the width of its bound (uniform draws: ${formatSpread(UNIFORM_SPREAD)}); least spread = most important.`));
}

/**
 * A categorical feature's importance (LANGUAGE.md): the share of each label among the
 * solutions that meet. One label at 100 % means the target needs it.
 */
function labelSharesList(result: InvResult): HTMLElement | null {
    const features = result.summary.labelShares ?? [];
    if (features.length === 0) return null;
    return h('div', { class: 'label-shares' },
        ...features.map((f) => {
            const list = h('ul', { class: 'shares', 'aria-label': `${f.feature}: share of each label among the meeting solutions` });
            for (const [label, share] of Object.entries(f.shares)) {
                const bar = h('span', { class: 'bar' });
                bar.style.width = `${Math.max(share > 0 ? 1 : 0, 100 * share)}%`;
                list.append(h('li', { 'data-label': label },
                    h('span', { class: 'feature' }, label),
                    h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
                    h('span', { class: 'value' }, formatPercent(share))));
            }
            return h('section', { 'data-feature': f.feature }, h('h3', null, `${f.feature} (categorical): share of each label`), list);
        }));
}
