// The ValidatingAdmissionPolicy that `stave build` emits for guarded
// namespaces (spec §5.3), evaluated with a CEL implementation that is not
// ours (@bufbuild/cel) under Kubernetes' admission semantics: match the
// request against the binding and the policy's matchConstraints, evaluate
// `variables` in order, then every validation; a validation that is false or
// errors (failurePolicy Fail) refuses the request, and the first refusal's
// messageExpression (else message) is what the user sees.
//
// Run: cd tests/js && npm ci && node --test
// STAVE names the compiler (default: ../../build/compiler/stave).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { run, isCelError } from "@bufbuild/cel";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const stave = process.env.STAVE ?? resolve(here, "../../build/compiler/stave");

// ---- the generated objects ------------------------------------------------

const built = execFileSync(stave, ["build", resolve(here, "fixtures/pipelines")], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "pipe"],
});
const objects = parseAllDocuments(built).map((d) => d.toJS()).filter(Boolean);
const policies = new Map(
  objects.filter((o) => o.kind === "ValidatingAdmissionPolicy").map((o) => [o.metadata.name, o]),
);
const bindings = objects.filter((o) => o.kind === "ValidatingAdmissionPolicyBinding");

// ---- Kubernetes admission, as the API server applies a policy ---------------

// A metav1.LabelSelector. Only matchLabels is implemented: anything else
// fails loudly rather than matching by accident.
function selects(selector, labels) {
  if (!selector) return true;
  const { matchLabels = {}, ...rest } = selector;
  assert.deepEqual(Object.keys(rest), [], "selector fields not implemented here");
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}

// A policy's matchConstraints or a binding's matchResources.
function matches(m, req, nsLabels) {
  if (!m) return true;
  const anyOf = (list, v) => list.includes("*") || list.includes(v);
  const resource = req.resource.resource + (req.subResource ? "/" + req.subResource : "");
  const ruleOk =
    !m.resourceRules ||
    m.resourceRules.some(
      (r) =>
        anyOf(r.apiGroups, req.resource.group) &&
        anyOf(r.apiVersions, req.resource.version) &&
        anyOf(r.operations, req.operation) &&
        anyOf(r.resources, resource),
    );
  return ruleOk && selects(m.namespaceSelector, nsLabels) && selects(m.objectSelector, req.object?.metadata?.labels ?? {});
}

// JSON numbers that are integers are CEL ints.
const cel = (v) =>
  Number.isInteger(v) ? BigInt(v)
  : Array.isArray(v) ? v.map(cel)
  : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cel(x)]))
  : v;

// One policy on one request: null if admitted, else the message shown.
function evaluate(policy, req) {
  const { object = null, oldObject = null, ...request } = req;
  const vars = {};
  const env = () => ({ object: cel(object), oldObject: cel(oldObject), request: cel(request), variables: vars });
  // Variables are lazy in Kubernetes: one that errors fails only the
  // expressions that use it. Leaving it unbound makes such a use an error.
  for (const v of policy.spec.variables ?? []) {
    const r = run(v.expression, env());
    if (!isCelError(r)) vars[v.name] = r;
  }
  for (const v of policy.spec.validations) {
    const r = run(v.expression, env());
    if (r === true) continue;
    if (isCelError(r) && policy.spec.failurePolicy === "Ignore") continue;
    if (isCelError(r)) return `expression '${v.expression}' resulted in error: ${r.message}`;
    if (r !== false) return `expression '${v.expression}' did not evaluate to a bool`;
    const m = v.messageExpression ? run(v.messageExpression, env()) : undefined;
    return typeof m === "string" && m.trim() !== "" ? m : v.message;
  }
  return null;
}

// Every binding whose policy matches the request; the first denial wins.
function admit(req) {
  const nsLabels = { "kubernetes.io/metadata.name": req.namespace };
  const evaluated = [];
  for (const b of bindings) {
    const policy = policies.get(b.spec.policyName);
    assert.ok(policy, `binding ${b.metadata.name} names no emitted policy`);
    if (!matches(policy.spec.matchConstraints, req, nsLabels) || !matches(b.spec.matchResources, req, nsLabels)) continue;
    evaluated.push(policy.metadata.name);
    const message = evaluate(policy, req);
    if (message !== null && b.spec.validationActions.includes("Deny")) {
      return { allowed: false, evaluated, message };
    }
  }
  return { allowed: true, evaluated, message: "" };
}

