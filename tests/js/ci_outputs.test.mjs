// The CI formats checked by what their consumers use, not by our own code:
// SARIF by Microsoft's SARIF Multitool with its GitHub rules (the checks
// GitHub code scanning applies to an upload), JUnit XML by an XML validator
// and junit2json (the shape GitLab and Jenkins read), and Code Climate JSON
// against the fields GitLab's Code Quality report requires.
//
// Run: cd tests/js && npm ci && node --test
// STAVE names the compiler (default: ../../build/compiler/stave).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { XMLValidator } from "fast-xml-parser";
import { parse as parseJunit } from "junit2json";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const stave = resolve(process.env.STAVE ?? resolve(root, "build/compiler/stave"));
const require = createRequire(import.meta.url);

function run(args, cwd) {
  const p = spawnSync(stave, args, { cwd, encoding: "utf8" });
  assert.ok(p.status === 0 || p.status === 1 || p.status === 2, `stave crashed: ${p.status} ${p.stderr}`);
  return p;
}

// Inputs with every kind of finding: errors with secondary labels, notes
// with and without a location, risk lints, failing tests, and a path that
// does not exist (no file to point at).
const work = mkdtempSync(join(tmpdir(), "stave-ci-"));
const files = {
  "bad/a.policy":
    'package p\ngroup devs\nnamespace prod\napp api in prod { selector { app = "api" } }\n' +
    "allow devs to call api\n",
  "risky/r.policy":
    "package r\nnamespace ops\ngroup sre\naction debug {\n  pods: get, list\n  pods-exec: get, create\n}\n" +
    "allow sre to debug in ops\nallow sre to view in cluster\n",
};
for (const [name, text] of Object.entries(files)) {
  mkdirSync(dirname(join(work, name)), { recursive: true });
  writeFileSync(join(work, name), text);
}
const failingTests = resolve(root, "golden/test/fail_wrong_expectations");
const cases = [
  ["check", "bad", "risky"],
  ["check", "missing-directory"],
  ["test", failingTests],
  ["build", resolve(root, "examples/payments"), "-o", join(work, "out")],
  // drift of the example against a real cluster's objects: missing objects
  // (no place in the dump) and excess grants
  ["drift", resolve(root, "examples/payments"), "--cluster", resolve(root, "../shared/corpus/tekton-pipeline")],
];

// ---- SARIF -------------------------------------------------------------------

function multitool() {
  const dir = dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json"));
  return join(dir, "Sarif.Multitool");
}

test("SARIF passes the SARIF Multitool with its GitHub rules", () => {
  // One validator run over every case: it starts slowly (.NET).
  const inputs = cases.map((args, i) => {
    const p = run([...args, "--format", "sarif"], work);
    const log = JSON.parse(p.stdout);
    for (const r of log.runs[0].results) {
      assert.ok(r.locations?.length === 1, `a result without a location: ${JSON.stringify(r)}`);
      assert.ok(r.partialFingerprints?.["stave/v1"], "no fingerprint");
    }
    const input = join(work, `case-${i}.sarif`);
    writeFileSync(input, p.stdout);
    return input;
  });
  const output = join(work, "validation.sarif");
  rmSync(output, { force: true });
  const v = spawnSync(multitool(), ["validate", "--rule-kind", "Gh;Sarif", "-o", output, ...inputs],
    { encoding: "utf8" });
  assert.equal(v.status, 0, v.stdout + v.stderr);
  const found = JSON.parse(readFileSync(output, "utf8")).runs.flatMap((run) => run.results ?? []);
  const problems = found.map((r) => `${r.ruleId} ${r.level ?? "warning"}: ${JSON.stringify(r.message.arguments)} in ` +
    JSON.stringify(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri));
  assert.deepEqual(problems, [], cases.map((c, i) => `case-${i}: stave ${c.join(" ")}`).join("\n"));
});

test("the validator fails a result without a location (the bug this guards)", () => {
  const p = run(["check", "bad", "--format", "sarif"], work);
  const log = JSON.parse(p.stdout);
  delete log.runs[0].results[0].locations;
  const input = join(work, "broken.sarif");
  const output = join(work, "broken-validation.sarif");
  writeFileSync(input, JSON.stringify(log));
  rmSync(output, { force: true });
  spawnSync(multitool(), ["validate", "--rule-kind", "Gh;Sarif", "-o", output, input]);
  const ids = JSON.parse(readFileSync(output, "utf8")).runs[0].results.map((r) => r.ruleId);
  assert.ok(ids.includes("GH1015"), ids.join(" "));
});

// ---- JUnit XML ---------------------------------------------------------------

test("JUnit XML is well formed and reads as GitLab and Jenkins read it", async () => {
  const p = run(["test", failingTests, "--format", "junit"], work);
  assert.equal(p.status, 1);
  assert.equal(XMLValidator.validate(p.stdout), true);
  const suites = await parseJunit(p.stdout);
  assert.equal(suites.name, "stave test");
  const suite = suites.testsuite[0];
  assert.equal(suite.tests, suite.testcase.length);
  const failed = suite.testcase.filter((c) => c.failure);
  assert.equal(suite.failures, failed.length);
  assert.equal(suites.failures, failed.length);
  assert.ok(failed.length >= 1 && suite.testcase.length > failed.length, JSON.stringify(suite));
  for (const c of suite.testcase) {
    assert.ok(c.name && c.classname, JSON.stringify(c));
  }
  // every failed expectation is in its case's failure text
  const text = failed[0].failure[0].inner;
  assert.equal(text.trim().split("\n").length, 7, text);

  // a program that does not compile: each error is an <error> case
  const bad = run(["test", "bad", "--format", "junit"], work);
  assert.equal(bad.status, 1);
  assert.equal(XMLValidator.validate(bad.stdout), true);
  const b = (await parseJunit(bad.stdout)).testsuite[0];
  assert.ok(b.errors >= 1 && b.testcase.every((c) => c.error), JSON.stringify(b));
});

// ---- Code Climate (GitLab Code Quality) ---------------------------------------

const severities = new Set(["info", "minor", "major", "critical", "blocker"]);

function checkCodeQuality(doc) {
  assert.ok(Array.isArray(doc), "a Code Quality report is a JSON array");
  const fingerprints = new Set();
  for (const issue of doc) {
    for (const key of ["description", "check_name", "fingerprint", "severity"]) {
      assert.equal(typeof issue[key], "string", `${key} in ${JSON.stringify(issue)}`);
      assert.ok(issue[key].length > 0, key);
    }
    assert.ok(severities.has(issue.severity), issue.severity);
    assert.equal(typeof issue.location?.path, "string");
    assert.ok(Number.isInteger(issue.location.lines?.begin) && issue.location.lines.begin >= 1);
    assert.ok(!fingerprints.has(issue.fingerprint), `duplicate fingerprint ${issue.fingerprint}`);
    fingerprints.add(issue.fingerprint);
  }
}

test("Code Climate JSON has what GitLab Code Quality requires", () => {
  for (const args of cases) {
    const p = run([...args, "--format", "codeclimate"], work);
    checkCodeQuality(JSON.parse(p.stdout));
  }
  const risky = JSON.parse(run(["check", "risky", "--format", "codeclimate"], work).stdout);
  assert.ok(risky.some((i) => i.check_name === "W0505" && i.severity === "critical"), JSON.stringify(risky));
  const tests = JSON.parse(run(["test", failingTests, "--format", "codeclimate"], work).stdout);
  assert.equal(tests.filter((i) => i.check_name === "stave-test").length, 7);
});
