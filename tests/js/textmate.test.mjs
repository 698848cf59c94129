// The TextMate grammar of the VS Code extension
// (editors/vscode/syntaxes/stave.tmLanguage.json), run by the engine VS Code
// itself uses: vscode-textmate with the Oniguruma regex library compiled to
// WebAssembly (vscode-oniguruma). Checks the scopes at known places of
// examples/payments/payments.policy (the spec's complete example), then
// every example file (and the standard library) line by line: no reserved
// word outside comments, strings and label or condition keys is left
// without a keyword scope, contextual keywords in their clause positions are
// keywords, and every top-level declaration names its name.
//
// Run: cd tests/js && npm ci && node --test
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const grammarPath = join(repo, "editors/vscode/syntaxes/stave.tmLanguage.json");
const require = createRequire(import.meta.url);

// ---- the engine -----------------------------------------------------------------

const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) =>
    scopeName === "source.stave" ? vsctm.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath) : null,
});
const grammar = await registry.loadGrammar("source.stave");

// Every line of a text as tokens: { text, start, end, scopes }.
function tokenize(text) {
  let state = vsctm.INITIAL;
  return text.split("\n").map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({
      text: line.slice(t.startIndex, t.endIndex),
      start: t.startIndex,
      end: t.endIndex,
      scopes: t.scopes,
    }));
  });
}

const has = (scopes, prefix) => scopes.some((s) => s === prefix || s.startsWith(prefix + "."));
const isKeyword = (scopes) => has(scopes, "keyword");
const inCommentOrString = (scopes) => has(scopes, "comment") || has(scopes, "string");
// Places where the language takes any word, reserved ones included.
const isKeyPosition = (scopes) => has(scopes, "support.type.property-name") || has(scopes, "variable.other.property");

// ---- the files --------------------------------------------------------------------

function policies(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? policies(path) : name.endsWith(".policy") ? [path] : [];
    })
    .sort();
}
const examples = policies(join(repo, "examples"));
const stdlib = policies(join(repo, "stdlib"));

const RESERVED = `package import as namespace user group serviceaccount resource action app
  pipeline allow deny to in call run test expect any authenticated cluster`.split(/\s+/);
const WORD = /[A-Za-z_][A-Za-z0-9_-]*/g; // identifiers, maximal munch (as the lexer reads them)

// ---- known places in the spec's example ---------------------------------------------

const paymentsPath = join(repo, "examples/payments/payments.policy");
const payments = readFileSync(paymentsPath, "utf8");
const paymentLines = payments.split("\n");
const paymentTokens = tokenize(payments);

// The scopes of `word` on the 1-based `lineNo`, which must read `expected`
// (so that a change to the example fails here, not silently elsewhere).
function scopesOf(lineNo, expected, word, nth = 0) {
  const line = paymentLines[lineNo - 1];
  assert.equal(line, expected, `payments.policy:${lineNo}`);
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = line.indexOf(word, at + 1);
    assert.ok(at >= 0, `\`${word}\` on line ${lineNo}`);
  }
  const token = paymentTokens[lineNo - 1].find((t) => t.start <= at && at < t.end);
  assert.ok(token.end >= at + word.length, `\`${word}\` on line ${lineNo} is one token, got \`${token.text}\``);
  return token.scopes;
}

function expectScope(lineNo, line, word, scope, nth = 0) {
  const scopes = scopesOf(lineNo, line, word, nth);
  assert.ok(has(scopes, scope), `\`${word}\` on line ${lineNo}: expected ${scope}, got ${scopes.join(" ")}`);
}

test("payments.policy: comments and doc comments", () => {
  const first = "// The complete example of the language specification (§1), verbatim: the";
  expectScope(1, first, "//", "comment.line.double-slash");
  expectScope(1, first, "verbatim", "comment.line.double-slash");
  assert.ok(!has(scopesOf(1, first, "verbatim"), "comment.line.documentation"), "`//` is not a doc comment");
  expectScope(7, "/// Tekton runs here.", "///", "comment.line.documentation");
  expectScope(7, "/// Tekton runs here.", "Tekton", "comment.line.documentation");
  expectScope(19, "/// Builds, tests and rolls out payments-api.", "payments-api", "comment.line.documentation");
  const trailing = "// who may deploy what where (RBAC)";
  expectScope(40, trailing, "deploy", "comment.line.double-slash");
  assert.ok(!isKeyword(scopesOf(40, trailing, "deploy")));
});

