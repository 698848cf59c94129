// `stave lsp` driven by a real LSP client stack that is not ours:
// vscode-jsonrpc (framing, ids, errors) and vscode-languageserver-protocol
// (the typed LSP 3.17 messages VS Code itself uses). One realistic editing
// session over a workspace of two packages in three files, one importing the
// other, with non-ASCII text on the lines that are edited so that every
// position goes through UTF-16 (the encoding the server announces): open,
// break and fix a file, hover, go to definition, references, completion,
// outline, rename, formatting, requests the server cannot answer, shutdown.
//
// The steps are subtests of one test and run in order; each asserts on what
// the server said. Edits are debounced by the server, so every wait for
// diagnostics has a generous timeout. Known gaps of the server are subtests
// asserted like the rest.
//
// Run: cd tests/js && npm ci && node --test
// STAVE names the compiler (default: ../../build/compiler/stave).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node.js";
import {
  CodeActionRequest,
  CompletionItemKind,
  CompletionRequest,
  CompletionTriggerKind,
  createProtocolConnection,
  DefinitionRequest,
  DiagnosticSeverity,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  ErrorCodes,
  ExitNotification,
  FileChangeType,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  LSPErrorCodes,
  MarkupKind,
  PublishDiagnosticsNotification,
  ReferencesRequest,
  RenameRequest,
  ResponseError,
  ShutdownRequest,
  SymbolKind,
  TextDocumentSyncKind,
} from "vscode-languageserver-protocol/node.js";

const here = dirname(fileURLToPath(import.meta.url));
const stave = process.env.STAVE ?? resolve(here, "../../build/compiler/stave");

const WAIT_MS = 20_000; // for diagnostics: the server debounces rechecks

// ---- the workspace ------------------------------------------------------------

const FILES = {
  "platform/platform.policy": `package platform

/// The SRE on-call rotation, shared by every team.
group sre = "sre-oncall"
`,
  "shop/decls.policy": `package shop

/// Where the shop runs in production.
namespace prod    = "shop-prod"    { mtls strict }
namespace staging = "shop-staging" { mtls strict }

/// Shop developers.
group devs = "shop-developers"

serviceaccount web-sa    = "storefront" in staging, prod
serviceaccount orders-sa = "checkout"   in staging, prod

/// The web frontend.
app storefront in staging, prod {
  selector { app = "storefront" }
  serviceaccount web-sa
  ports 8080
}

/// Orders and payments.
app checkout in staging, prod {
  selector { app = "checkout" }
  serviceaccount orders-sa
  ports 8080
}
`,
  // `é` is 2 bytes in UTF-8 and one UTF-16 unit; `🚀` is 4 bytes, one code
  // point and two UTF-16 units: a server counting bytes or code points puts
  // every range after them on this rule's line elsewhere. Line 7 is not in
  // the canonical layout (formatting fixes it).
  "shop/rules.policy": `package shop

import platform

// équipe 🚀 ships on Fridays
allow devs /* équipe 🚀 */ to view in staging
allow platform.sre  to  view in staging, prod

/// The storefront reads orders.
allow storefront to call checkout in prod methods GET
`,
};

// A directory name with a space and a non-ASCII letter: URIs must be
// percent-encoded and decoded the way clients do it.
const root = mkdtempSync(join(tmpdir(), "stave lsp é-"));
for (const [path, text] of Object.entries(FILES)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
const uriOf = (path) => pathToFileURL(join(root, path)).href;
const PLATFORM = uriOf("platform/platform.policy");
const DECLS = uriOf("shop/decls.policy");
const RULES = uriOf("shop/rules.policy");
const MISSING = uriOf("shop/missing.policy");

// ---- text helpers (JavaScript strings are UTF-16, as LSP positions are) --------

function positionAt(text, index) {
  const before = text.slice(0, index);
  const line = before.split("\n").length - 1;
  return { line, character: index - (before.lastIndexOf("\n") + 1) };
}

function offsetAt(text, { line, character }) {
  let offset = 0;
  for (let l = 0; l < line; l++) offset = text.indexOf("\n", offset) + 1;
  return offset + character;
}

// The position of the `nth` occurrence of `needle` after `after` (if given),
// plus `delta` characters.
function find(text, needle, { after = "", nth = 0, delta = 0 } = {}) {
  let index = after ? text.indexOf(after) : 0;
  assert.ok(index >= 0, `\`${after}\` is in the text`);
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, i === 0 ? index : index + 1);
    assert.ok(index >= 0, `\`${needle}\` occurs ${nth + 1} time(s)`);
  }
  return positionAt(text, index + delta);
}

