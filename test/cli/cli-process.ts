/**
 * Runs the built `inv` (out/cli.cjs, from `npm run build`) as a real process, the way a
 * user or a CI script does, and collects its output and exit status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempFolder } from '../support/temp-folder.js';

export const CLI = fileURLToPath(new URL('../../out/cli.cjs', import.meta.url));

export interface Finished {
    code: number | null;
    stdout: string;
    stderr: string;
}

export function assertBuilt(): void {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
}

export interface Running {
    child: ChildProcess;
    /** Resolves once stderr has shown `text`. */
    waitForStderr(text: string | RegExp): Promise<void>;
    done: Promise<Finished>;
}

export function startInv(args: string[], cwd: string): Running {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, INV_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const waiters: Array<{ test: (s: string) => boolean; resolve: () => void }> = [];
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => {
        stderr += d;
        for (const w of [...waiters]) if (w.test(stderr)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
    });
    const done = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    return {
        child,
        done,
        waitForStderr: (text) =>
            new Promise<void>((resolve, reject) => {
                const test = (s: string) => (typeof text === 'string' ? s.includes(text) : text.test(s));
                if (test(stderr)) return resolve();
                waiters.push({ test, resolve });
                void done.then(() => reject(new Error(`inv ended before printing ${String(text)}; stderr:\n${stderr}`)));
            }),
    };
}

export function inv(args: string[], cwd: string): Promise<Finished> {
    return startInv(args, cwd).done;
}

/** A scratch folder with the given files. */
export function scratch(files: Record<string, string>): string {
    const dir = tempFolder('inv-cli-');
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
}

/** y = 2 a + b on [0, 1]^2: small enough to train in a second. */
export function tinyCsv(rows = 300): string {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const lines = ['a,b,y'];
    for (let i = 0; i < rows; i++) {
        const a = random();
        const b = random();
        lines.push(`${a.toFixed(5)},${b.toFixed(5)},${(2 * a + b).toFixed(5)}`);
    }
    return lines.join('\n') + '\n';
}

export const TINY_ORACLE = `
oracle Tiny {
  model "model/model.json"
  data "tiny.csv"
  inputs a in [0, 1], b in [0, 1]
  outputs y
  layers 16
  epochs 30
  batch 32
}
`;
