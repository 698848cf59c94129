#!/usr/bin/env node
// The benchmark peer: Cedar's parser and validator, through its WebAssembly
// build (@cedar-policy/cedar-wasm, installed by bench/setup.sh).
//
// It generates a Cedar policy set equivalent in size and mix to a Stave
// repository of N statements: per team, RBAC-like permits (groups, users and
// serviceaccounts on objects of a namespace, some limited to named objects
// with a `when`), mesh permits and forbids (method/path/port/header
// conditions), pipeline run permits, and forbid guards, plus one schema.
//
//   node bench/cedar_peer.mjs bench N [--iterations K]
//       in-process: time checkParsePolicySet (parse) and validate (parse +
//       validate in strict mode) on N policies, K + 1 times each; the first
//       call of each (WebAssembly tier-up, first allocations) is reported
//       apart and the median of the K others is the result; prints JSON.
//   node bench/cedar_peer.mjs write N DIR
//       write DIR/schema.cedarschema and DIR/policies/TEAM.cedar.
//   node bench/cedar_peer.mjs parse DIR | validate DIR
//       whole process: read DIR, parse (or parse + validate) once, exit 0 if
//       the policies are valid; prints JSON. run.py times these processes.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const tLoad0 = performance.now();
const cedar = await import('@cedar-policy/cedar-wasm/nodejs');
const loadMs = performance.now() - tLoad0;

export const SCHEMA = `namespace K8s {
  entity Group;
  entity User in [Group];
  entity Namespace;
  entity ServiceAccount in [Namespace];
  entity Object in [Namespace] { kind: String, name: String };
  entity App in [Namespace];
  entity Pipeline in [Namespace];

  action get, list, watch, create, update, patch, delete, deletecollection appliesTo {
    principal: [User, ServiceAccount],
    resource: [Object],
  };
  action call appliesTo {
    principal: [ServiceAccount],
    resource: [App],
    context: {
      method: String, path: String, port: Long, mtls: Bool,
      sourceNamespace: String, host?: String, tenant?: String,
    },
  };
  action run appliesTo {
    principal: [User, ServiceAccount],
    resource: [Pipeline],
    context: { serviceAccount: String },
  };
}
`;

