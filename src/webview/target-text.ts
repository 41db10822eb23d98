/** How a result's target is written in the panel (the miss itself is the engine's contract: engine/contract/target-miss.ts). */
import type { ResultTarget } from '../engine/contract/results.js';
import { formatValue } from '../engine/contract/number-format.js';

export function describeTarget(target: ResultTarget): string {
    const tolerance = target.tolerance !== null ? ` ± ${formatValue(target.tolerance)}` : '';
    switch (target.kind) {
        case 'equal': return `= ${formatValue(target.value)}${tolerance}`;
        case 'range': return `in [${formatValue(target.low)}, ${formatValue(target.high)}]${tolerance}`;
        case 'atLeast': return `≥ ${formatValue(target.value)}${tolerance}`;
        case 'atMost': return `≤ ${formatValue(target.value)}${tolerance}`;
        case 'maximize': return 'maximize';
        case 'minimize': return 'minimize';
        // A synthesis: each row has its own target, drawn from the reference.
        case 'distribution': return `each row its own target from the reference${tolerance}`;
    }
}