// ---- requests ---------------------------------------------------------------

// A PipelineRun manifest. `sa` goes where its apiVersion keeps it.
function pipelineRun({ apiVersion = "tekton.dev/v1", namespace = "tekton-ci", pipeline, ref, sa, spec = {}, labels, status }) {
  const s = { ...spec };
  if (ref) s.pipelineRef = ref;
  else if (pipeline) s.pipelineRef = { name: pipeline };
  if (sa !== undefined) {
    if (apiVersion === "tekton.dev/v1beta1") s.serviceAccountName = sa;
    else s.taskRunTemplate = { serviceAccountName: sa };
  }
  s.params = [{ name: "revision", value: "main" }];
  const o = {
    apiVersion,
    kind: "PipelineRun",
    metadata: { name: "run-1", namespace, uid: "6f1c3a52-0b5e-4d59-9a3e-2f5d6c7b8a90", ...(labels && { labels }) },
    spec: s,
  };
  if (status) o.status = status;
  return o;
}

// An admission.k8s.io/v1 AdmissionRequest for a PipelineRun.
function request({ operation = "CREATE", user, groups = [], object, oldObject = null }) {
  const [group, version] = object.apiVersion.split("/");
  const kind = { group, version, kind: "PipelineRun" };
  const resource = { group, version, resource: "pipelineruns" };
  return {
    uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
    kind,
    resource,
    requestKind: kind,
    requestResource: resource,
    name: object.metadata.name,
    namespace: object.metadata.namespace,
    operation,
    userInfo: { username: user, uid: "uid-" + user, ...(groups.length && { groups }) },
    object,
    oldObject: operation === "CREATE" ? null : oldObject,
    dryRun: false,
    options: { apiVersion: "meta.k8s.io/v1", kind: operation === "CREATE" ? "CreateOptions" : "UpdateOptions" },
  };
}

const serviceAccount = (ns, name) => ({
  user: `system:serviceaccount:${ns}:${name}`,
  groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"],
});
const alice = { user: "alice@example.com" };
const bob = { user: "bob", groups: ["payments-devs", "system:authenticated"] };
const mallory = { user: "mallory@example.com" };
const carol = { user: "carol", groups: ["sre-oncall"] };
const eventListener = serviceAccount("tekton-ci", "el-sa");
const controller = serviceAccount("tekton-pipelines", "tekton-pipelines-controller");

const release = (extra = {}) => pipelineRun({ pipeline: "build-and-deploy", sa: "deployer", ...extra });

function allowed(req) {
  const r = admit(req);
  assert.ok(r.evaluated.length > 0, "the request should be matched by a stave policy");
  assert.ok(r.allowed, `should be admitted, was refused: ${r.message}`);
}

function refused(req, ...mentions) {
  const r = admit(req);
  assert.ok(!r.allowed, "should be refused, was admitted");
  assert.match(r.message, /^stave: /, `the policy's own message, not an evaluation error: ${r.message}`);
  for (const m of mentions) assert.ok(r.message.includes(m), `message should mention ${JSON.stringify(m)}: ${r.message}`);
  return r.message;
}

// ---- cases --------------------------------------------------------------------

test("the build emits one policy and binding per guarded namespace", () => {
  assert.deepEqual([...policies.keys()].sort(), ["stave-pipelines-tekton-ci", "stave-pipelines-tekton-sandbox"]);
  assert.deepEqual(bindings.map((b) => b.spec.policyName).sort(), [...policies.keys()].sort());
  for (const p of policies.values()) assert.equal(p.spec.failurePolicy, "Fail");
});

test("alice runs release as deployer (v1): admitted", () => {
  allowed(request({ ...alice, object: release() }));
});

test("alice runs release as another serviceaccount: refused, names the expected one", () => {
  refused(request({ ...alice, object: release({ sa: "other" }) }), "build-and-deploy", "deployer", '"other"');
});

