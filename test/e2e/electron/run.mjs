// The same extension-host scenario as the code-server run (test/e2e/suite/index.cjs), in a
// desktop VS Code that @vscode/test-electron downloads: for machines that can reach VS Code's
// download site (CI here cannot; it runs test/e2e/run.mjs in code-server instead).
//
//   npm run test:electron        (builds first; VSCODE_VERSION=1.100.0 picks a version, default stable)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO } from '../code-server.mjs';
import { makeWorkspace } from '../workspace.mjs';

const dir = mkdtempSync(join(tmpdir(), 'inv-electron-'));
const workspace = makeWorkspace(join(dir, 'ws'));
try {
    await runTests({
        version: process.env.VSCODE_VERSION || 'stable',
        extensionDevelopmentPath: REPO,
        extensionTestsPath: join(REPO, 'test/e2e/suite/index.cjs'),
        launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(dir, 'ud')],
    });
} catch (e) {
    console.error('extension-host tests failed:', e instanceof Error ? e.message : e);
    process.exit(1);
}
