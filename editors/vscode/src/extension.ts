// Runs `tf-elbcheck lsp` (from PATH, or `tfElbcheck.path`) as the language server of the
// workspace's Terraform files. Nothing is downloaded: install tf-elbcheck first.

import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const settings = vscode.workspace.getConfiguration("tfElbcheck");
  const command = settings.get<string>("path")?.trim() || "tf-elbcheck";
  // No `transport`: the client then talks over stdio without adding `--stdio` to the
  // arguments (it does with TransportKind.stdio), which `tf-elbcheck lsp` would reject.
  return { command, args: ["lsp"] };
}

function clientOptions(): LanguageClientOptions {
  const settings = vscode.workspace.getConfiguration("tfElbcheck");
  const config = settings.get<string>("config")?.trim();
  return {
    // By file name as well as by language: the language ids come from a Terraform
    // extension, which may not be installed.
    documentSelector: [
      { scheme: "file", language: "terraform" },
      { scheme: "file", language: "hcl" },
      { scheme: "file", pattern: "**/*.{tf,tf.json,tfvars,tfvars.json}" },
    ],
    initializationOptions: config ? { config } : {},
    outputChannelName: "tf-elbcheck",
  };
}

async function start(): Promise<void> {
  client = new LanguageClient("tfElbcheck", "tf-elbcheck", serverOptions(), clientOptions());
  try {
    await client.start();
  } catch (error) {
    const command = (serverOptions() as { command: string }).command;
    void vscode.window.showErrorMessage(
      `tf-elbcheck: cannot start \`${command} lsp\` (${String(error)}). ` +
        "Install tf-elbcheck or set tfElbcheck.path.",
    );
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("tfElbcheck.restart", async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (
        event.affectsConfiguration("tfElbcheck.path") ||
        event.affectsConfiguration("tfElbcheck.config")
      ) {
        await stop();
        await start();
      }
    }),
  );
  await start();
}

export function deactivate(): Promise<void> {
  return stop();
}