test("a member of payments-devs runs release: admitted", () => {
  allowed(request({ ...bob, object: release() }));
});

test("the EventListener's serviceaccount runs release: admitted", () => {
  allowed(request({ ...eventListener, object: release() }));
});

test("mallory, granted nothing, runs release: refused, names the pipeline and the rules", () => {
  refused(request({ ...mallory, object: release() }), "build-and-deploy", "mallory@example.com", "allow devs, alice to run release");
});

test("a user whose only group is another group runs release: refused", () => {
  refused(request({ ...carol, object: release() }), "build-and-deploy", "carol", "allow devs, alice to run release");
});

test("an inline pipelineSpec: refused", () => {
  const object = pipelineRun({ sa: "deployer", spec: { pipelineSpec: { tasks: [{ name: "t", taskRef: { name: "deploy" } }] } } });
  refused(request({ ...alice, object }), "tekton-ci", "pipelineSpec");
});

test("v1beta1 layout, allowed user, right serviceaccount: admitted", () => {
  allowed(request({ ...alice, object: release({ apiVersion: "tekton.dev/v1beta1" }) }));
});

test("v1beta1 layout, allowed user, wrong serviceaccount: refused", () => {
  refused(request({ ...bob, object: release({ apiVersion: "tekton.dev/v1beta1", sa: "el-sa" }) }), "build-and-deploy", "deployer", '"el-sa"');
});

test("v1beta1 layout with the serviceaccount in the v1 place is not read as set: refused", () => {
  const object = pipelineRun({ apiVersion: "tekton.dev/v1beta1", pipeline: "build-and-deploy", spec: { taskRunTemplate: { serviceAccountName: "deployer" } } });
  refused(request({ ...alice, object }), "build-and-deploy", "deployer", '"default"');
});

test("no serviceaccount given runs as default: refused", () => {
  refused(request({ ...alice, object: release({ sa: undefined }) }), "build-and-deploy", "deployer", '"default"');
});

test("an undeclared pipeline: refused, names it", () => {
  refused(request({ ...alice, object: release({ pipeline: "mine-bitcoin" }) }), '"mine-bitcoin"', "not declared", "build-and-deploy");
});

test("a pipelineRef with a resolver and no name: refused", () => {
  const ref = { resolver: "git", params: [{ name: "url", value: "https://example.com/p.git" }, { name: "pathInRepo", value: "release.yaml" }] };
  refused(request({ ...alice, object: release({ ref }) }), "must name a declared Pipeline", "build-and-deploy");
});

test("a pipeline no run rule names: refused for everyone", () => {
  const object = pipelineRun({ pipeline: "nightly-tests", sa: "other" });
  for (const who of [alice, bob, eventListener, mallory]) {
    refused(request({ ...who, object }), "nightly-tests", "no `allow ... to run` rule names pipeline ci.nightly");
  }
});

// Not the cluster's Pipeline but an OCI bundle's Pipeline of the same name
// (v1beta1 `bundle`), or whatever a resolver fetches: not "the Pipeline it
// references" of spec §5.3, so a reference with either names no Pipeline.
test("a pipelineRef to a bundle's or resolver's Pipeline of a declared name: refused", () => {
  const bundle = { name: "build-and-deploy", bundle: "registry.example.com/evil/pipelines:latest" };
  refused(request({ ...alice, object: release({ apiVersion: "tekton.dev/v1beta1", ref: bundle }) }),
          "bundle and resolver references are refused");
  const resolver = { name: "build-and-deploy", resolver: "git" };
  refused(request({ ...alice, object: release({ ref: resolver }) }), "bundle and resolver references are refused");
});

test("the guarded namespace whose pipeline no rule names: every create refused", () => {
  const runner = serviceAccount("tekton-sandbox", "runner");
  const ok = pipelineRun({ namespace: "tekton-sandbox", pipeline: "experiment", sa: "runner" });
  for (const who of [alice, bob, eventListener, mallory, runner]) {
    refused(request({ ...who, object: ok }), "experiment", "no `allow ... to run` rule names pipeline ci.experiment");
    refused(request({ ...who, object: pipelineRun({ namespace: "tekton-sandbox", pipeline: "build-and-deploy", sa: "deployer" }) }), "not declared", "tekton-sandbox");
    refused(request({ ...who, object: pipelineRun({ namespace: "tekton-sandbox", sa: "runner", spec: { pipelineSpec: { tasks: [] } } }) }), "pipelineSpec");
  }
});

