/**
 * The command table (rust-analyzer's `commands.ts`): one factory per command, each taking the
 * context and returning the handler; `registerCommands` registers them all in one place.
 * Code lenses call these with a typed argument; from the command palette there is none, and
 * the command asks which block of the active `.inv` file to use.
 */
import * as vscode from 'vscode';
import type { CancelParams, RunTarget, TrainTarget } from '../protocol.js';
import { activeRunsRequest, cancelRequest, Commands, runRequest, trainRequest } from '../protocol.js';
import type { Ctx } from './ctx.js';
import { ResultsPanel } from './results-panel.js';

type Handler = (...args: unknown[]) => unknown;
type CommandFactory = (ctx: Ctx) => Handler;

function run(ctx: Ctx): Handler {
    return async (arg?: unknown) => {
        const target = (arg as RunTarget | undefined) ?? (await pickLensTarget<RunTarget>(Commands.run, 'Run which inversion or synthesis?'));
        if (!target || !requireTrust('run')) return;
        const client = await ctx.client();
        if (!(await accepted(client.sendRequest(runRequest, target)))) return;
        // The panel beside the editor draws the live loss curve, then the result.
        await ResultsPanel.createOrShow(ctx, target, true);
    };
}

function train(ctx: Ctx): Handler {
    return async (arg?: unknown) => {
        const target = (arg as TrainTarget | undefined) ?? (await pickLensTarget<TrainTarget>(Commands.train, 'Train which oracle?'));
        if (!target || !requireTrust('train')) return;
        const client = await ctx.client();
        if (!(await accepted(client.sendRequest(trainRequest, target)))) return;
        // The panel beside the editor draws the training's loss curve, then what it reached.
        await ResultsPanel.showTraining(ctx, target, true);
    };
}

function cancel(ctx: Ctx): Handler {
    return async (arg?: unknown) => {
        const client = await ctx.client();
        let params = arg as CancelParams | undefined;
        if (!params) {
            const { runs } = await client.sendRequest(activeRunsRequest);
            const pick = runs.length <= 1 ? runs[0] : await vscode.window.showQuickPick(
                runs.map((r) => ({ label: r.name, description: `step ${r.step}/${r.steps}`, run: r })),
                { placeHolder: 'Cancel which run?' },
            ).then((p) => p?.run);
            if (!pick) return;
            params = { runId: pick.runId };
        }
        await client.sendRequest(cancelRequest, params);
    };
}

function openResults(ctx: Ctx): Handler {
    return async (arg?: unknown) => {
        const target = (arg as RunTarget | undefined) ?? (await pickLensTarget<RunTarget>(Commands.openResults, 'Open the results of which run?'));
        if (target) await ResultsPanel.createOrShow(ctx, target);
    };
}

function restartServer(ctx: Ctx): Handler {
    return () => ctx.restart();
}

function showOutput(ctx: Ctx): Handler {
    return () => ctx.outputChannel?.show();
}

/** Every command the extension contributes (package.json `contributes.commands`), by id. */
const COMMANDS: Record<string, CommandFactory> = {
    [Commands.run]: run,
    [Commands.train]: train,
    [Commands.cancel]: cancel,
    [Commands.openResults]: openResults,
    'inv.restartServer': restartServer,
    'inv.showOutput': showOutput,
};

export function registerCommands(ctx: Ctx): void {
    for (const [id, factory] of Object.entries(COMMANDS)) {
        ctx.extension.subscriptions.push(vscode.commands.registerCommand(id, factory(ctx)));
    }
}

/** True when the server took the job; else shows its refusal, which says why (errors in the file, untrusted). */
async function accepted(request: Promise<unknown>): Promise<boolean> {
    try {
        await request;
        return true;
    } catch (e) {
        void vscode.window.showErrorMessage(`inv: ${(e as Error).message}`);
        return false;
    }
}

function requireTrust(what: 'run' | 'train'): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window
        .showWarningMessage(`inv does not ${what} in an untrusted workspace (it would load models and write files).`, 'Manage Workspace Trust')
        .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
}

/**
 * From the command palette: the code lenses of the active `.inv` editor already list what
 * can be run, trained or opened, with their typed arguments; offer those.
 */
async function pickLensTarget<T extends RunTarget | TrainTarget>(command: string, placeHolder: string): Promise<T | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'inv') {
        void vscode.window.showInformationMessage('Open an .inv file first.');
        return undefined;
    }
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri)) ?? [];
    const targets = lenses
        .filter((l) => l.command?.command === command && l.command.arguments?.length)
        .map((l) => l.command!.arguments![0] as T);
    if (targets.length === 0) {
        void vscode.window.showInformationMessage('Nothing to do in this file for that command.');
        return undefined;
    }
    if (targets.length === 1) return targets[0];
    const label = (t: T) => ('name' in t ? t.name : t.oracle);
    const pick = await vscode.window.showQuickPick(targets.map((t) => ({ label: label(t), target: t })), { placeHolder });
    return pick?.target;
}
