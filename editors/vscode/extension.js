// The Stave extension: starts `stave lsp` (the language server built into the
// compiler) over stdio with vscode-languageclient, for every `.policy` file
// of the window. Highlighting comes from syntaxes/stave.tmLanguage.json and
// needs no server.
// @ts-check
"use strict";

const os = require("os");
const path = require("path");
const vscode = require("vscode");
const { LanguageClient, RevealOutputChannelOn } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let output;

/**
 * The executable named by `stave.path`: `~` and `${workspaceFolder}` are
 * expanded, and a relative path (one with a separator) is taken from the
 * first workspace folder; a bare name is left for PATH.
 * @returns {string}
 */
function serverCommand() {
  const configured = vscode.workspace.getConfiguration("stave").get("path");
  let command = typeof configured === "string" && configured.trim() !== "" ? configured.trim() : "stave";
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) command = command.replace(/\$\{workspaceFolder\}/g, folder);
  if (command === "~" || command.startsWith("~/")) command = path.join(os.homedir(), command.slice(1));
  if (!path.isAbsolute(command) && /[\\/]/.test(command) && folder) command = path.resolve(folder, command);
  return command;
}

/** @param {vscode.ExtensionContext} context */
async function startClient(context) {
  const command = serverCommand();
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  // No `transport` here: with TransportKind.stdio the client would append
  // `--stdio` to the arguments, which `stave lsp` does not take. Without
  // one, the client still talks to the process over its stdin and stdout.
  /** @type {import("vscode-languageclient/node").ServerOptions} */
  const serverOptions = { command, args: ["lsp"], options: cwd ? { cwd } : {} };
  /** @type {import("vscode-languageclient/node").LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "stave" },
      { scheme: "untitled", language: "stave" },
    ],
    synchronize: {
      // Files changed outside the editor (a `git checkout`, a rename's edits
      // to closed files) are rechecked: the server checks the whole program.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.policy"),
    },
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  client = new LanguageClient("stave", "Stave", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const choice = await vscode.window.showErrorMessage(
      `Stave: could not start the language server \`${command} lsp\` (${message}). ` +
        "Set `stave.path` to the stave executable.",
      "Open Settings",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "stave.path");
    }
    client = undefined;
  }
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (!running) return;
  try {
    await running.stop();
  } catch (error) {
    output?.appendLine(`stopping the language server: ${error instanceof Error ? error.message : error}`);
  }
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  output = vscode.window.createOutputChannel("Stave");
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.commands.registerCommand("stave.restartServer", async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("stave.path")) {
        await stopClient();
        await startClient(context);
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      // The workspace's own `stave.path` applies from now on.
      await stopClient();
      await startClient(context);
    }),
  );
  await startClient(context);
}

async function deactivate() {
  await stopClient();
}

module.exports = { activate, deactivate };
