/**
 * "Did you mean": the candidates closest to a misspelt name. A case-only difference wins
 * alone; otherwise every candidate at the smallest edit distance, if that is small for the
 * name's length (a third of it, at least 1, at most 3), so `x5` suggests `x4` and `x6` alike
 * but `speed` does not suggest `y`. In the candidates' order.
 */
export function closestNames(name: string, candidates: Iterable<string>): string[] {
    const lower = name.toLowerCase();
    let best: string[] = [];
    let bestDistance = Infinity;
    const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
    for (const candidate of candidates) {
        if (candidate === name) continue;
        if (candidate.toLowerCase() === lower) return [candidate];
        const d = editDistance(lower, candidate.toLowerCase(), limit);
        if (d > limit || d > bestDistance) continue;
        if (d < bestDistance) {
            best = [];
            bestDistance = d;
        }
        if (!best.includes(candidate)) best.push(candidate);
    }
    return best;
}

/** The closest candidate (the first of several equally close), or undefined. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
    return closestNames(name, candidates)[0];
}

/** Levenshtein distance, with an early exit once it is certainly above `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        let rowMin = i;
        for (let j = 1; j <= b.length; j++) {
            const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
            const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
            current.push(value);
            if (value < rowMin) rowMin = value;
        }
        if (rowMin > limit) return limit + 1;
        previous = current;
    }
    return previous[b.length];
}

/** " (did you mean `x4`?)", " (did you mean `x4` or `x6`?)", or "". */
export function didYouMean(suggestion: string | readonly string[] | undefined): string {
    const names = suggestion === undefined ? [] : typeof suggestion === 'string' ? [suggestion] : suggestion;
    if (names.length === 0) return '';
    const quoted = names.map(quoteName);
    const listed = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
    return ` (did you mean ${listed}?)`;
}

const IDENTIFIER = /^[_a-zA-Z][\w]*$/;

/** A name as it would be written in a .inv file, in backticks for a message: `x1`, `Beak Length (mm)`. */
export function quoteName(name: string): string {
    return `\`${name}\``;
}

/** Whether `name` can be written bare (an identifier that is not a keyword). */
export function isBareName(name: string, keywords: ReadonlySet<string>): boolean {
    return IDENTIFIER.test(name) && !keywords.has(name);
}

/** `name` as source text: bare when it can be, else in backticks. */
export function nameAsSource(name: string, keywords: ReadonlySet<string>): string {
    return isBareName(name, keywords) ? name : `\`${name}\``;
}
