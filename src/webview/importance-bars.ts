/**
 * Feature importance, the paper's reading: the spread of each free feature over the
 * solutions that meet the target; the least spread is the most important (the target pins
 * that feature down). HTML bars rather than a chart: a screen reader reads them as a list.
 */
import type { InvResult } from '../engine/contract/results.js';
import { h } from './dom-builder.js';
import { formatNumber } from './number-format.js';
import { fixedFeatures } from './solution-columns.js';

export function importanceBars(result: InvResult): HTMLElement {
    const ranked = [...result.summary.importance].sort((a, b) => a.rank - b.rank);
    const widest = Math.max(...ranked.map((i) => i.spread), 0);
    const list = h('ol', { class: 'importance', 'aria-label': 'Free features, most important first' });
    for (const item of ranked) {
        const bar = h('span', { class: 'bar' });
        // CSSOM, not a style attribute (CSP): the bar's length is the spread.
        bar.style.width = widest > 0 ? `${Math.max(1, (100 * item.spread) / widest)}%` : '1%';
        list.append(h('li', { 'data-feature': item.feature, 'data-rank': item.rank },
            h('span', { class: 'rank', 'aria-label': `rank ${item.rank}` }, String(item.rank)),
            h('span', { class: 'feature' }, item.feature),
            h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
            h('span', { class: 'value' }, `spread ${formatNumber(item.spread)}`)));
    }
    const fixed = [...fixedFeatures(result)];
    const best = result.solutions[result.summary.best];
    const value = (v: number | string | undefined) => (typeof v === 'string' ? v : formatNumber(v));
    return h('div', { class: 'importance-view' },
        ranked.length || result.summary.labelShares?.length ? (ranked.length ? list : null) : h('p', { class: 'empty' }, 'No free feature to rank.'),
        labelSharesList(result),
        fixed.length
            ? h('p', { class: 'fixed-list' }, 'Fixed, not ranked: ',
                fixed.map((f) => `${f} = ${value(best?.inputs[f])}`).join(', '))
            : null,
        h('p', { class: 'legend' },
            'Bar = spread of the feature over the solutions that meet the target (standard deviation ÷ width of its bound). ',
            h('strong', null, 'Least spread = most important'),
            ': the target pins that feature down; a wide spread means many values of it will do.'));
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
                    h('span', { class: 'value' }, `${formatNumber(100 * share)} %`)));
            }
            return h('section', { 'data-feature': f.feature }, h('h3', null, `${f.feature} (categorical): share of each label`), list);
        }));
}
