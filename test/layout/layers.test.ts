/**
 * The layout's rules (README, "Layout"), read from the import statements of src/: outside
 * src/engine only engine/index.ts and engine/contract/ are imported; the engine never imports
 * Langium or VS Code; src/language never reaches into the server, the extension, the CLI or
 * the engine's tensors; the webview never imports Node; and no module imports itself back
 * through others (type-only imports aside, as Langium's module pattern needs them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

interface Import {
    /** The file as written after `from` (a package name, or a path resolved to src/…). */
    target: string;
    typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const path = join(dir, e.name);
        if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(path);
        return e.name.endsWith('.ts') ? [path] : [];
    });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function importsOf(file: string): Import[] {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(IMPORT)].map((m) => {
        const spec = m[3]!;
        const target = spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : spec;
        return { target, typeOnly: m[2] !== undefined };
    });
}

const files = sourceFiles(SRC).map((f) => relative(SRC, f));
const imports = new Map(files.map((f) => [f, importsOf(join(SRC, f))]));

/** `file → target` for every import of a file under `from` that `bad` rejects. */
function offending(from: string, bad: (i: Import) => boolean): string[] {
    return files.filter((f) => f.startsWith(from)).flatMap((f) => imports.get(f)!.filter(bad).map((i) => `${f} → ${i.target}`));
}

describe('layout', () => {
    it('reads the imports it checks', () => {
        expect(files).toContain('server/main.ts');
        expect(imports.get('server/main.ts')!.map((i) => i.target)).toContain('server/inv-server-module.ts');
        expect(imports.get('cli/run.ts')!.map((i) => i.target)).toContain('engine/index.ts');
    });

    it('outside src/engine, the engine is imported only through engine/index.ts and engine/contract/', () => {
        const deep = (i: Import) => i.target.startsWith('engine/') && i.target !== 'engine/index.ts' && !i.target.startsWith('engine/contract/');
        expect(files.filter((f) => !f.startsWith('engine/')).flatMap((f) => offending(f, deep))).toEqual([]);
    });

    it('the engine never imports Langium, VS Code or another layer', () => {
        const bad = (i: Import) => /^(langium|vscode)/.test(i.target) || /^(language|server|extension|webview|cli)\//.test(i.target) || i.target === 'protocol.ts';
        expect(offending('engine/', bad)).toEqual([]);
    });

    it('src/language is Langium only: no server, extension, CLI or engine tensors', () => {
        const bad = (i: Import) => /^(server|extension|cli|webview)\//.test(i.target) || i.target === 'engine/index.ts';
        expect(offending('language/', bad)).toEqual([]);
    });

    it('the webview never imports Node or VS Code, and takes the protocol as types only', () => {
        const bad = (i: Import) => i.target.startsWith('node:') || /^(vscode|langium)/.test(i.target) || (i.target === 'protocol.ts' && !i.typeOnly);
        expect(offending('webview/', bad)).toEqual([]);
    });

    it('no import cycle (type-only imports aside)', () => {
        const cycles: string[] = [];
        const state = new Map<string, 'open' | 'done'>();
        const visit = (file: string, path: string[]): void => {
            if (state.get(file) === 'done') return;
            if (state.get(file) === 'open') {
                cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
                return;
            }
            state.set(file, 'open');
            for (const i of imports.get(file) ?? []) if (!i.typeOnly && imports.has(i.target)) visit(i.target, [...path, file]);
            state.set(file, 'done');
        };
        for (const f of files) visit(f, []);
        expect(cycles).toEqual([]);
    });

    it('src/extension has no import cycle at all, type imports included', () => {
        const extension = files.filter((f) => f.startsWith('extension/'));
        const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
            imports.get(from)!.some((i) => i.target === to || (i.target.startsWith('extension/') && !seen.has(i.target) && seen.add(i.target) && reaches(i.target, to, seen)));
        expect(extension.filter((f) => reaches(f, f))).toEqual([]);
    });
});
