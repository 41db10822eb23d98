/**
 * `inv run` and `inv train` compute in their own process: its resident memory is watched
 * (resident-memory.ts: the JavaScript heap caps none of the tensors' typed arrays or wasm
 * memory), and past the limit the run is stopped as Ctrl-C stops it, after the current step,
 * keeping what it found, with a message that says why.
 */
import { MEMORY_LIMIT_ENV, MEMORY_WATCH_MS, residentBytesOf, residentLimitBytes } from '../engine/contract/resident-memory.js';
import { bytesText } from '../engine/contract/memory-estimate.js';

export class MemoryWatch {
    private readonly controller = new AbortController();
    private readonly timer: NodeJS.Timeout;
    /** The resident memory that passed the limit, once it did. */
    exceeded: number | null = null;

    constructor(readonly limit = residentLimitBytes()) {
        this.timer = setInterval(() => {
            const rss = residentBytesOf(process.pid) ?? process.memoryUsage.rss();
            if (rss > limit && this.exceeded === null) {
                this.exceeded = rss;
                this.controller.abort();
            }
        }, MEMORY_WATCH_MS);
        this.timer.unref();
    }

    get signal(): AbortSignal {
        return this.controller.signal;
    }

    /** Why the run was stopped, for the user; `kept` says what became of its work. */
    message(what: string, kept = 'what it had found is kept'): string {
        return `${what} was stopped: inv's resident memory reached ${bytesText(this.exceeded ?? 0)}, past its limit of ${bytesText(this.limit)} ` +
            `(${MEMORY_LIMIT_ENV}, else 80 % of this machine's memory); ${kept}. Reduce its sizes (see \`inv check\`'s memory estimate), then run again.`;
    }

    dispose(): void {
        clearInterval(this.timer);
    }
}
