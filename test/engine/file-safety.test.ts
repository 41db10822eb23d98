/**
 * Reading and writing files safely (issue 15): atomic writes that keep the old file when they
 * fail, keep its mode and write through links; reads that refuse a FIFO, a device, a file too
 * large or saved as UTF-16, at once; the weight files a model.json names, confined to its
 * folder and checked against what training recorded; where a synthesis may write.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { FileWriteError, writeFileAtomically, writeFilesAtomically } from '../../src/engine/contract/atomic-write.js';
import { checkWeightFiles, readModelSummary, summariseModelJson } from '../../src/engine/contract/model-summary.js';
import { FileReadError, readRegularFile, readRegularTextFile, readRegularTextFileSync, utf16Encoding } from '../../src/engine/contract/regular-file.js';
import { checkSynthesisOutput, writtenRecord, writtenRecordPath } from '../../src/engine/contract/synthesis-output.js';
import { destinationProblem, writeOrKeepAside } from '../../src/engine/contract/write-destination.js';
import { checkSyntheticCsvTarget, writeSyntheticCsv } from '../../src/engine/synthesis/synthetic-csv.js';
import { tempFolder } from './model-fixtures.js';

function fifo(dir: string, name = 'pipe'): string {
    const path = join(dir, name);
    execFileSync('mkfifo', [path]);
    return path;
}

describe('atomic writes', () => {
    it('replace a file whole, keep its mode, and leave no temp file', async () => {
        const dir = tempFolder();
        const path = join(dir, 'rows.csv');
        writeFileSync(path, 'old\n', { mode: 0o600 });
        chmodSync(path, 0o600);
        await writeFileAtomically(path, 'new\n');
        expect(readFileSync(path, 'utf8')).toBe('new\n');
        expect(statSync(path).mode & 0o777).toBe(0o600);
        expect(readdirSync(dir)).toEqual(['rows.csv']);
    });

    it('write through a symbolic link: the link stays a link', async () => {
        const dir = tempFolder();
        writeFileSync(join(dir, 'real.json'), '{}');
        symlinkSync(join(dir, 'real.json'), join(dir, 'link.json'));
        await writeFileAtomically(join(dir, 'link.json'), '[1]');
        expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
        expect(readFileSync(join(dir, 'real.json'), 'utf8')).toBe('[1]');
        expect(readdirSync(dir).sort()).toEqual(['link.json', 'real.json']);
    });

    it('a set of files: when one cannot be written, none is replaced and no temp file is left', async () => {
        const dir = tempFolder();
        writeFileSync(join(dir, 'weights.bin'), 'old weights');
        mkdirSync(join(dir, 'model.json')); // in the way of the second file
        const err = await writeFilesAtomically([
            { path: join(dir, 'weights.bin'), data: 'new weights' },
            { path: join(dir, 'model.json'), data: '{}' },
        ]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(FileWriteError);
        expect((err as FileWriteError).reason).toBe('it is a folder');
        expect(readFileSync(join(dir, 'weights.bin'), 'utf8')).toBe('old weights');
        expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    });

    it('a destination is checked before a run: a folder, a missing folder, a pipe; a good one leaves nothing behind', async () => {
        const dir = tempFolder();
        mkdirSync(join(dir, 'out.json'));
        expect(await destinationProblem(join(dir, 'out.json'))).toMatch(/is a folder/);
        expect(await destinationProblem(join(dir, 'no', 'such', 'r.json'))).toMatch(/folder .* does not exist; create it first/);
        expect(await destinationProblem(join(dir, 'no', 'such', 'r.csv'), { createFolder: true })).toBeNull();
        expect(await destinationProblem(fifo(dir))).toMatch(/not a regular file/);
        expect(await destinationProblem(join(dir, 'fine.json'))).toBeNull();
        expect(readdirSync(dir).sort()).toEqual(['out.json', 'pipe']);
    });

    it('a write that fails keeps the data beside the target and says where and why', async () => {
        const dir = tempFolder();
        mkdirSync(join(dir, 'r.csv'));
        const kept = await writeOrKeepAside(join(dir, 'r.csv'), 'a,b\n');
        expect(kept.asideBecause).toBe('it is a folder');
        expect(kept.path.startsWith(join(dir, 'r.inv-'))).toBe(true);
        expect(readFileSync(kept.path, 'utf8')).toBe('a,b\n');
    });
});

describe('reading only regular files', () => {
    it('a FIFO is refused at once, asynchronously and synchronously (never waited on)', async () => {
        const path = fifo(tempFolder());
        const started = performance.now();
        const err = await readRegularFile(path, 1000).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(FileReadError);
        expect((err as FileReadError).problem).toBe('not-regular');
        expect((err as FileReadError).message).toMatch(/is a named pipe \(FIFO\), not a regular file/);
        expect(() => readRegularTextFileSync(path, 1000)).toThrow(/named pipe/);
        expect(performance.now() - started).toBeLessThan(1000);
    });

    it('a device, a folder, a missing file, a file over the limit', async () => {
        const dir = tempFolder();
        await expect(readRegularFile('/dev/zero', 1000)).rejects.toThrow(/is a device/);
        await expect(readRegularFile(dir, 1000)).rejects.toThrow(/is a folder/);
        await expect(readRegularFile(join(dir, 'none'), 1000)).rejects.toMatchObject({ problem: 'missing' });
        writeFileSync(join(dir, 'big'), 'x'.repeat(2000));
        await expect(readRegularFile(join(dir, 'big'), 1000)).rejects.toThrow(/is too large/);
        expect((await readRegularFile(join(dir, 'big'), 2000)).length).toBe(2000);
    });

    it('UTF-16 text is named, with or without a byte-order mark; UTF-8 with a mark is read without it', async () => {
        const dir = tempFolder();
        writeFileSync(join(dir, 'le.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x1,y\n1,2\n', 'utf16le')]));
        await expect(readRegularTextFile(join(dir, 'le.csv'), 1000)).rejects.toThrow(/encoded as UTF-16LE; save it as UTF-8/);
        expect(utf16Encoding(Buffer.from('oracle P { model "m.json" }', 'utf16le'))).toBe('UTF-16LE');
        expect(utf16Encoding(Buffer.from('oracle P { model "m.json" }', 'utf8'))).toBeNull();
        writeFileSync(join(dir, 'bom.csv'), '\uFEFFa,b\n');
        expect(await readRegularTextFile(join(dir, 'bom.csv'), 1000)).toBe('a,b\n');
    });
});

describe("a model's weight files", () => {
    const topology = { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 1, batch_input_shape: [null, 2] } }] } };

    it('must be inside the model\'s folder: `..` and absolute paths are unreadable', () => {
        const dir = tempFolder();
        mkdirSync(join(dir, 'm'));
        writeFileSync(join(dir, 'outside.bin'), 'x');
        for (const p of ['../outside.bin', join(dir, 'outside.bin'), 'sub/../../outside.bin']) {
            const r = summariseModelJson(JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: [p], weights: [] }] }), join(dir, 'm'));
            expect(r).toMatchObject({ ok: false, kind: 'unreadable' });
            expect(!r.ok && r.reason).toMatch(/leads outside the model's folder/);
        }
    });

    it('are checked against the size and sha256 training recorded', async () => {
        const dir = tempFolder();
        const file = join(dir, 'weights.bin');
        writeFileSync(file, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
        const sha256 = (await import('node:crypto')).createHash('sha256').update(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])).digest('hex');
        expect(await checkWeightFiles([file], { bytes: 8, sha256 })).toBeNull();
        writeFileSync(file, Buffer.from([1, 2, 3, 4]));
        expect(await checkWeightFiles([file], { bytes: 8, sha256 })).toMatch(/its weights are 4 bytes but 8 were written/);
        writeFileSync(file, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
        expect(await checkWeightFiles([file], { bytes: 8, sha256 })).toMatch(/9 bytes but 8/);
        writeFileSync(file, Buffer.from([1, 2, 3, 4, 5, 6, 7, 0]));
        expect(await checkWeightFiles([file], { bytes: 8, sha256 })).toMatch(/sha256 differs/);
    });

    it('a FIFO as model.json is unreadable at once', async () => {
        const started = performance.now();
        const r = await readModelSummary(fifo(tempFolder(), 'model.json'));
        expect(r).toMatchObject({ ok: false, kind: 'unreadable' });
        expect(!r.ok && r.reason).toMatch(/named pipe/);
        expect(performance.now() - started).toBeLessThan(1000);
    });
});

describe('where a synthesis may write', () => {
    it('a .csv inside the folder of the .inv file, a new one or one inv wrote; nothing else without `overwrite`', async () => {
        const root = tempFolder();
        const folder = join(root, 'project');
        mkdirSync(join(folder, 'out'), { recursive: true });
        const at = (p: string, overwrite = false) => checkSynthesisOutput(join(folder, p), folder, overwrite);
        expect(await at('out/new.csv')).toEqual({ replaces: false });
        expect(await at('new/deeper/rows.csv')).toEqual({ replaces: false });
        expect(await at('rows.txt')).toMatchObject({ code: 'output-not-csv' });
        expect(await at('../outside.csv')).toMatchObject({ code: 'output-outside' });
        expect(await checkSynthesisOutput('/etc/passwd.csv', folder, true)).toMatchObject({ code: 'output-outside' });
        // A folder that is a link out of the tree, and a file that is a link.
        symlinkSync(root, join(folder, 'up'));
        expect(await at('up/escaped.csv')).toMatchObject({ code: 'output-outside' });
        writeFileSync(join(folder, 'target.csv'), 'x\n');
        symlinkSync(join(folder, 'target.csv'), join(folder, 'link.csv'));
        expect(await at('link.csv', true)).toMatchObject({ code: 'output-outside' });
        // A file inv did not write: only with `overwrite`.
        writeFileSync(join(folder, 'out', 'mine.csv'), 'a,b\n1,2\n');
        expect(await at('out/mine.csv')).toMatchObject({ code: 'output-exists' });
        expect(await at('out/mine.csv', true)).toEqual({ replaces: true });
        // One inv wrote (its record matches): replaced without a word; changed by hand since: not inv's any more.
        const rows = 'x1,y\n1,2\n';
        writeFileSync(join(folder, 'out', 'ours.csv'), rows);
        writeFileSync(writtenRecordPath(join(folder, 'out', 'ours.csv')), writtenRecord(join(folder, 'out', 'ours.csv'), rows, join(folder, 's.inv'), 'S'));
        expect(await at('out/ours.csv')).toEqual({ replaces: true });
        writeFileSync(join(folder, 'out', 'ours.csv'), rows + '3,4\n');
        expect(await at('out/ours.csv')).toMatchObject({ code: 'output-exists' });
        // A folder where the file should be.
        expect(await at('out', true)).toMatchObject({ code: 'output-not-csv' });
        mkdirSync(join(folder, 'dir.csv'));
        expect(await at('dir.csv', true)).toMatchObject({ code: 'output-exists' });
    });
});

describe("a synthesis's rows are never lost", () => {
    it('refused before a run when the folder cannot be written; kept beside the .inv file when the target turns bad meanwhile', async () => {
        const dir = tempFolder();
        const target = { path: join(dir, 'out', 'rows.csv'), source: join(dir, 's.inv'), name: 'S', overwrite: false };
        await checkSyntheticCsvTarget(target); // fine now: the folder will be created
        // ... but by the end of the run something made `out/rows.csv` a folder.
        mkdirSync(join(dir, 'out', 'rows.csv'), { recursive: true });
        const written = await writeSyntheticCsv(target, 'a,y\n1,2\n');
        expect(written.asideBecause).toMatch(/it is a folder; give a file name \(output-exists\)/);
        expect(written.path.startsWith(join(dir, 'rows.inv-'))).toBe(true);
        expect(readFileSync(written.path, 'utf8')).toBe('a,y\n1,2\n');
        await expect(checkSyntheticCsvTarget(target)).rejects.toThrow(/output-exists/);
    });

    it('a file inv writes gets its record, and is replaced next time without `overwrite`', async () => {
        const dir = tempFolder();
        const target = { path: join(dir, 'rows.csv'), source: join(dir, 's.inv'), name: 'S', overwrite: false };
        expect((await writeSyntheticCsv(target, 'a\n1\n')).overwritten).toBe(false);
        expect(JSON.parse(readFileSync(writtenRecordPath(target.path), 'utf8'))).toMatchObject({ writtenBy: 'inv', file: 'rows.csv', bytes: 4, name: 'S' });
        await checkSyntheticCsvTarget(target);
        expect(await writeSyntheticCsv(target, 'a\n2\n')).toEqual({ path: target.path, asideBecause: null, overwritten: true });
    });
});
