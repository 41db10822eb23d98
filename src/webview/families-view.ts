/**
 * The families of answers (summary.modes): separate regions of the level set, each in its
 * own colour (the same as in the parallel coordinates and the table), with its size, its
 * best answer and what pins it down (feature importance within the family), so a reader
 * sees "3 different kinds of answer" and how each is chosen. Also says how many answers the
 * oracle's data backs, and marks the best answers that lie where it is thin.
 */
import type { InvResult } from '../engine/contract/results.js';
import { h } from './dom-builder.js';
import { formatCount, formatSpread, formatValue } from '../engine/contract/number-format.js';
import { freeFeatures, onThinData } from './solution-columns.js';
import { familySlot } from './table.js';

export function familiesView(result: InvResult): HTMLElement | null {
    const modes = result.summary.modes;
    const support = supportLine(result);
    if (!modes && !support) return null;
    const free = freeFeatures(result);
    const list = modes
        ? h('ol', { class: 'families', 'aria-label': 'Families of answers, largest first' },
            ...modes.map((mode, i) => {
                const best = result.solutions[mode.best];
                const pins = [...mode.importance].sort((a, b) => a.rank - b.rank);
                return h('li', { 'data-family': i + 1, 'data-size': mode.size },
                    h('span', { class: `family-chip family-${familySlot(i)}`, 'aria-hidden': 'true' }),
                    h('span', { class: 'family-name' }, `Family ${i + 1} · ${formatCount(mode.size)} ${mode.size === 1 ? 'answer' : 'answers'}`),
                    h('span', { class: 'family-best' }, best
                        ? `best (#${mode.best + 1}): ${free.map((f) => { const v = best.inputs[f]; return `${f} = ${typeof v === 'string' ? v : formatValue(v)}`; }).join(', ')}${onThinData(result, best) ? ' ⚠ thin data' : ''}`
                        : ''),
                    pins.length > 1
                        ? h('span', { class: 'family-importance' }, `spread within: ${pins.map((p) => `${p.feature} ${formatSpread(p.spread)}`).join(' · ')}`)
                        : null);
            }))
        : null;
    return h('section', { class: 'card families-card', 'aria-labelledby': 'families-title' },
        h('h2', { id: 'families-title' }, modes ? `Families of answers (${modes.length})` : 'Support'),
        modes ? h('p', { class: 'hint' }, 'Answers that meet the target, grouped into separate regions of the level set; each family has its own colour here, in the parallel coordinates and in the table. Least spread within a family = what pins that family down.') : null,
        list,
        support);
}

function supportLine(result: InvResult): HTMLElement | null {
    const s = result.summary;
    if (s.supported === undefined) {
        return result.kind === 'inversion' ? h('p', { class: 'support-line' }, "Support unknown: the oracle's training data is not known, so nothing says whether an answer lies where the oracle was trained.") : null;
    }
    const thin = result.solutions.filter((x) => onThinData(result, x)).length;
    return h('p', { class: `support-line${thin ? ' thin' : ''}` },
        `${formatCount(s.supported)} of ${formatCount(result.solutions.length)} answers lie where the oracle's training data backs them (support ≥ ${formatSpread(s.supportThreshold ?? 0)})`,
        thin ? `; ${formatCount(thin)} where it is thin (marked ⚠): check those on the real system.` : '.');
}