test("payments.policy: reserved words have keyword scopes", () => {
  expectScope(5, "package payments", "package", "keyword");
  const ci = 'namespace ci = "tekton-ci"';
  expectScope(8, ci, "namespace", "keyword.other");
  const sa = 'serviceaccount deployer = "payments-deployer" in ci { automount off }';
  expectScope(16, sa, "serviceaccount", "keyword.other");
  expectScope(16, sa, "in", "keyword.other");
  const run = "allow devs, alice to run release";
  expectScope(41, run, "allow", "keyword.control");
  expectScope(41, run, "to", "keyword.other");
  expectScope(41, run, "run", "keyword.other");
  const deploy = "allow deployer to deploy api in staging, prod";
  expectScope(42, deploy, "in", "keyword.other");
  expectScope(44, "deny devs to deploy api in prod", "deny", "keyword.control");
  const call = 'allow frontend to call api in prod methods GET, POST paths "/v1/*" ports 8080';
  expectScope(47, call, "call", "keyword.other");
  // `namespace` as a call source is a keyword, and what follows it a use.
  const ns = "allow namespace staging to call api in staging";
  expectScope(48, ns, "namespace", "keyword.other");
  assert.ok(!has(scopesOf(48, ns, "staging"), "entity.name"), "a use is not a declaration");
  expectScope(49, 'deny any to call api paths "/admin/*"', "any", "keyword.other");
  const t = 'test "only the pipeline deploys to prod" {';
  expectScope(51, t, "test", "keyword.control");
  const expect = '  expect allow deployer to update deployments "payments-api" in prod';
  expectScope(52, expect, "expect", "keyword.control");
  expectScope(52, expect, "allow", "keyword.control");
  expectScope(52, expect, "in", "keyword.other");
  // `api` is an app's name; its `app` keyword is the declaration's.
  expectScope(29, "app api in staging, prod {", "app", "keyword.other");
});

test("payments.policy: contextual keywords in their clause positions", () => {
  const prod = 'namespace prod = "payments-prod" { default deny mtls strict }';
  for (const flag of ["default", "deny", "mtls", "strict"]) expectScope(10, prod, flag, "keyword");
  expectScope(17, 'serviceaccount web-sa = "frontend" in prod { external }', "external", "keyword");
  expectScope(23, '  selector { app = "frontend" }', "selector", "keyword");
  expectScope(32, "  ports 8080", "ports", "keyword");
  expectScope(33, "  objects {", "objects", "keyword");
  const call = 'allow frontend to call api in prod methods GET, POST paths "/v1/*" ports 8080';
  for (const clause of ["methods", "paths", "ports"]) expectScope(47, call, clause, "keyword");
  const expect = '  expect allow frontend to call api in prod method GET path "/v1/charges" port 8080';
  for (const clause of ["method", "path", "port"]) expectScope(56, expect, clause, "keyword");
  // Inside a pipeline's block, `serviceaccount` is its clause.
  expectScope(20, 'pipeline release = "build-and-deploy" in ci { serviceaccount deployer }', "serviceaccount", "keyword", 0);
});

