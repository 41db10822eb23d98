/**
 * Nothing lost, nothing written where it should not be, nothing that hangs (issue 15), with
 * the `inv` command as a real process: a full disk during `inv train` leaves the old model
 * byte for byte; a weights file that does not match its record is refused; results and rows
 * survive a write that fails; a synthesis never writes outside its folder tree or over a file
 * inv did not write; a FIFO is an error, not a hang; a run too large for memory is refused
 * with its estimate; misleading messages say what happened.
 */
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvResult } from '../../src/engine/contract/results.js';
import { assertBuilt, inv, scratch, startInv, tinyCsv, TINY_ORACLE } from './cli-process.js';
import { AS_ROOT, fillUp, invWithFileSizeLimit, tinyTmpfs, unmountAll } from './failing-disk.js';

const HALF = `
inversion Half {
  oracle Tiny
  target y = 1.5 tolerance 0.05
  solutions 16
  steps 300
  seed 1
}
`;

let trained: string;

beforeAll(async () => {
    assertBuilt();
    trained = scratch({ 'tiny.csv': tinyCsv(), 'tiny.inv': TINY_ORACLE + HALF });
    const r = await inv(['train', 'tiny.inv', '--quiet'], trained);
    if (r.code !== 0) throw new Error(`training the tiny oracle failed (exit ${r.code}):\n${r.stderr}`);
});

afterAll(() => unmountAll());

/** A folder holding a copy of the trained tiny oracle, its data and its .inv file. */
function copyOfTrained(into: string): string {
    for (const f of ['tiny.csv', 'tiny.inv']) copyFileSync(join(trained, f), join(into, f));
    cpSync(join(trained, 'model'), join(into, 'model'), { recursive: true });
    return into;
}

function modelBytes(dir: string): Record<string, string> {
    const files = readdirSync(join(dir, 'model')).sort();
    return Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, 'model', f)).toString('base64')]));
}

describe('inv train when the model cannot be written', () => {
    it('leaves the previous model byte for byte (a full disk as root, a file-size limit otherwise), and it still checks and runs', async () => {
        const disk = tinyTmpfs('512k');
        const dir = copyOfTrained(disk ?? scratch({}));
        const before = modelBytes(dir);
        // Another training would write another model: more epochs.
        writeFileSync(join(dir, 'tiny.inv'), readFileSync(join(dir, 'tiny.inv'), 'utf8').replace('epochs 30', 'epochs 31'));
        let r;
        if (disk) {
            fillUp(disk);
            r = await inv(['train', 'tiny.inv', '--quiet'], dir);
            expect(r.stderr).toContain('cannot write the model (the disk is full); the previous model, if there was one, is unchanged');
        } else {
            r = await invWithFileSizeLimit(['train', 'tiny.inv', '--quiet'], dir, 1);
            expect(r.stderr).toContain('cannot write the model (the file is larger than this process may write (a file-size limit)); the previous model');
        }
        expect(r.code, r.stderr).toBe(3);
        expect(modelBytes(dir)).toEqual(before);
        expect(readdirSync(join(dir, 'model')).sort()).toEqual(['model.json', 'weights.bin']); // no temp file left
        const check = await inv(['check', 'tiny.inv'], dir);
        expect(check.code, check.stdout + check.stderr).toBe(0);
    });
});

describe("a model's weights that are not the ones training wrote", () => {
    it('a weights file cut short, grown or changed is model-unreadable in check and in run', async () => {
        const dir = copyOfTrained(scratch({}));
        const weights = join(dir, 'model', 'weights.bin');
        const good = readFileSync(weights);
        const cases: Array<[string, Buffer, RegExp]> = [
            ['cut short', good.subarray(0, good.length - 4), /weights are \d+ bytes but \d+ were written when it was trained/],
            ['grown', Buffer.concat([good, Buffer.from([0, 0, 0, 0])]), /weights are \d+ bytes but \d+ were written/],
            ['changed', Buffer.from(good.map((b, i) => (i === 8 ? b ^ 0xff : b))), /sha256 differs/],
        ];
        for (const [, bytes, reason] of cases) {
            writeFileSync(weights, bytes);
            const check = await inv(['check', 'tiny.inv'], dir);
            expect(check.code).toBe(1);
            expect(check.stdout).toMatch(/tiny\.inv:3:9 error model-unreadable cannot use model\/model\.json: its weights/);
            expect(check.stdout).toMatch(reason);
            const run = await inv(['run', 'tiny.inv', '--quiet'], dir);
            expect(run.code).toBe(1);
            expect(run.stderr).toMatch(reason);
        }
        writeFileSync(weights, good);
        expect((await inv(['check', 'tiny.inv'], dir)).code).toBe(0);
    });

    it('a weights path outside the model folder (`..`, absolute) is model-unreadable in check and in run', async () => {
        const dir = copyOfTrained(scratch({}));
        const modelPath = join(dir, 'model', 'model.json');
        const model = JSON.parse(readFileSync(modelPath, 'utf8'));
        copyFileSync(join(dir, 'model', 'weights.bin'), join(dir, 'weights.bin'));
        for (const p of ['../weights.bin', join(dir, 'weights.bin')]) {
            model.weightsManifest[0].paths = [p];
            writeFileSync(modelPath, JSON.stringify(model));
            for (const command of ['check', 'run']) {
                const r = await inv([command, 'tiny.inv', '--quiet'].filter((a) => command === 'run' || a !== '--quiet'), dir);
                expect(r.code).toBe(1);
                expect(r.stdout + r.stderr).toContain(`model-unreadable cannot use model/model.json: its weights path "${p}" leads outside the model's folder`);
            }
        }
    });
});

