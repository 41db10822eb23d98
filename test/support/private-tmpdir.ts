/**
 * The test run's own temporary folder (vitest globalSetup): TMPDIR points at a fresh folder
 * for the whole run — the test workers, and the CLI, language server and engine processes
 * they start, inherit it — and when the run ends, anything left in it fails the run, named.
 * A private folder keeps other runs on the same machine (other checkouts, CI jobs) out of
 * the count. Then the folder itself is removed.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let folder: string | null = null;
let previous: string | undefined;

export function setup(): void {
    previous = process.env.TMPDIR;
    folder = mkdtempSync(join(tmpdir(), 'inv-test-run-'));
    process.env.TMPDIR = folder;
}

export function teardown(): void {
    if (!folder) return;
    const left = readdirSync(folder);
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (left.length > 0) {
        // A teardown's exception is only logged by vitest: the exit status says it too.
        process.exitCode = 1;
        throw new Error(`the tests left ${left.length} temporary folder(s) or file(s) behind: ${left.sort().join(', ')}; ` +
            'make them with tempFolder() (test/support/temp-folder.ts), which removes them after the test file');
    }
}