test("the Tekton controller updates labels and status only: admitted", () => {
  const before = release();
  const after = release({
    labels: { "tekton.dev/pipeline": "build-and-deploy" },
    status: { conditions: [{ type: "Succeeded", status: "Unknown", reason: "Running" }], startTime: "2024-05-01T10:00:00Z" },
  });
  allowed(request({ operation: "UPDATE", ...controller, object: after, oldObject: before }));
  // The same for a run made before the policy, with the wrong serviceaccount.
  allowed(request({ operation: "UPDATE", ...controller, object: release({ sa: "other", labels: { a: "b" } }), oldObject: release({ sa: "other" }) }));
});

test("the controller updates an inline run made before the policy: admitted", () => {
  const inline = (labels) => pipelineRun({ sa: "deployer", labels, spec: { pipelineSpec: { tasks: [] } } });
  allowed(request({ operation: "UPDATE", ...controller, object: inline({ a: "b" }), oldObject: inline() }));
});

test("an update that adds an inline pipelineSpec: refused", () => {
  const object = release({ spec: { pipelineSpec: { tasks: [] } } });
  refused(request({ operation: "UPDATE", ...alice, object, oldObject: release() }), "tekton-ci", "pipelineSpec");
});

test("alice cancels her run (spec.status): admitted", () => {
  allowed(request({ operation: "UPDATE", ...alice, object: release({ spec: { status: "Cancelled" } }), oldObject: release() }));
});

test("an update that swaps the serviceaccount, by someone not allowed: refused", () => {
  refused(request({ operation: "UPDATE", ...mallory, object: release({ sa: "other" }), oldObject: release() }), "build-and-deploy", "deployer", '"other"');
});

test("an update that swaps the pipeline, by someone not allowed: refused", () => {
  const before = pipelineRun({ pipeline: "nightly-tests", sa: "other" });
  refused(request({ operation: "UPDATE", ...mallory, object: release(), oldObject: before }), "build-and-deploy", "mallory@example.com");
});

test("a PipelineRun in a namespace with no pipelines is not matched", () => {
  const r = admit(request({ ...mallory, object: pipelineRun({ namespace: "payments-staging", pipeline: "anything", sa: "root" }) }));
  assert.deepEqual(r.evaluated, []);
  assert.ok(r.allowed);
});

// spec.taskRunSpecs can run one task as another account (v1
// serviceAccountName, v1beta1 taskServiceAccountName): the declared
// serviceaccount must hold for every task too.
test("a task run as another serviceaccount through taskRunSpecs: refused", () => {
  const v1 = release({ spec: { taskRunSpecs: [{ pipelineTaskName: "deploy", serviceAccountName: "other" }] } });
  refused(request({ ...alice, object: v1 }), "build-and-deploy", "taskRunSpecs", "deployer");
  const v1beta1 = release({
    apiVersion: "tekton.dev/v1beta1",
    spec: { taskRunSpecs: [{ pipelineTaskName: "deploy", taskServiceAccountName: "other" }] },
  });
  refused(request({ ...alice, object: v1beta1 }), "build-and-deploy", "taskRunSpecs");
  const same = release({ spec: { taskRunSpecs: [{ pipelineTaskName: "deploy", serviceAccountName: "deployer" }] } });
  allowed(request({ ...alice, object: same }));
  const other = release({ spec: { taskRunSpecs: [{ pipelineTaskName: "deploy", computeResources: {} }] } });
  allowed(request({ ...alice, object: other }));
});

test("an update that adds a per-task serviceaccount: refused", () => {
  const before = release();
  const after = release({ spec: { taskRunSpecs: [{ pipelineTaskName: "deploy", serviceAccountName: "other" }] } });
  refused(request({ ...controller, operation: "UPDATE", object: after, oldObject: before }), "taskRunSpecs");
});