function rangeOf(text, needle, options) {
  const start = find(text, needle, options);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

function lineRange(text, line) {
  const content = text.split("\n")[line];
  return { start: { line, character: 0 }, end: { line, character: content.length } };
}

// Applies LSP TextEdits (non-overlapping, in any order) to a text.
function applyEdits(text, edits) {
  const sorted = [...edits].sort(
    (a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start),
  );
  for (const e of sorted) {
    text = text.slice(0, offsetAt(text, e.range.start)) + e.newText + text.slice(offsetAt(text, e.range.end));
  }
  return text;
}

const textAt = (text, range) => text.slice(offsetAt(text, range.start), offsetAt(text, range.end));

function canonical(text) {
  return execFileSync(stave, ["fmt", "-"], { input: text, encoding: "utf8" });
}

async function rejects(promise, code, pattern) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof ResponseError, `a JSON-RPC error, not ${e}`);
    assert.equal(e.code, code, `error code (message: ${e.message})`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

// ---- the server and the client ----------------------------------------------------

const server = spawn(stave, ["lsp"], { stdio: ["pipe", "pipe", "pipe"] });
let stderr = "";
server.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
let exitExpected = false;
const exited = new Promise((resolveExit) =>
  server.on("exit", (code, signal) => {
    resolveExit({ code, signal });
    if (exitExpected) return;
    // Died mid-session: say so, and fail the pending requests at once.
    console.error(`stave lsp exited unexpectedly (status ${code}, signal ${signal}); stderr:\n${stderr}`);
    connection.dispose();
  }),
);
// A missing binary fails the first request instead of crashing the runner.
server.on("error", (error) => (stderr += `spawn ${stave}: ${error.message}\n`));

const connection = createProtocolConnection(
  new StreamMessageReader(server.stdout),
  new StreamMessageWriter(server.stdin),
);

// Every publishDiagnostics, and the latest per URI; waiters are woken on each.
const published = [];
const latest = new Map();
let waiters = [];
connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
  published.push(params);
  latest.set(params.uri, params);
  waiters = waiters.filter((w) => !w());
});
const logs = [];
connection.onNotification(LogMessageNotification.type, (params) => logs.push(params.message));
connection.listen();

// Resolves with `latest` once `ready(latest)` holds.
function diagnosticsWhere(what, ready, ms = WAIT_MS) {
  return new Promise((resolveWait, rejectWait) => {
    const timer = setTimeout(() => {
      waiters = waiters.filter((w) => w !== check);
      const seen = JSON.stringify([...latest.values()], null, 1);
      rejectWait(new Error(`no diagnostics ${what} within ${ms} ms; latest: ${seen}`));
    }, ms);
    const check = () => {
      if (!ready(latest)) return false;
      clearTimeout(timer);
      resolveWait(latest);
      return true;
    };
    if (!check()) waiters.push(check);
  });
}

// The client's copy of the open document, kept in step with the server's.
let rules = FILES["shop/rules.policy"];
let version = 1;

// Sends TextEdits as one incremental didChange (last edit first, so the
// ranges of the others stay valid) and applies them to `rules`.
function changeRules(edits) {
  const sorted = [...edits].sort(
    (a, b) => offsetAt(rules, b.range.start) - offsetAt(rules, a.range.start),
  );
  version += 1;
  connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: RULES, version },
    contentChanges: sorted.map((e) => ({ range: e.range, text: e.newText })),
  });
  rules = applyEdits(rules, edits);
  return version;
}