describe('inv run --out: finished runs are never thrown away', () => {
    it('refuses before running an --out that is a folder, in a missing folder, or in a read-only place (exit 2)', async () => {
        const dir = copyOfTrained(scratch({}));
        mkdirSync(join(dir, 'taken.json'));
        const folder = await inv(['run', 'tiny.inv', '--out', 'taken.json'], dir);
        expect(folder.code).toBe(2);
        expect(folder.stderr).toContain('--out taken.json: ');
        expect(folder.stderr).toContain('taken.json is a folder; give a file name');
        const missing = await inv(['run', 'tiny.inv', '--out', 'no/such/r.json'], dir);
        expect(missing.code).toBe(2);
        expect(missing.stderr).toMatch(/the folder .*no\/such does not exist; create it first/);
        // Read-only: a read-only tmpfs as root (permissions do not stop root), else a folder without write permission.
        const readOnly = tinyTmpfs('64k', true) ?? join(dir, 'locked');
        if (!existsSync(readOnly)) mkdirSync(readOnly);
        if (!AS_ROOT) chmodSync(readOnly, 0o555);
        const locked = await inv(['run', 'tiny.inv', '--out', join(readOnly, 'r.json')], dir);
        expect(locked.code).toBe(2);
        expect(locked.stderr).toMatch(/nothing can be written in .* \((the file system is read-only|permission denied)\)/);
        expect(locked.stderr).not.toContain('running Half');
    });

    it('when the final write fails, the results are kept elsewhere and the message says where (exit 3)', async () => {
        const dir = copyOfTrained(scratch({}));
        let r;
        const disk = tinyTmpfs('64k');
        if (disk) {
            // The folder is writable when the run starts (the check passes), full when the results come.
            fillUp(disk);
            r = await inv(['run', 'tiny.inv', '--out', join(disk, 'r.json'), '--quiet'], dir);
            expect(r.stderr).toContain(`${join(disk, 'r.json')}: cannot write the results (the disk is full); they are kept in `);
        } else {
            const out = join(dir, 'out');
            mkdirSync(out);
            const running = startInv(['run', 'tiny.inv', '--out', join(out, 'r.json')], dir);
            await running.waitForStderr('running Half');
            chmodSync(out, 0o555);
            r = await running.done;
            chmodSync(out, 0o755);
            expect(r.stderr).toContain('cannot write the results (permission denied); they are kept in ');
        }
        expect(r.code).toBe(3);
        const keptAt = /they are kept in (\S+\.json)/.exec(r.stderr)![1];
        const kept = JSON.parse(readFileSync(keptAt, 'utf8')) as InvResult[];
        expect(kept.map((x) => x.name)).toEqual(['Half']);
        expect(kept[0].solutions).toHaveLength(16);
    });
});

