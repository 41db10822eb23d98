/** `inv backends`: the compute backends found on this machine, and for each missing one why. */
import { initBackend, listBackends } from '../engine/index.js';
import type { CommandOutput } from './checked-document.js';
import { ExitCode } from './exit-codes.js';

export async function backendsCommand(out: CommandOutput): Promise<ExitCode> {
    const reports = await listBackends();
    const width = Math.max(...reports.map((r) => r.name.length), 'backend'.length);
    out.out(`${'backend'.padEnd(width)}  found  detail`);
    for (const r of reports) out.out(`${r.name.padEnd(width)}  ${(r.found ? 'yes' : 'no').padEnd(5)}  ${r.detail}`);
    try {
        out.out(`\n\`backend auto\` uses: ${await initBackend('auto')}`);
    } catch (e) {
        out.out(`\n\`backend auto\` finds none that runs: ${(e as Error).message}`);
    }
    out.out('Choose one per inversion with `backend NAME`, or for a whole run with `inv run FILE --backend NAME`.');
    return ExitCode.ok;
}