test("payments.policy: declared names, label keys, strings, numbers, operators", () => {
  expectScope(5, "package payments", "payments", "entity.name");
  expectScope(8, 'namespace ci = "tekton-ci"', "ci", "entity.name.namespace");
  expectScope(9, 'namespace staging = "payments-staging" { mtls strict }', "staging", "entity.name.namespace");
  expectScope(12, 'group devs = "payments-devs"', "devs", "entity.name.type");
  expectScope(14, 'user alice = "alice@example.com"', "alice", "entity.name.type");
  expectScope(16, 'serviceaccount deployer = "payments-deployer" in ci { automount off }', "deployer", "entity.name.type");
  expectScope(17, 'serviceaccount web-sa = "frontend" in prod { external }', "web-sa", "entity.name.type");
  expectScope(20, 'pipeline release = "build-and-deploy" in ci { serviceaccount deployer }', "release", "entity.name.function");
  expectScope(22, "app frontend in prod {", "frontend", "entity.name.type");
  expectScope(29, "app api in staging, prod {", "api", "entity.name.type");
  // Not declarations: the clause's account, and the rule's names.
  const clause = '  serviceaccount web-sa';
  assert.ok(!has(scopesOf(24, clause, "web-sa"), "entity.name"), "`serviceaccount web-sa` inside an app names a use");
  assert.ok(!has(scopesOf(42, "allow deployer to deploy api in staging, prod", "deployer"), "entity.name"));

  // In a selector, `app` is a label key, not the reserved word.
  const selector = '  selector { app = "frontend" }';
  const key = scopesOf(23, selector, "app");
  assert.ok(!isKeyword(key), `label key \`app\`: ${key.join(" ")}`);
  assert.ok(has(key, "support.type.property-name"), `label key \`app\`: ${key.join(" ")}`);
  expectScope(23, selector, "=", "keyword.operator.assignment");

  expectScope(8, 'namespace ci = "tekton-ci"', "tekton-ci", "string.quoted.double");
  expectScope(8, 'namespace ci = "tekton-ci"', '"', "punctuation.definition.string.begin");
  const objects = '    configmaps: "payments-api-config", "payments-api-flags"';
  expectScope(36, objects, "payments-api-flags", "string.quoted.double");
  expectScope(36, objects, ":", "punctuation.separator");
  expectScope(36, objects, ",", "punctuation.separator");
  const call = 'allow frontend to call api in prod methods GET, POST paths "/v1/*" ports 8080';
  expectScope(47, call, "/v1/*", "string.quoted.double");
  expectScope(47, call, "8080", "constant.numeric");
  expectScope(47, call, "GET", "support.constant");
  expectScope(32, "  ports 8080", "8080", "constant.numeric");
  const t = 'test "only the pipeline deploys to prod" {';
  expectScope(51, t, "only the pipeline", "string.quoted.double");
  // Words inside strings are not keywords.
  assert.ok(!isKeyword(scopesOf(51, t, "to")), "`to` inside the test's name");
});

// ---- every example, line by line ------------------------------------------------------

