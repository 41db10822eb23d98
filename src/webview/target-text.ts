/** How a result's target is written in the panel (the miss itself is the engine's contract: engine/contract/target-miss.ts). */
import type { ResultTarget } from '../engine/contract/results.js';
import { formatNumber } from './number-format.js';

export function describeTarget(target: ResultTarget): string {
    const tolerance = target.tolerance !== null && target.kind !== 'distribution' ? ` ± ${formatNumber(target.tolerance)}` : '';
    switch (target.kind) {
        case 'equal': return `= ${formatNumber(target.value)}${tolerance}`;
        case 'range': return `in [${formatNumber(target.low)}, ${formatNumber(target.high)}]${tolerance}`;
        case 'atLeast': return `≥ ${formatNumber(target.value)}${tolerance}`;
        case 'atMost': return `≤ ${formatNumber(target.value)}${tolerance}`;
        case 'maximize': return 'maximize';
        case 'minimize': return 'minimize';
        case 'distribution': return 'follows a distribution';
    }
}
