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
    return h('div', { class: 'importance-view' },
        ranked.length ? list : h('p', { class: 'empty' }, 'No free feature to rank.'),
        fixed.length
            ? h('p', { class: 'fixed-list' }, 'Fixed, not ranked: ',
                fixed.map((f) => `${f} = ${formatNumber(best?.inputs[f])}`).join(', '))
            : null,
        h('p', { class: 'legend' },
            'Bar = spread of the feature over the solutions that meet the target (standard deviation ÷ width of its bound). ',
            h('strong', null, 'Least spread = most important'),
            ': the target pins that feature down; a wide spread means many values of it will do.'));
}
