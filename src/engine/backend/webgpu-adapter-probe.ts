/**
 * Finds the WebGPU adapter in a short-lived child process. Dawn writes its own warnings and
 * native stack lines to the process's stderr while it looks at the Vulkan drivers (an old
 * Mesa prints "Vulkan shaderUniform*ArrayDynamicIndexing required ... at InitializeImpl"):
 * in a child they are captured, so `inv run` with `auto` stays quiet on machines where
 * WebGPU cannot run, and the first warning becomes the reason `inv backends` gives.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface AdapterFacts {
    vendor: string;
    architecture: string;
    device: string;
    description: string;
    isFallbackAdapter: boolean;
}

export type AdapterProbe =
    | { kind: 'adapter'; adapter: AdapterFacts }
    | { kind: 'none'; reason: string }
    | { kind: 'unavailable'; reason: string };

/** Dawn starts in well under a second; a driver that hangs must not hang a run. */
const PROBE_TIMEOUT_MS = 20_000;

// The child imports the package by URL and prints one JSON line: the adapter's facts or null.
const CHILD_SCRIPT = `
const url = process.argv[1];
const { create, globals } = await import(url);
Object.assign(globalThis, globals);
const adapter = await create([]).requestAdapter();
const info = adapter?.info ?? {};
const facts = adapter ? { vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '',
  description: info.description ?? '', isFallbackAdapter: Boolean(adapter.isFallbackAdapter) } : null;
process.stdout.write(JSON.stringify(facts) + '\\n', () => process.exit(0));
`;

export function probeWebgpuAdapter(): Promise<AdapterProbe> {
    let entry: string;
    try {
        entry = createRequire(import.meta.url).resolve('webgpu');
    } catch (e) {
        return Promise.resolve({ kind: 'unavailable', reason: `the optional package webgpu is not installed (${firstLine(e)})` });
    }
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT, pathToFileURL(entry).href], {
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
        child.on('error', (e) => {
            clearTimeout(timer);
            resolve({ kind: 'none', reason: `could not start the adapter probe (${e.message})` });
        });
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            const line = stdout.trim().split('\n').pop() ?? '';
            if (code === 0 && line.startsWith('{')) return resolve({ kind: 'adapter', adapter: JSON.parse(line) as AdapterFacts });
            const said = dawnReason(stderr);
            if (code === 0 && line === 'null') return resolve({ kind: 'none', reason: said ? `no usable WebGPU adapter (Dawn: ${said})` : 'no WebGPU adapter' });
            if (signal === 'SIGKILL') return resolve({ kind: 'none', reason: `the GPU driver did not answer within ${PROBE_TIMEOUT_MS / 1000} s` });
            resolve({ kind: 'none', reason: `the WebGPU adapter probe failed${said ? ` (${said})` : ` (exit ${code ?? signal})`}` });
        });
    });
}

/** Dawn's first warning or error, without its "Warning:" prefix and native stack lines. */
export function dawnReason(stderr: string): string | null {
    const line = stderr
        .split('\n')
        .map((l) => l.trim())
        .find((l) => /^(warning|error)\b/i.test(l) && !/XDG_RUNTIME_DIR/.test(l));
    return line ? line.replace(/^(warning|error):?\s*/i, '') : null;
}

function firstLine(e: unknown): string {
    return (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
}