describe('a synthesis writes only inside the folder of its .inv file, and never over a file inv did not write', () => {
    const synthesis = (output: string, extra = '') => `
synthesize Rows {
  oracle Tiny
  target y in [1, 2]
  count 20
  steps 60
  output "${output}"${extra}
}
`;

    it('an output outside the tree, through a link out, or not .csv is refused by check and by run; nothing is written', async () => {
        const outer = scratch({});
        mkdirSync(join(outer, 'project'));
        const dir = copyOfTrained(join(outer, 'project'));
        symlinkSync(outer, join(dir, 'up'));
        const cases: Array<[string, string]> = [
            ['../escaped.csv', 'output-outside'],
            [join(outer, 'absolute.csv'), 'output-outside'],
            ['up/linked.csv', 'output-outside'],
            ['rows.txt', 'output-not-csv'],
        ];
        for (const [output, code] of cases) {
            writeFileSync(join(dir, 's.inv'), readFileSync(join(dir, 'tiny.inv'), 'utf8') + synthesis(output));
            const check = await inv(['check', 's.inv'], dir);
            expect(check.code).toBe(1);
            expect(check.stdout).toMatch(new RegExp(`s\\.inv:\\d+:10 error ${code} cannot write `));
            const run = await inv(['run', 's.inv', '--quiet'], dir);
            expect(run.code).toBe(1);
        }
        expect(readdirSync(outer).sort()).toEqual(['project']);
        expect(existsSync(join(dir, 'rows.txt'))).toBe(false);
    });

    it('a file inv did not write is output-exists; `overwrite` replaces it; a file inv wrote is replaced without a word', async () => {
        const dir = copyOfTrained(scratch({}));
        writeFileSync(join(dir, 'mine.csv'), 'my,own\n1,2\n');
        writeFileSync(join(dir, 's.inv'), readFileSync(join(dir, 'tiny.inv'), 'utf8') + synthesis('mine.csv'));
        const check = await inv(['check', 's.inv'], dir);
        expect(check.code).toBe(1);
        expect(check.stdout).toMatch(/error output-exists cannot write mine\.csv: a file that inv did not write .* add `overwrite` to the block/);
        expect(readFileSync(join(dir, 'mine.csv'), 'utf8')).toBe('my,own\n1,2\n');

        writeFileSync(join(dir, 's.inv'), readFileSync(join(dir, 'tiny.inv'), 'utf8') + synthesis('mine.csv', '\n  overwrite'));
        const first = await inv(['run', 's.inv', '--quiet'], dir);
        expect(first.code, first.stderr).toBe(0);
        expect(readFileSync(join(dir, 'mine.csv'), 'utf8').split('\n')[0]).toBe('a,b,y');

        // Now inv wrote it: without `overwrite` it is replaced, and said so.
        writeFileSync(join(dir, 's.inv'), readFileSync(join(dir, 'tiny.inv'), 'utf8') + synthesis('mine.csv'));
        const again = await inv(['run', 's.inv'], dir);
        expect(again.code, again.stderr).toBe(0);
        expect(again.stderr).toContain('(it existed: overwritten)');
    });
});

describe('a FIFO named as a model or as data', () => {
    it('is an error from `inv check`, not a hang: no slower than a check of a missing file', async () => {
        const dir = scratch({});
        execFileSync('mkfifo', [join(dir, 'model.json'), join(dir, 'data.csv')]);
        const file = (model: string, data: string) =>
            `oracle P {\n  model "${model}"\n  data "${data}"\n  inputs a in [0, 1]\n  outputs y\n}\n`;
        writeFileSync(join(dir, 'missing.inv'), file('none.json', 'none.csv'));
        writeFileSync(join(dir, 'fifo.inv'), file('model.json', 'data.csv'));
        let started = performance.now();
        await inv(['check', 'missing.inv'], dir);
        const baseline = performance.now() - started;
        started = performance.now();
        const r = await inv(['check', 'fifo.inv'], dir);
        const took = performance.now() - started;
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/fifo\.inv:2:9 error model-unreadable cannot use model\.json: .*model\.json is a named pipe \(FIFO\), not a regular file/);
        expect(r.stdout).toMatch(/fifo\.inv:3:8 error data-missing cannot read data\.csv: it is a named pipe \(FIFO\), not a regular file/);
        expect(took).toBeLessThan(baseline + 1000);
    });

    it('a FIFO named as the .inv file itself is bad usage, not a hang (check, run, train)', async () => {
        const dir = scratch({});
        execFileSync('mkfifo', [join(dir, 'pipe.inv')]);
        for (const command of ['check', 'run', 'train']) {
            const r = await inv([command, 'pipe.inv'], dir);
            expect(r.code).toBe(2);
            expect(r.stderr).toContain('pipe.inv: is not a regular file (a pipe or a device); give an .inv file');
        }
    });
});

