/**
 * Paths in a .inv file are relative to the file's own folder (LANGUAGE.md). One function
 * resolves them for every reader, so the validator, hover and the run translation agree.
 */
import { AstUtils, type AstNode } from 'langium';
import { dirname, isAbsolute, resolve } from 'node:path';

/** The folder of the document holding `node`, or undefined for a document that is not a file. */
export function documentFolder(node: AstNode): string | undefined {
    const uri = AstUtils.getDocument(node).uri;
    return uri.scheme === 'file' ? dirname(uri.fsPath) : undefined;
}

/** `path` as written in the file, made absolute against the file's folder. */
export function resolveDocumentPath(node: AstNode, path: string): string | undefined {
    if (isAbsolute(path)) return path;
    const folder = documentFolder(node);
    return folder === undefined ? undefined : resolve(folder, path);
}