for (const [set, files] of [["examples", examples], ["stdlib", stdlib]]) {
  test(`${set}: every file tokenizes with no unscoped reserved word and no invalid token`, () => {
    assert.ok(files.length > 0, `${set} has .policy files`);
    for (const path of files) {
      const name = relative(repo, path);
      const text = readFileSync(path, "utf8");
      const lines = text.split("\n");
      tokenize(text).forEach((tokens, i) => {
        const where = `${name}:${i + 1}: ${lines[i]}`;
        for (const t of tokens) assert.ok(!has(t.scopes, "invalid"), `${where}\n  invalid token \`${t.text}\``);
        for (const m of lines[i].matchAll(WORD)) {
          if (!RESERVED.includes(m[0])) continue;
          const token = tokens.find((t) => t.start <= m.index && m.index < t.end);
          if (inCommentOrString(token.scopes) || isKeyPosition(token.scopes)) continue;
          // A reserved word in code: always a keyword.
          assert.ok(isKeyword(token.scopes), `${where}\n  \`${m[0]}\` has no keyword scope: ${token.scopes.join(" ")}`);
          assert.equal(token.text.trim(), m[0], `${where}\n  \`${m[0]}\` is a token of its own`);
        }
      });
    }
  });

  test(`${set}: declarations name their names, clauses are keywords, comments are comments`, () => {
    const ID = "[A-Za-z_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?";
    // Independent of the grammar: what a reader sees on the line.
    const checks = [
      // A top-level declaration: the keyword at the start of the line.
      [new RegExp(`^(?:namespace|user|group|serviceaccount|resource|action|app|pipeline)\\s+(${ID})`), "entity.name"],
      [/^\s*(selector)\s*\{/, "keyword"],
      [/^\s*(objects)\s*\{/, "keyword"],
      [/^\s*(include)\s+[A-Za-z_]/, "keyword"],
      [/^\s*(ports)\s+\d/, "keyword"],
      [/\{\s*(default)\s+deny\b/, "keyword"],
      [/\b(mtls)\s+strict\b/, "keyword"],
      [/\bmtls\s+(strict)\b/, "keyword"],
      [/\{\s*(external)\s*\}/, "keyword"],
      [/\b(methods)\s+[A-Z]+\b/, "keyword"],
      [/\b(paths|hosts)\s+"/, "keyword"],
      [/\bcall\b.*\b(ports)\s+\d/, "keyword"],
      [/\b(not)\s+(?:methods|paths|ports|hosts)\b/, "keyword"],
      [/^\s*(when)\s+[A-Za-z_]/, "keyword"],
      [/\b(method)\s+[A-Z]+\b/, "keyword"],
      [/\b(path|host)\s+"/, "keyword"],
      [/\b(port)\s+\d/, "keyword"],
      [/\b(header)\s+\S+\s*=/, "keyword"],
      [/^\s*expect\s+(?:allow|deny)\s+(plaintext)\s+to\b/, "keyword"],
      // Identity (spec §12, §13).
      [new RegExp(`^issuer\\s+(${ID})`), "entity.name"],
      [/^\s*(jwks|audiences|header)\s+"/, "keyword"],
      [/\bheader\s+"[^"]*"\s+(prefix)\s+"/, "keyword"],
      [/\b(automount)\s+off\b/, "keyword"],
      [/\bautomount\s+(off)\b/, "keyword"],
      [/^\s*(annotations)\s*\{/, "keyword"],
      [/^\s*"([^"]*)"\s*=\s*"/, "support.type.property-name"],
      [/^\s*(?:allow|deny)\s+(issuer)\s+[A-Za-z_]/, "keyword"],
      [/^\s*expect\s+(?:allow|deny)\s+(issuer)\s+[A-Za-z_]/, "keyword"],
      [/\bissuer\s+\S+\s+(subject)\s+"/, "keyword"],
      [/^\s*expect\b.*\s(via)\s+[A-Za-z_]/, "keyword"],
      [/^\s*expect\b.*\s(claim)\s+\S+\s*=/, "keyword"],
      [/^\s*(\/\/\/)/, "comment.line.documentation"],
      [/^\s*(\/\/)(?!\/)/, "comment.line.double-slash"],
      [/^(?:[^"/]|"[^"]*")*?\s(\/\/)(?!\/)/, "comment.line"],
    ];
    let checked = 0;
    for (const path of files) {
      const name = relative(repo, path);
      const text = readFileSync(path, "utf8");
      const lines = text.split("\n");
      tokenize(text).forEach((tokens, i) => {
        const line = lines[i];
        for (const [re, scope] of checks) {
          const m = new RegExp(re.source, re.flags + "d").exec(line);
          if (!m) continue;
          const at = m.indices[1][0];
          const token = tokens.find((t) => t.start <= at && at < t.end);
          // Words in comments (`// allow … methods GET`) are not code.
          if (!scope.startsWith("comment") && inCommentOrString(token.scopes)) continue;
          assert.ok(has(token.scopes, scope), `${name}:${i + 1}: ${line}\n  \`${m[1]}\`: expected ${scope}, got ${token.scopes.join(" ")}`);
          checked += 1;
        }
      });
    }
    assert.ok(checked > 20, `checked ${checked} places`);
  });
}

// ---- corners of the lexical grammar (spec §3) ----------------------------------------

function scopesIn(text, lineNo, word, nth = 0) {
  const lines = text.split("\n");
  const tokens = tokenize(text)[lineNo];
  let at = -1;
  for (let i = 0; i <= nth; i++) at = lines[lineNo].indexOf(word, at + 1);
  assert.ok(at >= 0, `\`${word}\` on line ${lineNo}`);
  return tokens.find((t) => t.start <= at && at < t.end).scopes;
}

test("contextual keywords used as names are names; keywords inside longer names are not keywords", () => {
  const text = [
    'group external = "external-contractors"', // 0
    'serviceaccount ports = "ports" in ci { external }', // 1
    "allow external, ports to trigger-cluster in cluster", // 2
    "allow run-pipeline-sa to run-pipeline in ci", // 3
    'allow plat.ci-bot to call api in prod methods GET when source.namespace != "default"', // 4
    '  when request.auth.claims["groups"] == "admins"', // 5
  ].join("\n");
  assert.ok(has(scopesIn(text, 0, "external"), "entity.name"), "`group external`: a name");
  assert.ok(!isKeyword(scopesIn(text, 0, "external")));
  assert.ok(has(scopesIn(text, 1, "ports"), "entity.name"), "`serviceaccount ports`: a name");
  assert.ok(isKeyword(scopesIn(text, 1, "external")), "`{ external }`: the flag");
  assert.ok(!isKeyword(scopesIn(text, 2, "external")), "a subject named external");
  assert.ok(!isKeyword(scopesIn(text, 2, "ports")), "a subject named ports (no port number follows)");
  assert.ok(!isKeyword(scopesIn(text, 2, "trigger-cluster")), "`cluster` inside `trigger-cluster`");
  assert.ok(isKeyword(scopesIn(text, 2, "cluster", 1)), "`in cluster`");
  assert.ok(!isKeyword(scopesIn(text, 3, "run-pipeline-sa")));
  assert.ok(!isKeyword(scopesIn(text, 3, "run-pipeline")), "`run` inside `run-pipeline`");
  assert.ok(isKeyword(scopesIn(text, 4, "when")));
  const key = scopesIn(text, 4, "namespace");
  assert.ok(!isKeyword(key) && has(key, "variable.other.property"), `\`source.namespace\` is a condition key: ${key.join(" ")}`);
  assert.ok(has(scopesIn(text, 4, "!="), "keyword.operator.comparison"));
  assert.ok(has(scopesIn(text, 4, "plat"), "entity.name.scope-resolution"), "a package prefix");
  assert.ok(has(scopesIn(text, 4, "."), "punctuation.accessor"));
  assert.ok(has(scopesIn(text, 5, "request.auth.claims"), "variable.other.property"));
  assert.ok(has(scopesIn(text, 5, "groups"), "string.quoted.double"));
  assert.ok(has(scopesIn(text, 5, "=="), "keyword.operator.comparison"));
});

test("issuers and serviceaccount credentials (spec §12, §13)", () => {
  const text = [
    'issuer google = "https://accounts.google.com" {', // 0
    '  jwks "https://www.googleapis.com/oauth2/v3/certs"', // 1
    '  audiences "payments"  header "x-jwt" prefix "Token "', // 2
    "}", // 3
    'serviceaccount ci-bot in ci { automount off annotations { "iam.gke.io/gcp-service-account" = "bot@p.iam" } }', // 4
    'allow issuer google subject "alice", frontend to call api', // 5
    'test "t" {', // 6
    '  expect allow issuer google claim groups = "admins" via gateway to call api in prod', // 7
    "}", // 8
    'group issuer = "issuers"', // 9
    "allow issuer to run release", // 10
  ].join("\n");
  assert.ok(isKeyword(scopesIn(text, 0, "issuer")), "`issuer` declaration keyword");
  assert.ok(has(scopesIn(text, 0, "google"), "entity.name"), "the issuer's name");
  assert.ok(isKeyword(scopesIn(text, 1, "jwks")));
  for (const kw of ["audiences", "header", "prefix"]) assert.ok(isKeyword(scopesIn(text, 2, kw)), kw);
  assert.ok(has(scopesIn(text, 2, "Token"), "string.quoted.double"));
  for (const kw of ["automount", "off", "annotations"]) assert.ok(isKeyword(scopesIn(text, 4, kw)), kw);
  assert.ok(has(scopesIn(text, 4, "iam.gke.io"), "support.type.property-name"), "an annotation key");
  assert.ok(has(scopesIn(text, 4, "bot@p.iam"), "string.quoted.double"));
  // The serviceaccount's block ends with its own brace, not the annotations'.
  assert.ok(has(scopesIn(text, 4, "}", 1), "punctuation.section.block.end"));
  assert.ok(isKeyword(scopesIn(text, 5, "issuer")), "`issuer` as a source");
  assert.ok(isKeyword(scopesIn(text, 5, "subject")), "`subject` after the issuer");
  assert.ok(!isKeyword(scopesIn(text, 5, "google")), "the issuer's name in a rule is a use");
  for (const kw of ["issuer", "claim", "via"]) assert.ok(isKeyword(scopesIn(text, 7, kw)), kw);
  assert.ok(!isKeyword(scopesIn(text, 7, "gateway")));
  assert.ok(has(scopesIn(text, 9, "issuer"), "entity.name"), "`group issuer`: a name");
  assert.ok(!isKeyword(scopesIn(text, 10, "issuer")), "a subject named issuer");
});

test("strings, escapes, comments and wildcards", () => {
  const text = [
    'user legacy-admin = "CORP\\\\legacy-admin \\"q\\" \\n\\t"', // 0
    'user odd = "bad \\q escape"', // 1
    'user open = "no end', // 2
    "group devs = \"d\" // trailing, with allow and \"quotes\"", // 3
    "//// four slashes: still a doc comment, as the lexer reads it", // 4
    "/* a block comment with allow in it", // 5
    "   still the comment */ group after = \"a\"", // 6
    "action all { pods: * }", // 7
  ].join("\n");
  assert.ok(has(scopesIn(text, 0, "\\\\"), "constant.character.escape"));
  assert.ok(has(scopesIn(text, 0, '\\"'), "constant.character.escape"));
  assert.ok(has(scopesIn(text, 0, "\\n"), "constant.character.escape"));
  assert.ok(has(scopesIn(text, 0, "\\t"), "constant.character.escape"));
  assert.ok(has(scopesIn(text, 0, "legacy-admin", 1), "string.quoted.double"));
  assert.ok(has(scopesIn(text, 1, "\\q"), "invalid.illegal"), "an escape the language does not have");
  assert.ok(has(scopesIn(text, 2, "no end"), "string.quoted.double"));
  assert.ok(!has(scopesIn(text, 3, "group"), "string"), "an unterminated string ends with its line");
  assert.ok(has(scopesIn(text, 3, "allow"), "comment.line.double-slash"));
  assert.ok(has(scopesIn(text, 3, "quotes"), "comment.line"));
  assert.ok(has(scopesIn(text, 4, "four"), "comment.line.documentation"));
  assert.ok(has(scopesIn(text, 5, "allow"), "comment.block"));
  assert.ok(has(scopesIn(text, 6, "still"), "comment.block"));
  assert.ok(isKeyword(scopesIn(text, 6, "group")), "code after the block comment");
  assert.ok(has(scopesIn(text, 6, "after"), "entity.name"));
  assert.ok(has(scopesIn(text, 7, "*"), "keyword.operator.wildcard"));
  assert.ok(has(scopesIn(text, 7, "all"), "entity.name.function"));
});

test("payments.policy: audit rules and expectations (spec §14)", () => {
  const api = "audit deployer to rollout api in prod level request";
  expectScope(103, api, "audit", "keyword.control.rule");
  expectScope(103, api, "level", "keyword.other.clause");
  expectScope(103, api, "request", "support.constant.audit-level");
  expectScope(107, "audit any to call api in prod methods POST, PUT, PATCH, DELETE", "methods", "keyword");
  const exp = '  expect audited deployer to update deployments "payments-api" in prod level request';
  expectScope(111, exp, "audited", "keyword.control.rule");
  expectScope(111, exp, "level", "keyword.other.clause");
  expectScope(111, exp, "request", "support.constant.audit-level", 0);
  expectScope(113, "  expect unaudited sre to get pods in prod", "unaudited", "keyword.control.rule");
  // `audit` and `level` are contextual: names elsewhere.
  const [line] = tokenize('group audit = "auditors"\nallow audit to view in level');
  const word = line.find((t) => t.text === "audit");
  assert.ok(!has(word.scopes, "keyword.control.rule"), `\`group audit\`: ${word.scopes.join(" ")}`);
});

// ---- the extension that ships the grammar --------------------------------------------

test("the VS Code extension's manifest contributes this grammar for *.policy", () => {
  const ext = join(repo, "editors/vscode");
  const manifest = JSON.parse(readFileSync(join(ext, "package.json"), "utf8"));
  const raw = JSON.parse(readFileSync(grammarPath, "utf8"));
  const [language] = manifest.contributes.languages;
  assert.equal(language.id, "stave");
  assert.deepEqual(language.extensions, [".policy"]);
  const config = JSON.parse(readFileSync(join(ext, language.configuration), "utf8"));
  assert.deepEqual(config.comments, { lineComment: "//", blockComment: ["/*", "*/"] });
  const [contributed] = manifest.contributes.grammars;
  assert.equal(contributed.language, "stave");
  assert.equal(resolve(ext, contributed.path), grammarPath);
  assert.equal(contributed.scopeName, raw.scopeName);
  assert.ok(manifest.activationEvents.includes("onLanguage:stave"));
  assert.ok(manifest.contributes.configuration.properties["stave.path"], "the server path is a setting");
  assert.match(manifest.engines.vscode, /^\^1\.75\./);
  for (const [name, version] of Object.entries(manifest.dependencies)) {
    assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is pinned`);
  }
  const main = readFileSync(resolve(ext, manifest.main), "utf8");
  assert.match(main, /vscode-languageclient\/node/);
  assert.match(main, /args: \["lsp"\]/);
  // TransportKind.stdio makes vscode-languageclient append `--stdio`, which
  // `stave lsp` refuses; the default transport is stdio without it.
  assert.doesNotMatch(main.replace(/\/\/.*$/gm, ""), /transport\s*:/);
});
