/**
 * Temporary folders for the tests, removed when their test file ends: `tempFolder` records
 * each one, and the setup file (cleanup.ts, run before every test file) removes them in an
 * afterAll. A test never leaves a folder behind (private-tmpdir.ts checks it for the whole run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/** A fresh folder under the system's temporary folder, removed after this test file. */
export function tempFolder(prefix = 'inv-test-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.add(dir);
    return dir;
}

/** Removes every folder `tempFolder` made in this test file. */
export function removeTempFolders(): void {
    for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    made.clear();
}
