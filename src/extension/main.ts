/**
 * The extension's entry point (out/extension.cjs): creates the context that owns the
 * language client, registers the commands and the results panel's serializer, and starts
 * the language server. Everything the extension does goes through the server.
 */
import type * as vscode from 'vscode';
import { registerCommands } from './commands.js';
import { Ctx } from './ctx.js';
import { ResultsPanel } from './results-panel.js';

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    ctx = new Ctx(context);
    registerCommands(ctx);
    context.subscriptions.push(ResultsPanel.registerSerializer(ctx));
    await ctx.start();
}

export async function deactivate(): Promise<void> {
    await ctx?.stop();
    ctx = undefined;
}