describe('a run too large for memory', () => {
    // A generator whose latent input is 2,000,000 wide: its first layer alone is 128 million weights.
    const big = (backend: string) => `
inversion Big {
  oracle Tiny
  target y = 1.5
  method generator { latent 2000000 }${backend}
}
`;
    const sizes = { kind: 'inversion' as const, rows: 256, inputs: 2, free: 2, outputs: 1, oracleLayers: [16], method: { kind: 'generator' as const, latent: 2_000_000, layers: [64, 64] }, spread: true };

    it('is refused by check with its estimate and what to reduce (backend wasm)', async () => {
        const dir = copyOfTrained(scratch({}));
        writeFileSync(join(dir, 'big.inv'), readFileSync(join(dir, 'tiny.inv'), 'utf8') + big('\n  backend wasm'));
        const r = await inv(['check', 'big.inv'], dir);
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/big\.inv:\d+:11 error memory-limit Big needs about [\d.]+ GiB \(mostly a step over 256 solutions: [\d.]+ GiB.*\).*; reduce the generator's `latent` and `layers`, or `solutions`/);
    });

    it('is refused when it starts on the backend it got, before anything runs (exit 3)', async () => {
        const dir = copyOfTrained(scratch({}));
        // `backend auto` only warns at check time (auto may get a GPU or TensorFlow); the engine refuses once it has wasm.
        writeFileSync(join(dir, 'big.inv'), readFileSync(join(dir, 'tiny.inv'), 'utf8') + big(''));
        const r = await inv(['run', 'big.inv', '--name', 'Big', '--backend', 'wasm'], dir);
        const { estimateRun } = await import('../../src/engine/contract/memory-estimate.js');
        const { machineMemoryBytes } = await import('../../src/engine/contract/resident-memory.js');
        if (estimateRun(sizes, 'auto').bytes > machineMemoryBytes()) {
            expect(r.code).toBe(1); // this machine is too small even for check
            expect(r.stderr).toContain('error memory-limit Big needs about');
            return;
        }
        expect(r.stderr).toMatch(/warning memory-high Big needs about [\d.]+ GiB/);
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(/error run-failed inversion Big was not started: it needs about [\d.]+ GiB .*(do not fit the wasm backend's 4\.0 GiB heap|more than this machine's)/);
    });
});

describe('messages that say what happened', () => {
    it('a UTF-16 .inv file gets one diagnostic naming its encoding', async () => {
        const dir = scratch({});
        writeFileSync(join(dir, 'u16.inv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TINY_ORACLE + HALF, 'utf16le')]));
        const r = await inv(['check', 'u16.inv'], dir);
        expect(r.code).toBe(1);
        expect(r.stdout.trim().split('\n')).toEqual([
            'u16.inv:1:1 error encoding this file is encoded as UTF-16 (a NUL between letters); .inv files are UTF-8: save it as UTF-8 (in VS Code: "Save with Encoding", UTF-8)',
        ]);
    });

    it('a CSV header `a, b, y` is read alike by check and by train', async () => {
        const dir = scratch({ 'tiny.csv': tinyCsv(120).replace('a,b,y', 'a, b, y'), 'tiny.inv': TINY_ORACLE });
        expect((await inv(['check', 'tiny.inv'], dir)).stdout).not.toContain('data-column');
        const r = await inv(['train', 'tiny.inv', '--quiet'], dir);
        expect(r.code, r.stderr).toBe(0);
    });

    it('a duplicate header is data-column in check and in train', async () => {
        const dir = scratch({ 'tiny.csv': tinyCsv(120).replace('a,b,y', 'a,b,y,y'), 'tiny.inv': TINY_ORACLE });
        const check = await inv(['check', 'tiny.inv'], dir);
        expect(check.stdout).toMatch(/error data-column the data file tiny\.csv: column `y` appears twice in the header \(columns 3 and 4\)/);
        // Training reads the same header the same way (were the check passed over).
        const { readDataTable } = await import('../../src/engine/oracle/data-table.js');
        await expect(readDataTable(join(dir, 'tiny.csv'), ['a', 'b', 'y'], { skipMissing: false })).rejects.toThrow(/tiny\.csv:1:4 error data-column column `y` appears twice/);
    });

    it('divergence names the constraint that produced it', async () => {
        const dir = copyOfTrained(scratch({}));
        writeFileSync(join(dir, 'd.inv'), readFileSync(join(dir, 'tiny.inv'), 'utf8').replace(HALF, '') + `
constraint root { when x > 100: x else sqrt(x - 0.5) * 0.01 }
inversion D { oracle Tiny target y = 2.5 bound a in [0, 1] using root solutions 16 steps 100 }
`);
        const r = await inv(['run', 'd.inv', '--quiet'], dir);
        expect(r.code).toBe(3);
        expect(r.stderr).toContain('constraint `root` produced NaN at step 0 (feature a)');
    });
});