const APPS = ['api', 'web', 'worker', 'frontend', 'backend', 'indexer', 'scheduler', 'router'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const K = 'K8s::';
const acts = (...vs) => '[' + vs.map((v) => `${K}Action::"${v}"`).join(', ') + ']';

// One team's policies, in the proportions of a Stave team package; `emit`
// returns false once enough policies have been produced.
function teamPolicies(t, emit) {
  const ns = (n) => `${K}Namespace::"${t}-${n}"`;
  const devs = `${K}Group::"${t}-developers"`;
  const leads = `${K}Group::"${t}-leads"`;
  const deployer = `${K}ServiceAccount::"${t}-ci/${t}-deployer"`;
  const sa = (a, n = 'prod') => `${K}ServiceAccount::"${t}-${n}/${a}"`;
  const app = (a) => `${K}App::"${t}-prod/${a}"`;
  const read = acts('get', 'list', 'watch');
  const out = [
    `permit (principal in ${devs}, action in ${read}, resource in ${ns('dev')});`,
    `permit (principal in ${devs}, action in ${read}, resource in ${ns('staging')});`,
    `permit (principal in ${devs}, action in ${acts('create', 'update', 'patch')}, resource in ${ns('dev')})\n` +
      `  when { ["deployments", "services", "configmaps"].contains(resource.kind) };`,
    `permit (principal in ${devs}, action in ${read}, resource in ${ns('prod')})\n` +
      `  when { resource.kind == "pods" || resource.kind == "pods/log" };`,
    `permit (principal in ${leads}, action in ${read}, resource in ${ns('prod')});`,
    `forbid (principal in ${devs}, action in ${acts('update', 'patch')}, resource in ${ns('prod')})\n` +
      `  when { resource.kind == "virtualservices" || resource.kind == "destinationrules" };`,
    `permit (principal in ${K}Group::"sre-oncall", action in ${read}, resource in ${ns('prod')});`,
  ];
  for (const a of APPS) {
    out.push(
      `permit (principal == ${deployer}, action in ${acts('get', 'update', 'patch')}, resource in ${ns('prod')})\n` +
        `  when { ["deployments", "services", "configmaps"].contains(resource.kind) &&\n` +
        `         ["${t}-${a}", "${t}-${a}-config"].contains(resource.name) };`,
      `permit (principal == ${sa(APPS[(APPS.indexOf(a) + 1) % APPS.length])}, action == ${K}Action::"call", resource == ${app(a)})\n` +
        `  when { context.mtls && ["GET", "POST"].contains(context.method) && context.path like "/api/*" && context.port == 8080 };`,
      `permit (principal == ${sa('api')}, action == ${K}Action::"call", resource == ${app(a)})\n` +
        `  when { context.mtls && context.port == 9090 && context has tenant && ["acme", "globex"].contains(context.tenant) };`,
      `forbid (principal, action == ${K}Action::"call", resource == ${app(a)})\n` +
        `  when { context.path like "/internal/*" };`,
      `permit (principal in ${ns('ci')}, action == ${K}Action::"call", resource == ${app(a)})\n` +
        `  when { context.mtls && context.method == "GET" && context.path == "/healthz" && context.sourceNamespace == "${t}-ci" };`,
    );
  }
  for (const u of USERS) {
    out.push(
      `permit (principal == ${K}User::"${u}@${t}.example.com", action in ${read}, resource in ${ns('staging')});`,
      `permit (principal == ${K}User::"${u}@${t}.example.com", action == ${K}Action::"run", resource == ${K}Pipeline::"${t}-ci/${t}-release")\n` +
        `  when { context.serviceAccount == "${t}-deployer" };`,
    );
  }
  out.push(
    `permit (principal in ${devs}, action == ${K}Action::"run", resource == ${K}Pipeline::"${t}-ci/${t}-release")\n` +
      `  when { context.serviceAccount == "${t}-deployer" };`,
    `forbid (principal == ${K}User::"contractor@${t}.example.com", action, resource in ${ns('prod')});`,
  );
  for (const p of out) if (!emit(p)) return false;
  return true;
}

export function generate(n) {
  const teams = [];
  let count = 0;
  for (let i = 0; count < n; i++) {
    const name = `team-${i}`;
    const policies = [];
    teamPolicies(name, (p) => {
      if (count >= n) return false;
      policies.push(p);
      count++;
      return true;
    });
    teams.push({ name, text: policies.join('\n\n') + '\n', count: policies.length });
  }
  return teams;
}

function parse(text) {
  const r = cedar.checkParsePolicySet({ staticPolicies: text });
  if (r.type !== 'success') throw new Error('parse failed: ' + JSON.stringify(r.errors.slice(0, 3)));
}

function validate(text, schema) {
  const r = cedar.validate({ schema, policies: { staticPolicies: text }, validationSettings: { mode: 'strict' } });
  if (r.type !== 'success') throw new Error('validate failed: ' + JSON.stringify(r.errors.slice(0, 3)));
  if (r.validationErrors.length) {
    throw new Error(`${r.validationErrors.length} validation errors, first: ` + JSON.stringify(r.validationErrors[0]));
  }
  return r.validationWarnings.length;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function readDir(dir) {
  const schema = readFileSync(join(dir, 'schema.cedarschema'), 'utf8');
  const files = readdirSync(join(dir, 'policies')).filter((f) => f.endsWith('.cedar')).sort();
  const text = files.map((f) => readFileSync(join(dir, 'policies', f), 'utf8')).join('\n');
  return { schema, text, files: files.length };
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'bench') {
  const n = Number(args[0]);
  const it = args.indexOf('--iterations') >= 0 ? Number(args[args.indexOf('--iterations') + 1]) : 5;
  const text = generate(n).map((t) => t.text).join('\n');
  const parseMs = [];
  const validateMs = [];
  let warnings = 0;
  for (let i = 0; i <= it; i++) {
    let t0 = performance.now();
    parse(text);
    parseMs.push(performance.now() - t0);
    t0 = performance.now();
    warnings = validate(text, SCHEMA);
    validateMs.push(performance.now() - t0);
  }
  const [firstParse, firstValidate] = [parseMs.shift(), validateMs.shift()];
  const mp = median(parseMs);
  const mv = median(validateMs);
  console.log(JSON.stringify({
    cedar: cedar.getCedarVersion(), policies: n, bytes: Buffer.byteLength(text), iterations: it,
    wasm_load_ms: loadMs, first_parse_ms: firstParse, first_validate_ms: firstValidate, parse_ms: parseMs, validate_ms: validateMs, parse_median_ms: mp,
    validate_median_ms: mv, parse_per_s: n / (mp / 1000), validate_per_s: n / (mv / 1000),
    validation_warnings: warnings, peak_rss_kb: Math.round(process.resourceUsage().maxRSS),
  }));
} else if (cmd === 'write') {
  const n = Number(args[0]);
  const dir = args[1];
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'policies'), { recursive: true });
  writeFileSync(join(dir, 'schema.cedarschema'), SCHEMA);
  let bytes = 0;
  const teams = generate(n);
  for (const t of teams) {
    writeFileSync(join(dir, 'policies', `${t.name}.cedar`), t.text);
    bytes += Buffer.byteLength(t.text);
  }
  console.log(JSON.stringify({ policies: n, files: teams.length, bytes }));
} else if (cmd === 'parse' || cmd === 'validate') {
  const t0 = performance.now();
  const { schema, text, files } = readDir(args[0]);
  const t1 = performance.now();
  let warnings = 0;
  if (cmd === 'parse') parse(text);
  else warnings = validate(text, schema);
  const t2 = performance.now();
  console.log(JSON.stringify({ files, bytes: Buffer.byteLength(text), wasm_load_ms: loadMs, read_ms: t1 - t0,
                               [cmd + '_ms']: t2 - t1, validation_warnings: warnings }));
} else {
  console.error('usage: cedar_peer.mjs bench N [--iterations K] | write N DIR | parse DIR | validate DIR');
  process.exit(2);
}