const rulesAt = (position) => ({ textDocument: { uri: RULES }, position });

// ---- the session --------------------------------------------------------------------

test("an editing session with stave lsp through vscode-languageserver-protocol", { timeout: 180_000 }, async (t) => {
  t.after(async () => {
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
    connection.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  await t.test("initialize: the server announces what it provides", async () => {
    const result = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: "stave-js-tests" },
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: "shop" }],
      capabilities: {
        general: { positionEncodings: ["utf-16"] },
        textDocument: {
          synchronization: { didSave: true, dynamicRegistration: false },
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          hover: { contentFormat: [MarkupKind.Markdown, MarkupKind.PlainText] },
          completion: { completionItem: { snippetSupport: false } },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          rename: { prepareSupport: false },
        },
        workspace: { didChangeWatchedFiles: { dynamicRegistration: false }, workspaceEdit: { documentChanges: false } },
      },
    });
    const c = result.capabilities;
    assert.equal(c.positionEncoding ?? "utf-16", "utf-16");
    const sync = typeof c.textDocumentSync === "number" ? { change: c.textDocumentSync } : c.textDocumentSync;
    assert.equal(sync.change, TextDocumentSyncKind.Incremental);
    assert.equal(sync.openClose, true);
    for (const provider of ["hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider", "documentFormattingProvider", "renameProvider"]) {
      assert.ok(c[provider], `${provider} is announced`);
    }
    assert.ok(c.completionProvider, "completionProvider is announced");
    assert.ok(c.completionProvider.triggerCharacters.includes(" "), "completion triggers on a space (after `to `)");
    assert.ok(c.completionProvider.triggerCharacters.includes("."), "completion triggers on `.` (after a package prefix)");
    assert.equal(result.serverInfo?.name, "stave");
  });

  await t.test("initialized, didOpen: every file of the workspace is published clean", async () => {
    connection.sendNotification(InitializedNotification.type, {});
    connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: RULES, languageId: "stave", version, text: rules },
    });
    const got = await diagnosticsWhere("for all three files, the open one at version 1", (m) =>
      [PLATFORM, DECLS, RULES].every((u) => m.has(u)) && m.get(RULES).version === 1,
    );
    for (const uri of [PLATFORM, DECLS, RULES]) assert.deepEqual(got.get(uri).diagnostics, [], uri);
    assert.deepEqual(published.map((p) => p.uri).filter((u) => ![PLATFORM, DECLS, RULES].includes(u)), [],
      "nothing is published for files outside the workspace (the std library)");
  });

  await t.test("didChange (incremental) misspelling an action: an E0101 error at the UTF-16 range", async () => {
    const line = "allow devs /* équipe 🚀 */ to view in staging";
    const view = rangeOf(rules, "view", { after: line });
    // `view` starts at UTF-16 column 30: 33 in bytes, 29 in code points.
    assert.deepEqual(view.start, { line: 5, character: 30 });
    const v = changeRules([{ range: view, newText: "veiw" }]);
    const got = await diagnosticsWhere(`for version ${v}`, (m) => m.get(RULES)?.version === v);
    const diags = got.get(RULES).diagnostics;
    assert.equal(diags.length, 1, JSON.stringify(diags));
    const [d] = diags;
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.equal(d.code, "E0101");
    assert.deepEqual(d.range, view);
    assert.equal(textAt(rules, d.range), "veiw");
    assert.match(d.message, /`veiw`/);
    assert.match(d.message, /did you mean `view`/);
    assert.equal(d.source, "stave");
    // The other files did not change, so they are not published again.
    assert.deepEqual(got.get(DECLS).diagnostics, []);
  });

  await t.test("didChange fixing it: the diagnostics are cleared", async () => {
    const v = changeRules([{ range: rangeOf(rules, "veiw"), newText: "view" }]);
    const got = await diagnosticsWhere(`for version ${v}`, (m) => m.get(RULES)?.version === v);
    assert.deepEqual(got.get(RULES).diagnostics, []);
    assert.equal(rules, FILES["shop/rules.policy"]);
  });

  await t.test("hover on a name: its kind, qualified name and doc comment", async () => {
    const devs = rangeOf(rules, "devs", { after: "allow devs /*" });
    const hover = await connection.sendRequest(HoverRequest.type, rulesAt({ ...devs.start, character: devs.start.character + 2 }));
    assert.equal(hover.contents.kind, MarkupKind.Markdown);
    assert.match(hover.contents.value, /\*\*group\*\* `shop\.devs`/);
    assert.match(hover.contents.value, /Shop developers\./);
    assert.match(hover.contents.value, /shop-developers/);
    assert.deepEqual(hover.range, devs);

    // A name of the other package, written with its prefix.
    const sre = await connection.sendRequest(HoverRequest.type, rulesAt(find(rules, "sre", { delta: 1 })));
    assert.match(sre.contents.value, /\*\*group\*\* `platform\.sre`/);
    assert.match(sre.contents.value, /The SRE on-call rotation, shared by every team\./);
    assert.deepEqual(sre.range, rangeOf(rules, "sre"));

    // After the emoji on the same line: still the right name.
    const staging = await connection.sendRequest(HoverRequest.type, rulesAt(find(rules, "staging", { after: "équipe 🚀 */" })));
    assert.match(staging.contents.value, /\*\*namespace\*\* `shop\.staging`/);
    assert.match(staging.contents.value, /kind: PeerAuthentication/, "a namespace shows what it lowers to");
    assert.deepEqual(staging.range, rangeOf(rules, "staging", { after: "équipe 🚀 */" }));
  });

  await t.test("hover on a rule: the objects it lowers to, as YAML", async () => {
    const rule = "allow devs /* équipe 🚀 */ to view in staging";
    const hover = await connection.sendRequest(HoverRequest.type, rulesAt(find(rules, "allow", { after: rule, delta: 2 })));
    const md = hover.contents.value;
    assert.match(md, /API rule/);
    assert.match(md, /```yaml\n/);
    assert.match(md, /^kind: Role$/m);
    assert.match(md, /^kind: RoleBinding$/m);
    assert.match(md, /^ {2}name: stave:view$/m);
    assert.match(md, /^ {2}namespace: shop-staging$/m);
    assert.match(md, /name: shop-developers/);
    // The whole rule, its end after the non-ASCII comment in UTF-16.
    assert.deepEqual(hover.range, lineRange(rules, 5));

    const call = await connection.sendRequest(HoverRequest.type, rulesAt(find(rules, "call", { after: "allow storefront" })));
    assert.match(call.contents.value, /call rule/);
    assert.match(call.contents.value, /The storefront reads orders\./, "the rule's doc comment");
    assert.match(call.contents.value, /^kind: AuthorizationPolicy$/m);
    assert.match(call.contents.value, /stave-shop\.checkout-allow/);
    assert.match(call.contents.value, /cluster\.local\/ns\/shop-staging\/sa\/storefront|cluster\.local\/ns\/shop-prod\/sa\/storefront/);
  });

  await t.test("definition: across files and across packages", async () => {
    const decls = FILES["shop/decls.policy"];
    const devs = await connection.sendRequest(DefinitionRequest.type, rulesAt(find(rules, "devs", { delta: 1 })));
    assert.deepEqual(devs, [{ uri: DECLS, range: rangeOf(decls, "devs", { after: "group " }) }]);

    const sre = await connection.sendRequest(DefinitionRequest.type, rulesAt(find(rules, "sre")));
    assert.deepEqual(sre, [{ uri: PLATFORM, range: rangeOf(FILES["platform/platform.policy"], "sre", { after: "group " }) }]);

    const checkout = await connection.sendRequest(DefinitionRequest.type, rulesAt(find(rules, "checkout")));
    assert.deepEqual(checkout, [{ uri: DECLS, range: rangeOf(decls, "checkout", { after: "app checkout" }) }]);
  });

  await t.test("references: the declaration and every use, in every file", async () => {
    const decls = FILES["shop/decls.policy"];
    const on = { textDocument: { uri: DECLS }, position: find(decls, "checkout", { after: "app checkout", delta: 3 }) };
    const withDecl = await connection.sendRequest(ReferencesRequest.type, { ...on, context: { includeDeclaration: true } });
    const key = (l) => `${l.uri}:${l.range.start.line}:${l.range.start.character}`;
    assert.deepEqual(withDecl.map(key).sort(), [
      { uri: DECLS, range: rangeOf(decls, "checkout", { after: "app checkout" }) },
      { uri: RULES, range: rangeOf(rules, "checkout") },
    ].map(key).sort());
    for (const l of withDecl) assert.equal(l.range.end.character - l.range.start.character, "checkout".length);

    const usesOnly = await connection.sendRequest(ReferencesRequest.type, { ...on, context: { includeDeclaration: false } });
    assert.deepEqual(usesOnly, [{ uri: RULES, range: rangeOf(rules, "checkout") }]);

    // `staging` is used in both files of package shop.
    const staging = await connection.sendRequest(ReferencesRequest.type, {
      ...rulesAt(find(rules, "staging", { after: "équipe" })),
      context: { includeDeclaration: false },
    });
    const byFile = Object.groupBy
      ? Object.groupBy(staging, (l) => l.uri)
      : staging.reduce((acc, l) => ((acc[l.uri] ??= []).push(l), acc), {});
    assert.equal(byFile[RULES]?.length, 2, JSON.stringify(staging));
    assert.equal(byFile[DECLS]?.length, 4, JSON.stringify(staging)); // two serviceaccounts, two apps
    for (const l of byFile[RULES]) assert.equal(textAt(rules, l.range), "staging");
    for (const l of byFile[DECLS]) assert.equal(textAt(decls, l.range), "staging");
  });

  await t.test("completion: actions (and `call`) after `to `, apps after `call `", async () => {
    const end = rules.length;
    changeRules([{ range: { start: positionAt(rules, end), end: positionAt(rules, end) }, newText: "allow storefront to " }]);
    const cursor = positionAt(rules, rules.length);
    const list = await connection.sendRequest(CompletionRequest.type, {
      ...rulesAt(cursor),
      context: { triggerKind: CompletionTriggerKind.TriggerCharacter, triggerCharacter: " " },
    });
    const items = Array.isArray(list) ? list : list.items;
    const byLabel = new Map(items.map((i) => [i.label, i]));
    for (const action of ["view", "deploy", "edit", "read-logs"]) {
      assert.ok(byLabel.has(action), `offers the std action \`${action}\``);
      assert.equal(byLabel.get(action).kind, CompletionItemKind.Function, `${action} is an action`);
    }
    for (const keyword of ["call", "run"]) {
      assert.ok(byLabel.has(keyword), `offers \`${keyword}\``);
      assert.equal(byLabel.get(keyword).kind, CompletionItemKind.Keyword);
    }
    for (const wrong of ["checkout", "devs", "staging", "allow"]) {
      assert.ok(!byLabel.has(wrong), `does not offer \`${wrong}\` after \`to\``);
    }
    const edit = byLabel.get("view").textEdit;
    if (edit) assert.deepEqual(edit.range, { start: cursor, end: cursor }, "inserts at the cursor");

    changeRules([{ range: { start: cursor, end: cursor }, newText: "call " }]);
    const afterCall = positionAt(rules, rules.length);
    const apps = await connection.sendRequest(CompletionRequest.type, {
      ...rulesAt(afterCall),
      context: { triggerKind: CompletionTriggerKind.TriggerCharacter, triggerCharacter: " " },
    });
    const appItems = Array.isArray(apps) ? apps : apps.items;
    const labels = appItems.map((i) => i.label).sort();
    assert.deepEqual(labels, ["checkout", "storefront"]);
    for (const i of appItems) assert.equal(i.kind, CompletionItemKind.Class, `${i.label} is an app`);
    const doc = appItems.find((i) => i.label === "checkout").documentation;
    assert.match(typeof doc === "string" ? doc : doc?.value ?? "", /Orders and payments\./, "the app's doc comment");

    // Undo the typing: the file is clean again.
    const typed = "allow storefront to call ";
    const v = changeRules([{ range: { start: positionAt(rules, rules.length - typed.length), end: afterCall }, newText: "" }]);
    assert.equal(rules, FILES["shop/rules.policy"]);
    const got = await diagnosticsWhere(`for version ${v}`, (m) => m.get(RULES)?.version === v);
    assert.deepEqual(got.get(RULES).diagnostics, []);
  });

  await t.test("documentSymbol: the outline of each file", async () => {
    const decls = FILES["shop/decls.policy"];
    const symbols = await connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: DECLS } });
    assert.deepEqual(symbols.map((s) => [s.name, s.kind]), [
      ["prod", SymbolKind.Namespace],
      ["staging", SymbolKind.Namespace],
      ["devs", SymbolKind.Struct],
      ["web-sa", SymbolKind.Property],
      ["orders-sa", SymbolKind.Property],
      ["storefront", SymbolKind.Class],
      ["checkout", SymbolKind.Class],
    ]);
    const checkout = symbols.find((s) => s.name === "checkout");
    assert.deepEqual(checkout.selectionRange, rangeOf(decls, "checkout", { after: "app checkout" }));
    assert.deepEqual(checkout.range.start, find(decls, "app checkout"));
    assert.deepEqual(checkout.range.end, positionAt(decls, decls.lastIndexOf("}") + 1));

    const outline = await connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: RULES } });
    assert.deepEqual(outline.map((s) => s.kind), [SymbolKind.Event, SymbolKind.Event, SymbolKind.Event]);
    assert.match(outline[0].name, /^allow devs .*to view in staging$/);
    assert.deepEqual(outline[0].range, lineRange(rules, 5));
    assert.deepEqual(outline[2].range, lineRange(rules, 9));
    for (const s of outline) {
      assert.ok(
        offsetAt(rules, s.range.start) <= offsetAt(rules, s.selectionRange.start) &&
          offsetAt(rules, s.selectionRange.end) <= offsetAt(rules, s.range.end),
        `selectionRange inside range for ${s.name}`,
      );
    }
  });

  await t.test("rename: a WorkspaceEdit over both files; applied, the program stays clean", async () => {
    const decls = FILES["shop/decls.policy"];
    const edit = await connection.sendRequest(RenameRequest.type, {
      ...rulesAt(find(rules, "devs", { delta: 2 })),
      newName: "developers",
    });
    assert.ok(edit.changes, JSON.stringify(edit));
    assert.deepEqual(Object.keys(edit.changes).sort(), [DECLS, RULES].sort());
    for (const [uri, edits] of Object.entries(edit.changes)) {
      const text = uri === RULES ? rules : decls;
      for (const e of edits) {
        assert.equal(e.newText, "developers");
        assert.equal(textAt(text, e.range), "devs", `${uri} ${JSON.stringify(e.range)}`);
      }
    }
    const newDecls = applyEdits(decls, edit.changes[DECLS]);
    assert.match(newDecls, /^group developers = "shop-developers"$/m);
    assert.ok(!/\bdevs\b/.test(newDecls));

    // Apply it as an editor does: the open file by didChange, the other on
    // disk, announced by didChangeWatchedFiles.
    writeFileSync(join(root, "shop/decls.policy"), newDecls);
    const v = changeRules(edit.changes[RULES]);
    connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: DECLS, type: FileChangeType.Changed }],
    });
    assert.match(rules, /^allow developers \/\* équipe 🚀 \*\/ to view in staging$/m);
    const got = await diagnosticsWhere(`for version ${v}`, (m) => m.get(RULES)?.version === v);
    assert.deepEqual(got.get(RULES).diagnostics, []);
    assert.deepEqual(got.get(DECLS).diagnostics, []);
    const hover = await connection.sendRequest(HoverRequest.type, rulesAt(find(rules, "developers")));
    assert.match(hover.contents.value, /\*\*group\*\* `shop\.developers`/);
    assert.match(hover.contents.value, /Shop developers\./);

    // Across packages: the declaration in platform, the prefixed use in shop.
    const sre = await connection.sendRequest(RenameRequest.type, { ...rulesAt(find(rules, "sre")), newName: "oncall" });
    assert.deepEqual(Object.keys(sre.changes).sort(), [PLATFORM, RULES].sort());
    assert.equal(applyEdits(FILES["platform/platform.policy"], sre.changes[PLATFORM]).includes("group oncall = "), true);
    assert.match(applyEdits(rules, sre.changes[RULES]), /^allow platform\.oncall {2}to {2}view/m);
  });

  await t.test("rename to a reserved word or a taken name is refused with an error", async () => {
    const at = rulesAt(find(rules, "storefront", { after: "allow storefront", delta: 1 }));
    await rejects(connection.sendRequest(RenameRequest.type, { ...at, newName: "allow" }), LSPErrorCodes.RequestFailed, /reserved/);
    await rejects(connection.sendRequest(RenameRequest.type, { ...at, newName: "cluster" }), LSPErrorCodes.RequestFailed, /reserved/);
    await rejects(connection.sendRequest(RenameRequest.type, { ...at, newName: "checkout" }), LSPErrorCodes.RequestFailed, /already declares/);
    await rejects(connection.sendRequest(RenameRequest.type, { ...at, newName: "web-" }), LSPErrorCodes.RequestFailed, /not a valid name/);
  });

  await t.test("formatting: edits that give the canonical text, and none once it is", async () => {
    const options = { tabSize: 2, insertSpaces: true };
    const edits = await connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: RULES }, options });
    assert.ok(Array.isArray(edits) && edits.length > 0, `edits: ${JSON.stringify(edits)}`);
    const formatted = applyEdits(rules, edits);
    assert.equal(formatted, canonical(rules));
    assert.match(formatted, /^allow platform\.sre to view in staging, prod$/m);
    assert.match(formatted, /^\/\/ équipe 🚀 ships on Fridays$/m, "comments are kept");
    assert.match(formatted, /^allow developers \/\* équipe 🚀 \*\/ to view in staging$/m);

    const v = changeRules(edits);
    assert.equal(rules, formatted);
    const again = await connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: RULES }, options });
    assert.deepEqual(again ?? [], []);
    const got = await diagnosticsWhere(`for version ${v}`, (m) => m.get(RULES)?.version === v);
    assert.deepEqual(got.get(RULES).diagnostics, []);
  });

  await t.test("robustness: unknown document, positions out of range, unknown method, bad params", async () => {
    const nowhere = { textDocument: { uri: MISSING }, position: { line: 0, character: 0 } };
    assert.equal(await connection.sendRequest(HoverRequest.type, nowhere), null);
    assert.equal(await connection.sendRequest(DefinitionRequest.type, nowhere), null);
    assert.deepEqual(await connection.sendRequest(ReferencesRequest.type, { ...nowhere, context: { includeDeclaration: true } }), []);
    assert.deepEqual(await connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: MISSING } }), []);
    const completion = await connection.sendRequest(CompletionRequest.type, nowhere);
    assert.deepEqual(Array.isArray(completion) ? completion : completion?.items ?? [], []);
    const fmt = await connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri: MISSING },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.deepEqual(fmt ?? [], []);
    await rejects(connection.sendRequest(RenameRequest.type, { ...nowhere, newName: "x" }), LSPErrorCodes.RequestFailed, /not part of the program/);

    // Past the end of a line: LSP says the position is the line's end,
    // which is right after `staging` on the rule's line.
    const ruleLine = 5;
    assert.match(rules.split("\n")[ruleLine], /^allow developers .* in staging$/);
    const past = rulesAt({ line: ruleLine, character: 500 });
    const hover = await connection.sendRequest(HoverRequest.type, past);
    assert.ok(hover, "a hover at the line's end");
    assert.match(hover.contents.value, /\*\*namespace\*\* `shop\.staging`/);
    assert.deepEqual(hover.range, rangeOf(rules, "staging", { after: "équipe" }));
    const definition = await connection.sendRequest(DefinitionRequest.type, past);
    assert.deepEqual(definition.map((l) => l.uri), [DECLS]);
    // Past the last line: no answer, but no error either.
    const beyond = await connection.sendRequest(HoverRequest.type, rulesAt({ line: 10_000, character: 3 }));
    assert.ok(beyond === null || typeof beyond.contents === "object");

    await rejects(connection.sendRequest("stave/noSuchMethod", {}), ErrorCodes.MethodNotFound);
    await rejects(connection.sendRequest("textDocument/hover", { textDocument: { uri: RULES } }), ErrorCodes.InvalidParams, /position/);

    // The server is still there and still right.
    const still = await connection.sendRequest(HoverRequest.type, rulesAt(find(rules, "sre")));
    assert.match(still.contents.value, /platform\.sre/);
  });


  await t.test("code actions offer a diagnostic's fix", async () => {
    const methods = rangeOf(rules, "GET", { after: "methods" });
    const v = changeRules([{ range: methods, newText: "get" }]);
    try {
      const got = await diagnosticsWhere(`for version ${v}`, (m) => m.get(RULES)?.version === v);
      const [d] = got.get(RULES).diagnostics;
      assert.equal(d?.code, "E0305");
      const actions = await connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri: RULES },
        range: d.range,
        context: { diagnostics: [d] },
      });
      const edits = (actions ?? []).flatMap((a) => a.edit?.changes?.[RULES] ?? []);
      assert.deepEqual(edits.map((e) => [e.range, e.newText]), [[methods, "GET"]]);
    } finally {
      const back = changeRules([{ range: methods, newText: "GET" }]);
      await diagnosticsWhere(`for version ${back}`, (m) => m.get(RULES)?.version === back);
    }
  });

  await t.test("a document with lone-CR line ends gets its positions right", async () => {
    const mac = uriOf("mac/mac.policy");
    const text = "package mac\r\r// équipe 🚀\rallow nobody to view in cluster\r";
    connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: mac, languageId: "stave", version: 1, text },
    });
    try {
      const got = await diagnosticsWhere("for the CR document", (m) => m.get(mac)?.version === 1);
      const unknown = got.get(mac).diagnostics.find((d) => d.code === "E0101");
      assert.ok(unknown, JSON.stringify(got.get(mac).diagnostics));
      assert.deepEqual(unknown.range, { start: { line: 3, character: 6 }, end: { line: 3, character: 12 } });
    } finally {
      connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: mac } });
      await diagnosticsWhere("clearing the closed CR document", (m) => m.get(mac)?.diagnostics.length === 0);
    }
  });

  await t.test("shutdown, then exit: the process ends with status 0", async () => {
    assert.equal(await connection.sendRequest(ShutdownRequest.type), null);
    await rejects(connection.sendRequest(HoverRequest.type, rulesAt({ line: 0, character: 0 })), ErrorCodes.InvalidRequest);
    exitExpected = true;
    connection.sendNotification(ExitNotification.type);
    const timeout = new Promise((_, rejectTimeout) =>
      setTimeout(() => rejectTimeout(new Error("the server did not exit")), WAIT_MS).unref(),
    );
    const { code, signal } = await Promise.race([exited, timeout]);
    assert.equal(signal, null);
    assert.equal(code, 0);
  });

  await t.test("the server logged no internal error", () => {
    const internal = logs.filter((m) => /internal error/i.test(m));
    assert.deepEqual(internal, []);
    assert.doesNotMatch(stderr, /internal error|Assertion|Sanitizer|terminate/i);
    assert.equal(readFileSync(join(root, "shop/rules.policy"), "utf8"), FILES["shop/rules.policy"], "unsaved edits stay unsaved");
  });
});
