#!/usr/bin/env python3
"""CLI tests: run the real `stave` binary for exit codes, messages and bad
input of every kind. Each test is a function named test_*; the runner prints
one line per test and closes with `cli: N passed, N failed`.

usage: run_cli.py STAVE
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

STAVE = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def stave(*args, cwd=None, timeout=30, env_extra=None):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env.update(env_extra or {})
    start = time.monotonic()
    p = subprocess.run([STAVE] + list(args), cwd=cwd, capture_output=True, timeout=timeout, env=env)
    p.elapsed = time.monotonic() - start
    p.out = p.stdout.decode("utf-8", "replace")
    p.err = p.stderr.decode("utf-8", "replace")
    return p


class Dir:
    """A temporary directory with policy files written into it."""

    def __init__(self, files):
        self.path = tempfile.mkdtemp(prefix="stave-cli-")
        for name, data in files.items():
            full = os.path.join(self.path, name)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data if isinstance(data, bytes) else data.encode())

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def expect_exit(p, code):
    expect(p.returncode == code,
           "exit %d, expected %d\nstdout:\n%s\nstderr:\n%s" % (p.returncode, code, p.out, p.err[:3000]))


GOOD = "package p\nnamespace prod\ngroup devs\nallow devs to view in prod\n"


def test_version():
    p = stave("--version")
    expect_exit(p, 0)
    expect(p.out.startswith("stave "), p.out)


def test_no_command_is_usage_error():
    p = stave()
    expect_exit(p, 2)
    expect("usage: stave" in p.err, p.err)


def test_unknown_command():
    p = stave("frobnicate")
    expect_exit(p, 2)
    expect("unknown command `frobnicate`" in p.err, p.err)


def test_unknown_flag():
    with Dir({"a.policy": GOOD}) as d:
        p = stave("check", d, "--frobnicate")
        expect_exit(p, 2)
        expect("frobnicate" in p.err, p.err)


def test_bad_color_value():
    with Dir({"a.policy": GOOD}) as d:
        p = stave("check", d, "--color=sometimes")
        expect_exit(p, 2)
        expect("--color" in p.err, p.err)


def test_clean_program_exits_zero_with_one_summary_line():
    with Dir({"a.policy": GOOD, "b.policy": "package q\ngroup ops\n"}) as d:
        p = stave("check", d)
        expect_exit(p, 0)
        expect(p.err == "checked 2 files: 2 objects, no warnings\n" and p.out == "", p.err)
        out = os.path.join(d, "out")
        p = stave("build", d, "-o", out)
        expect_exit(p, 0)
        expect(p.err == "built 2 files: 2 objects in %s (2 files changed), no warnings\n" % out, p.err)
        p = stave("build", d)
        expect(p.out.startswith(HEADER) and p.err == "built 2 files: 2 objects, no warnings\n", p.err)
        # machine formats stay one document, without the line
        p = stave("check", d, "--format", "json")
        expect(p.err == "", p.err)
        p = stave("build", d, "-o", out, "--format", "sarif")
        expect(p.err == "", p.err)


def test_default_path_is_current_directory():
    with Dir({"sub/a.policy": "package p\ngroup g\nallow g to view in nowhere\n"}) as d:
        p = stave("check", cwd=d)
        expect_exit(p, 1)
        expect("sub/a.policy:3:" in p.err, p.err)


def test_options_before_or_after_paths_and_with_equals():
    with Dir({"a.policy": "package p\nallow g to view in x\n"}) as d:
        for args in (["check", d, "--color", "never"], ["--color=never", "check", d],
                     ["check", "--color", "never", d]):
            p = stave(*args)
            expect_exit(p, 1)
            expect("\x1b[" not in p.err, "colored despite never: %r" % args)
        p = stave("check", d, "--color=always")
        expect("\x1b[1;31merror" in p.err, p.err)


def test_missing_path_is_exit_2():
    p = stave("check", "/nonexistent/stave-path")
    expect_exit(p, 2)
    expect("path `/nonexistent/stave-path` does not exist" in p.err, p.err)


def test_directory_without_policy_files_is_exit_2():
    with Dir({"README.md": "hello", "data.bin": bytes(range(256))}) as d:
        p = stave("check", d)
        expect_exit(p, 2)
        expect("no `.policy` files under" in p.err, p.err)


def test_directory_of_binary_policy_files():
    files = {"a.policy": bytes(range(256)) * 4, "b.policy": b"\x7fELF\x02\x01\x01\x00" * 64}
    with Dir(files) as d:
        p = stave("check", d)
        expect_exit(p, 1)
        expect(p.err.count("error[E0001]") == 2, p.err)
        expect("looks like a binary file" in p.err, p.err)


def test_invalid_utf8():
    with Dir({"a.policy": b"package p\nuser a = \"caf\xe9\"\n"}) as d:
        p = stave("check", d)
        expect_exit(p, 1)
        expect("error[E0001]" in p.err and "not valid UTF-8" in p.err, p.err)
        expect("a.policy:2:" in p.err, p.err)


def test_unterminated_string_and_comment():
    with Dir({"a.policy": "package p\nuser a = \"never closed\n", "b.policy": "package p\n/* open\n"}) as d:
        p = stave("check", d)
        expect_exit(p, 1)
        expect("error[E0003]: unterminated string" in p.err, p.err)
        expect("error[E0004]: unterminated block comment" in p.err, p.err)


def test_ten_megabyte_file_is_refused_quickly():
    with Dir({"big.policy": "package p\n" + "// padding padding padding\n" * 400000}) as d:
        p = stave("check", d, timeout=20)
        expect_exit(p, 1)
        expect("error[E0002]" in p.err and "at most 8 MiB" in p.err, p.err)


def test_ten_thousand_nested_braces():
    with Dir({"a.policy": "package p\napp a in ns " + "{" * 10000 + "}" * 10000}) as d:
        p = stave("check", d, timeout=20)
        expect_exit(p, 1)
        expect("error[E0009]" in p.err or "error[E0007]" in p.err, p.err[:2000])


def test_unreadable_file_is_exit_2():
    # As root, permissions do not stop reading; a directory named like a
    # policy file given explicitly cannot be read as one either way.
    with Dir({"a.policy": GOOD}) as d:
        target = os.path.join(d, "locked.policy")
        with open(target, "w") as f:
            f.write(GOOD)
        os.chmod(target, 0)
        if os.geteuid() == 0:
            os.remove(target)
            os.mkfifo(target)  # not a regular file: must not block
        p = stave("check", target, timeout=10)
        expect_exit(p, 2)
        expect("locked.policy" in p.err, p.err)


def test_explicit_file_with_any_extension():
    with Dir({"policy.txt": GOOD}) as d:
        p = stave("check", os.path.join(d, "policy.txt"))
        expect_exit(p, 0)


def test_examples_check_clean():
    examples = os.path.join(ROOT, "examples")
    for name in sorted(os.listdir(examples)):
        p = stave("check", os.path.join(examples, name))
        expect(p.returncode == 0, "examples/%s: exit %d\n%s" % (name, p.returncode, p.err))
        expect("error" not in p.err, "examples/%s has diagnostics:\n%s" % (name, p.err))


HEADER = "# Generated by stave"
PAYMENTS = os.path.join(ROOT, "examples", "payments")


def test_build_streams_yaml_to_stdout():
    p = stave("build", PAYMENTS)
    expect_exit(p, 0)
    expect(p.out.startswith(HEADER), p.out[:200])
    expect("kind: Role\n" in p.out and "kind: AuthorizationPolicy\n" in p.out, p.out[:500])
    # cluster-scoped first, then namespaces by name
    namespaces = [l.split(": ", 1)[1] for l in p.out.splitlines() if l.startswith("  namespace: ")]
    expect(namespaces == sorted(namespaces), "namespaces out of order")


def test_build_is_deterministic_across_runs_and_path_order():
    a = stave("build", PAYMENTS)
    b = stave("build", PAYMENTS)
    expect(a.out == b.out, "two runs differ")


def test_build_output_dir_layout():
    with Dir({}) as out:
        p = stave("build", PAYMENTS, "-o", out)
        expect_exit(p, 0)
        names = sorted(n for n in os.listdir(out) if not n.startswith("."))  # .stave-manifest
        # audit-policy.yaml: the example's audit rules (spec §14).
        expect(names == ["audit-policy.yaml", "cluster.yaml", "kustomization.yaml", "payments-prod.yaml",
                         "payments-staging.yaml", "tekton-ci.yaml"], names)
        for n in names:
            with open(os.path.join(out, n)) as f:
                expect(f.readline().startswith(HEADER), n)
        with open(os.path.join(out, "kustomization.yaml")) as f:
            k = f.read()
        expect("kind: Kustomization" in k and "- payments-prod.yaml" in k, k)


def test_build_with_errors_writes_nothing():
    with Dir({"a.policy": "package p\nallow g to view in nowhere\n"}) as src, Dir({}) as out:
        target = os.path.join(out, "new")
        p = stave("build", src, "-o", target)
        expect_exit(p, 1)
        expect(not os.path.exists(target), "output directory created despite errors")
        p = stave("build", src)
        expect_exit(p, 1)
        expect(p.out == "", "YAML printed despite errors")


def test_build_keeps_files_its_manifest_does_not_list():
    # Only files the previous build recorded in DIR/.stave-manifest are
    # removed as stale (tests/cli/run_write_faults.py); a file that merely
    # starts with the header, or any other file, is left alone.
    with Dir({}) as out:
        mine = os.path.join(out, "notes.yaml")
        with open(mine, "w") as f:
            f.write("# my own file\n")
        stale = os.path.join(out, "old-namespace.yaml")
        with open(stale, "w") as f:
            f.write(HEADER + " from .policy sources. Do not edit: change the policy and rebuild.\n")
        p = stave("build", PAYMENTS, "-o", out)
        expect_exit(p, 0)
        expect(os.path.exists(mine), "removed a file stave did not generate")
        expect(os.path.exists(stale), "removed a file with the header that no manifest lists")


def test_build_refuses_to_overwrite_foreign_file():
    with Dir({"payments-prod.yaml": "# hand-written\n"}) as out:
        p = stave("build", PAYMENTS, "-o", out)
        expect_exit(p, 2)
        expect("refusing to overwrite" in p.err, p.err)
        expect(sorted(os.listdir(out)) == ["payments-prod.yaml"], os.listdir(out))


def test_build_unchanged_files_keep_their_mtime():
    with Dir({}) as out:
        expect_exit(stave("build", PAYMENTS, "-o", out), 0)
        path = os.path.join(out, "payments-prod.yaml")
        os.utime(path, (1000000000, 1000000000))
        expect_exit(stave("build", PAYMENTS, "-o=" + out), 0)
        expect(os.stat(path).st_mtime == 1000000000, "rewrote an unchanged file")
        expect_exit(stave("build", PAYMENTS, "--output=" + out), 0)
        expect(not os.path.exists(os.path.join(ROOT, "=" + out)), "-o=DIR wrote to `=DIR`")


def test_build_options_trust_domain_and_dry_run():
    p = stave("build", PAYMENTS, "--trust-domain", "corp.example", "--istio-dry-run")
    expect_exit(p, 0)
    expect("corp.example/ns/payments-prod/sa/frontend" in p.out, p.out)
    expect('istio.io/dry-run: "true"' in p.out, "no dry-run annotation")
    expect_exit(stave("build", PAYMENTS, "--trust-domain="), 2)


def test_examples_build_and_pass_the_schemas():
    validate = os.path.join(os.path.dirname(ROOT), "shared", "schemas", "validate.py")
    for name in sorted(os.listdir(os.path.join(ROOT, "examples"))):
        with Dir({}) as out:
            p = stave("build", os.path.join(ROOT, "examples", name), "-o", out)
            expect_exit(p, 0)
            if os.path.exists(validate):
                files = [os.path.join(out, f) for f in sorted(os.listdir(out))
                         if f != "kustomization.yaml" and not f.startswith(".")]
                v = subprocess.run([sys.executable, validate, "--no-warnings"] + files,
                                   capture_output=True, text=True)
                expect(v.returncode == 0, "examples/%s: %s" % (name, v.stdout + v.stderr))


def test_emitted_yaml_round_trips_through_a_yaml_parser():
    import yaml
    p = stave("build", os.path.join(ROOT, "examples", "platform"))
    expect_exit(p, 0)
    docs = [d for d in yaml.safe_load_all(p.out) if d is not None]
    expect(len(docs) > 5, "too few documents")
    for d in docs:
        expect(set(list(d)[:3]) == {"apiVersion", "kind", "metadata"}, list(d)[:3])
        expect(d["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "stave", d["metadata"])
        for rule in d.get("spec", {}).get("rules", []) or []:
            for to in rule.get("to", []):
                for port in to["operation"].get("ports", []):
                    expect(isinstance(port, str), "port %r is not a string" % port)


BAD = "package p\ngroup devs\nnamespace prod\napp api in prod { selector { app = \"api\" } }\nallow devs to call api\n"
WARN = "package p\ngroup g\nallow g to view in cluster\n"
SARIF_SCHEMA = os.path.join(os.path.dirname(ROOT), "shared", "schemas", "sarif", "sarif-schema-2.1.0.json")


def test_format_json_is_one_versioned_document():
    import json
    with Dir({"a.policy": BAD}) as d:
        p = stave("check", d, "--format", "json")
        expect_exit(p, 1)
        doc = json.loads(p.out)
        expect(doc["format"] == "stave-diagnostics" and doc["version"] == 1, doc)
        expect(doc["summary"] == {"errors": 1, "warnings": 0, "notes": 0}, doc["summary"])
        diag = doc["diagnostics"][0]
        expect(diag["code"] == "E0202" and diag["severity"] == "error", diag)
        expect(diag["range"]["start"] == {"line": 5, "column": 7}, diag["range"])
        expect(diag["range"]["end"] == {"line": 5, "column": 11}, diag["range"])
        expect(diag["help"] and diag["file"].endswith("a.policy"), diag)
        expect(p.err == "", "json mode printed to stderr: " + p.err)
    p = stave("check", "/nonexistent", "--format=json")
    expect_exit(p, 2)
    expect(json.loads(p.out)["diagnostics"][0]["code"] == "E0011", p.out)


def test_format_json_for_test_and_build():
    import json
    p = stave("test", PAYMENTS, "--format", "json")
    expect_exit(p, 0)
    doc = json.loads(p.out)
    # the spec's test, the token test (spec §12) and the audit test (§14)
    expect(doc["tests"]["passed"] == 3 and doc["tests"]["failed"] == 0, doc.get("tests"))
    failing = os.path.join(ROOT, "golden", "test", "fail_wrong_expectations")
    p = stave("test", failing, "--format", "json")
    expect_exit(p, 1)
    doc = json.loads(p.out)
    expect(doc["tests"]["failed"] == 1 and len(doc["tests"]["failures"]) == 7, doc["tests"])
    # build without -o: stdout is YAML, so the document goes to stderr
    p = stave("build", PAYMENTS, "--format", "json")
    expect_exit(p, 0)
    expect(p.out.startswith(HEADER), p.out[:100])
    expect(json.loads(p.err)["command"] == "build", p.err[:200])


def test_format_sarif_passes_the_official_schema():
    import json
    with Dir({"a.policy": BAD, "b.policy": WARN.replace("package p", "package q")}) as d:
        p = stave("check", d, "--format", "sarif")
        expect_exit(p, 1)
        log = json.loads(p.out)
        run = log["runs"][0]
        expect([r["ruleId"] for r in run["results"]] == ["E0202", "W0508"], run["results"])
        rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
        expect("Istio" in rules["E0202"]["help"]["text"], "rule help is not the long explanation")
        expect(run["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] == 7, run)
        if os.path.exists(SARIF_SCHEMA):
            import jsonschema
            schema = json.load(open(SARIF_SCHEMA))
            errors = list(jsonschema.Draft4Validator(schema).iter_errors(log))
            expect(not errors, [e.message for e in errors[:5]])


def test_format_github_workflow_commands_are_escaped():
    with Dir({"a,b.policy": BAD}) as d:
        p = stave("check", d, "--format", "github")
        expect_exit(p, 1)
        line = p.out.splitlines()[0]
        expect(line.startswith("::error file="), line)
        expect("a%2Cb.policy,line=5,col=7,endLine=5,endColumn=11,title=stave E0202::" in line, line)
        expect("%0Ahelp: " in line and "\n" not in line.rstrip("\n"), line)
    with Dir({"a.policy": WARN}) as d:
        p = stave("check", d, "--format=github")
        expect_exit(p, 0)
        expect(p.out.startswith("::warning "), p.out)


def test_warnings_as_errors():
    with Dir({"a.policy": WARN}) as d:
        expect_exit(stave("check", d), 0)
        p = stave("check", d, "-W", "error")
        expect_exit(p, 1)
        expect("(-W error)" in p.err, p.err)
        expect_exit(stave("check", d, "-W", "nonsense"), 2)


def test_check_and_build_report_tests_they_do_not_keep():
    import json
    # check and build free the expectations before lowering (peak memory):
    # sema must have checked them first, and a `stave:allow` before a test
    # block must still find its block.
    policy = (GOOD + "test \"t\" {\n  expect allow devs to view in prod\n"
              "  expect allow devs to view in nowhere\n}\n"
              "// stave:allow W0501 nothing here to silence\n"
              "test \"u\" {\n  expect deny devs to edit in prod\n}\n")
    with Dir({"a.policy": policy}) as d:
        outputs = []
        for args in (["check", d], ["build", d], ["test", d]):
            p = stave(*args, "--format", "json")
            expect_exit(p, 1)
            # build without -o keeps stdout for YAML: its document is on stderr
            doc = json.loads(p.err if args[0] == "build" else p.out)
            outputs.append(sorted((x["code"], x["range"]["start"]["line"], x["message"])
                                  for x in doc["diagnostics"]))
        expect(outputs[0] == outputs[1] == outputs[2], outputs)
        codes = [c for c, _, _ in outputs[0]]
        expect(any(c.startswith("E") for c in codes), outputs[0])
        # the comment found its test block: "silences nothing", not "followed by nothing"
        expect(("W0104", 9, "this `stave:allow W0501` silences nothing") in outputs[0], outputs[0])


def test_bad_format_value():
    expect_exit(stave("check", PAYMENTS, "--format", "xml"), 2)
    # a format the command does not read is refused, not ignored
    p = stave("check", PAYMENTS, "--format", "markdown")
    expect_exit(p, 2)
    expect("`--format markdown` is not a format of `stave check`, which takes human, json, "
           "sarif, github or codeclimate" in p.err, p.err)
    p = stave("who-can", "get", "pods", "in", "prod", "--path", PAYMENTS, "--format", "sarif")
    expect_exit(p, 2)
    expect("which takes human or json" in p.err, p.err)


def test_explain():
    p = stave("explain", "E0202")
    expect_exit(p, 0)
    expect(p.out.startswith("E0202 (error): ") and "allow devs to call api" in p.out, p.out)
    p = stave("explain", "E9999")
    expect_exit(p, 2)
    expect_exit(stave("explain"), 2)


def test_ci_recipes_are_valid():
    import yaml
    recipes = os.path.join(ROOT, "docs", "recipes")
    validate = os.path.join(os.path.dirname(ROOT), "shared", "schemas", "validate.py")
    if os.path.exists(validate):
        v = subprocess.run([sys.executable, validate, os.path.join(recipes, "tekton-taskrun.yaml")],
                           capture_output=True, text=True)
        expect(v.returncode == 0, v.stdout + v.stderr)
    gh = yaml.safe_load(open(os.path.join(recipes, "github-actions.yml")))
    steps = " ".join(s.get("run", "") for s in gh["jobs"]["stave"]["steps"])
    expect("--format github" in steps and "--format sarif" in steps, steps)
    gl = yaml.safe_load(open(os.path.join(recipes, "gitlab-ci.yml")))
    expect("stave check policies/ -W error" in gl["stave"]["script"], gl)
    hooks = yaml.safe_load(open(os.path.join(ROOT, ".pre-commit-hooks.yaml")))
    expect({h["id"] for h in hooks} == {"stave-fmt", "stave-check", "stave-test"}, hooks)
    for h in hooks:
        expect(h["language"] == "system" and h["entry"].startswith("stave "), h)


def git(repo, *args):
    subprocess.run(["git", "-C", repo] + list(args), check=True, capture_output=True,
                   env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                            GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com"))


def test_who_can_api_and_call():
    import json
    p = stave("who-can", "update", "deployments", "payments-api", "in", "prod", "--path", PAYMENTS)
    expect_exit(p, 0)
    expect("serviceaccount tekton-ci/payments-deployer (payments.deployer)" in p.out, p.out)
    expect("via RoleBinding payments-prod/stave:deploy:payments.api" in p.out, p.out)
    expect("payments.policy:42: allow deployer to deploy api in staging, prod" in p.out, p.out)
    expect("devs" not in p.out and "alice" not in p.out, p.out)
    p = stave("who-can", "view", "in", "staging", "--path", PAYMENTS, "--format", "json")
    expect_exit(p, 0)
    doc = json.loads(p.out)
    expect([g["subject"] for g in doc["grantees"]] == ["group sre-oncall"], doc)
    p = stave("who-can", "call", "api", "in", "prod", "method", "GET", "path", "/v1/x", "--path", PAYMENTS)
    expect_exit(p, 0)
    expect("serviceaccount payments-prod/frontend" in p.out and "plaintext" not in p.out, p.out)
    p = stave("who-can", "call", "api", "in", "prod", "path", "/admin/users", "--path", PAYMENTS)
    expect("nobody the policy declares" in p.out, p.out)
    expect_exit(stave("who-can", "frobnicate", "in", "prod", "--path", PAYMENTS), 2)
    expect_exit(stave("who-can", "get", "pods", "--path", PAYMENTS), 2)


def test_who_can_misspelled_names_get_did_you_mean():
    # The query is resolved by the code that resolves a test's `expect`:
    # unknown names are diagnostics pointing into the query, did-you-mean
    # included, and exit 2.
    for words, message, guess, column in (
            (["veiw", "in", "prod"], "unknown action `veiw`", "view", 1),
            (["deploy", "apii", "in", "prod"], "unknown app `apii`", "api", 8),
            (["view", "in", "prodd"], "unknown namespace `prodd`", "prod", 9),
            (["call", "apy", "in", "prod"], "unknown app `apy`", "api", 6)):
        p = stave("who-can", *words, "--path", PAYMENTS)
        expect_exit(p, 2)
        expect("error[E0101]: %s\n --> <query>:1:%d\n" % (message, column) in p.err, p.err)
        expect("= help: did you mean `%s`?" % guess in p.err, p.err)
        expect(p.out == "", p.out)
    # The same words in a test get the same diagnostic.
    src = open(os.path.join(PAYMENTS, "payments.policy")).read()
    with Dir({"p.policy": src + '\ntest "typo" {\n  expect allow sre to veiw in prod\n}\n'}) as d:
        p = stave("check", d)
        expect_exit(p, 1)
        expect("error[E0101]: unknown action `veiw`" in p.err and "did you mean `view`?" in p.err, p.err)
    # The cluster's name of a namespace is not the policy's, but the help
    # says which declaration it is.
    p = stave("who-can", "view", "in", "payments-prod", "--path", PAYMENTS)
    expect_exit(p, 2)
    expect("unknown namespace `payments-prod`" in p.err, p.err)
    expect("= help: `payments-prod` is the Kubernetes name of namespace `payments.prod`: write `prod`"
           in p.err, p.err)
    # Machine formats carry the query's diagnostics too.
    p = stave("who-can", "view", "in", "prodd", "--path", PAYMENTS, "--format", "json")
    expect_exit(p, 2)
    doc = json.loads(p.err)
    expect([(x["code"], x["file"]) for x in doc["diagnostics"]] == [("E0101", "<query>")], doc)


WORDS = """package p
namespace prod = "p-prod"
group devs
group ops
action get { configmaps: get }
app pods in prod {
  selector { app = "pods" }
  ports 5432 tcp
  objects { configmaps: "pods-config" }
}
allow devs to get pods in prod
allow ops to read-logs in prod

test "the words of who-can" {
  expect allow devs to get pods in prod
  expect deny ops to get pods in prod
  expect allow ops to get std.pods in prod
  expect deny devs to get std.pods in prod
}
"""


def test_who_can_reads_a_query_as_a_test_reads_it():
    with Dir({"p.policy": WORDS}) as d:
        t = stave("test", d)
        expect_exit(t, 0)
        expect("ok   the words of who-can (4 expectations)" in t.out, t.out)
        # `get pods`: `get` is an action of p and `pods` an app of p, so a
        # test reads an action on an app, and so does who-can now. (Before,
        # who-can took any verb followed by a std resource as a verb on it,
        # and answered `ops`.)
        p = stave("who-can", "get", "pods", "in", "prod", "--path", d)
        expect_exit(p, 0)
        expect(p.out == "who can get pods in p-prod:\n  group devs (p.devs)\n"
               "      via RoleBinding p-prod/stave:p.get:p.pods\n"
               "      from %s:11: allow devs to get pods in prod\n" % os.path.join(d, "p.policy"), p.out)
        p = stave("who-can", "get", "std.pods", "in", "prod", "--path", d)
        expect_exit(p, 0)
        expect("group ops (p.ops)" in p.out and "devs" not in p.out, p.out)
        # A call without `port` to an app without HTTP ports asks its first
        # port, as a test does (before: GET / on no port).
        p = stave("who-can", "call", "pods", "--path", d)
        expect_exit(p, 0)
        expect(p.out.startswith("who can call p.pods port 5432 in p-prod:\n"), p.out)
        # A namespace is written by its declared name, as in a test.
        p = stave("who-can", "get", "pods", "in", "p-prod", "--path", d)
        expect_exit(p, 2)
        expect("unknown namespace `p-prod`" in p.err, p.err)


def test_who_can_in_several_packages():
    # Read in each package: it must resolve in one, or mean the same in all.
    with Dir({"a.policy": "package a\nnamespace prod\ngroup devs\nallow devs to view in prod\n",
              "b.policy": "package b\nnamespace prod = \"b-prod\"\ngroup ops\nallow ops to view in prod\n"
                          "namespace qa\n"}) as d:
        p = stave("who-can", "view", "in", "prod", "--path", d)
        expect_exit(p, 2)
        expect("stave: error: the query names different things in packages `a`, `b`: write its names "
               "as `PACKAGE.NAME`" in p.err, p.err)
        p = stave("who-can", "view", "in", "b.prod", "--path", d)
        expect_exit(p, 0)
        expect(p.out.startswith("who can view in b-prod:\n  group ops (b.ops)\n"), p.out)
        p = stave("who-can", "view", "in", "qa", "--path", d)
        expect_exit(p, 0)
        expect("nobody the policy declares" in p.out, p.out)
        p = stave("who-can", "get", "pods", "in", "cluster", "--path", d)
        expect_exit(p, 0)


def test_who_can_refuses_what_it_does_not_answer():
    for words, message in ((["run", "release"], "not `run`"),
                           (["get", "pods", "in", "prod", "level", "request"], "`level` belongs to audit")):
        p = stave("who-can", *words, "--path", PAYMENTS)
        expect_exit(p, 2)
        expect(message in p.err, p.err)
    p = stave("who-can", "get", "pods", "in", "prod", "extra", "--path", PAYMENTS)
    expect_exit(p, 2)
    expect("error[E0007]: expected end of file in the query, found `extra`" in p.err, p.err)
    expect_exit(stave("who-can", "--path", PAYMENTS), 2)


def test_diff_between_git_revisions_and_paths():
    import json
    with Dir({}) as repo:
        os.makedirs(os.path.join(repo, "policies"))
        src = open(os.path.join(PAYMENTS, "payments.policy")).read()
        with open(os.path.join(repo, "policies", "payments.policy"), "w") as f:
            f.write(src)
        git(repo, "init", "-q")
        git(repo, "add", ".")
        git(repo, "commit", "-qm", "one")
        changed = src.replace("allow sre to view in staging, prod",
                              "allow sre to view in staging, prod\nallow alice to read-logs in prod")
        with open(os.path.join(repo, "policies", "payments.policy"), "w") as f:
            f.write(changed)
        git(repo, "commit", "-qam", "two")
        p = stave("diff", "HEAD~1", "HEAD", "--path", "policies", cwd=repo)
        expect_exit(p, 1)
        expect("+ get, list, watch pods" in p.out and "user alice@example.com" in p.out, p.out)
        expect("HEAD:policies/payments.policy:44: allow alice to read-logs in prod" in p.out, p.out)
        p = stave("diff", "HEAD", "HEAD~1", "--path", "policies", "--format", "json", cwd=repo)
        expect_exit(p, 1)
        doc = json.loads(p.out)
        expect(not doc["added"] and len(doc["removed"]) == 4, doc)
        p = stave("diff", "HEAD~1", "policies", "--path", "policies", "--format", "markdown", cwd=repo)
        expect_exit(p, 1)
        # Markdown counts its rows (verbs of one resource share a row)
        expect(p.out.startswith("### stave diff: 2 added, 0 removed") and "| added |" in p.out, p.out)
        expect_exit(stave("diff", "HEAD", "policies", "--path", "policies", cwd=repo), 0)
        expect_exit(stave("diff", "no-such-rev", "policies", cwd=repo), 2)


def test_diff_of_a_pure_refactor_is_empty():
    src = open(os.path.join(PAYMENTS, "payments.policy")).read()
    # Rename declarations (Kubernetes names unchanged), reorder, split files.
    renamed = (src.replace("group devs", "group developers").replace("allow devs,", "allow developers,")
               .replace("deny devs", "deny developers").replace("expect deny devs", "expect deny developers")
               .replace("app api in", "app payments-api in").replace(" api in ", " payments-api in ")
               .replace("call api ", "call payments-api ")
               .replace("deployer, devs", "deployer, developers").replace("audited devs", "audited developers"))
    head, body = renamed.split("// who may deploy", 1)
    with Dir({"old/p.policy": src, "new/a.policy": "package payments\n// who may deploy" + body,
              "new/b.policy": head}) as d:
        check = stave("check", os.path.join(d, "new"))
        expect(check.returncode == 0, check.err)
        p = stave("diff", os.path.join(d, "old"), os.path.join(d, "new"))
        expect_exit(p, 0)
        expect(p.out.startswith("0 added, 0 removed"), p.out)
        expect("mesh requests that change" not in p.out, p.out)


def test_diff_asks_both_versions_which_mesh_requests_change():
    """Beside the policy rules that change, diff lists the mesh requests
    whose decision changes, asked of both versions' objects through the
    mesh authorizer, with the policy rule that admits them."""
    src = open(os.path.join(PAYMENTS, "payments.policy")).read()
    wider = src.replace('allow frontend to call api in prod methods GET, POST paths "/v1/*" ports 8080',
                        'allow frontend to call api in prod methods GET, POST, DELETE paths "/v1/*" ports 8080')
    expect(wider != src, "the example's frontend rule moved")
    narrower = src.replace('allow frontend to call api in prod methods GET, POST paths "/v1/*" ports 8080',
                           'allow frontend to call api in prod methods GET paths "/v1/*" ports 8080')
    # Removing the only ALLOW rule of an app in a namespace leaves no ALLOW
    # policy selecting it there: Istio then admits every request the DENY
    # rules do not refuse. The rows say a rule went; the requests say what
    # that opened.
    opened = src.replace('allow namespace staging to call api in staging\n', '')
    expect(opened != src, "the example's staging rule moved")
    with Dir({"old/p.policy": src, "wider/p.policy": wider, "narrower/p.policy": narrower,
              "opened/p.policy": opened}) as d:
        p = stave("diff", os.path.join(d, "old"), os.path.join(d, "wider"))
        expect_exit(p, 1)
        expect("+ serviceaccount payments-prod/frontend may now call pods app=payments-api: DELETE /v1/" in p.out, p.out)
        expect("admitted by AuthorizationPolicy payments-prod/stave-payments.api-allow rule" in p.out, p.out)
        expect("may no longer" not in p.out, p.out)
        j = json.loads(stave("diff", os.path.join(d, "old"), os.path.join(d, "wider"), "--format", "json").out)
        expect([m["change"] for m in j["mesh"]] == ["admitted"], j)
        expect(all(r.startswith("DELETE ") for r in j["mesh"][0]["requests"]), j)
        m = stave("diff", os.path.join(d, "old"), os.path.join(d, "wider"), "--format", "markdown").out
        expect("#### Mesh requests that change (1 now admitted, 0 now refused)" in m, m)
        p = stave("diff", os.path.join(d, "old"), os.path.join(d, "narrower"))
        expect_exit(p, 1)
        expect("- serviceaccount payments-prod/frontend may no longer call pods app=payments-api: POST /v1/" in p.out,
               p.out)
        expect("admitted before by AuthorizationPolicy payments-prod/stave-payments.api-allow rule" in p.out, p.out)
        expect("may now" not in p.out, p.out)
        # A first policy against an empty base closes much: a long table folds.
        many = "package m\nnamespace shop\napp api in shop { selector { app = \"api\" } }\n" + "".join(
            'serviceaccount sa%d = "sa-%d" in shop\nallow sa%d to call api in shop methods GET paths "/v%d/*"\n'
            % (i, i, i, i) for i in range(40))
        with open(os.path.join(d, "many.policy"), "w") as f:
            f.write(many)
        first = stave("diff", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", os.path.join(d, "many.policy"),
                      "--format", "markdown").out
        section = first[first.index("#### Mesh requests that change"):]
        expect("now refused)" in section and "<details><summary>every caller and callee</summary>" in section,
               section[:600])
        expect(section.count("\n| refused | shop | serviceaccount shop/sa-") == 40, section[:2000])
        p = stave("diff", os.path.join(d, "old"), os.path.join(d, "opened"))
        expect_exit(p, 1)
        expect("0 added, 1 removed" in p.out, p.out)
        expect("may now call pods app=payments-api: DELETE /" in p.out, p.out)
        expect("admitted by default allow (no ALLOW policy selects the workloads)" in p.out, p.out)


def test_diff_tells_apart_sources_that_conditions_name():
    """A `when source.namespace` condition names sources as a `from` does:
    both namespaces whose callers' decisions change are reported, not one
    caller standing for all the unnamed ones."""
    src = ('package p\nnamespace a = "team-a"\nnamespace b = "team-b"\nnamespace c = "team-c"\n'
           'app api in a { selector { app = "api" } }\n'
           'allow authenticated to call api in a when source.namespace == "team-c"\n')
    with Dir({"old/p.policy": src, "new/p.policy": src.replace('namespace == "team-c"', 'namespace == "team-b"')}) as d:
        p = stave("diff", os.path.join(d, "old"), os.path.join(d, "new"))
        expect_exit(p, 1)
        expect("+ any workload of namespace team-b may now call pods app=api" in p.out, p.out)
        expect("- any workload of namespace team-c may no longer call pods app=api" in p.out, p.out)


def test_who_can_call_lists_token_callers():
    # Spec §12: issuer sources answer `who-can call`; each subject a rule
    # names, and any other subject, through an mTLS peer.
    p = stave("who-can", "call", "api", "in", "prod", "method", "GET", "path", "/v1/x", "--path", PAYMENTS)
    expect_exit(p, 0)
    expect("tokens of issuer https://login.example.com, any subject (payments.partners)" in p.out, p.out)
    expect("allow issuer partners to call api in prod" in p.out, p.out)
    p = stave("who-can", "call", "api", "in", "prod", "method", "POST", "path", "/v1/x", "--path", PAYMENTS)
    expect_exit(p, 0)
    expect("tokens of issuer" not in p.out, p.out)
    src = """package p
namespace prod = "p-prod" { mtls strict }
issuer corp = "https://corp.example.com"
app api in prod { selector { app = "api" } ports 8080, 5432 tcp }
allow issuer corp subject "alice" to call api
"""
    with Dir({"p.policy": src}) as d:
        p = stave("who-can", "call", "api", "--path", d, "--format", "json")
        expect_exit(p, 0)
        import json
        subjects = [g["subject"] for g in json.loads(p.out)["grantees"]]
        expect(subjects == ["tokens of issuer https://corp.example.com, subject alice"], subjects)
        # No token reaches a TCP port.
        p = stave("who-can", "call", "api", "port", "5432", "--path", d)
        expect_exit(p, 0)
        expect("tokens of issuer" not in p.out and "nobody the policy declares" in p.out, p.out)

# What Stave reads, and bounded output (tests/cli/reads.py), with these helpers.
_READS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reads.py")
exec(compile(open(_READS, encoding="utf-8").read(), _READS, "exec"))


def test_who_can_without_an_object_lists_grants_on_named_objects():
    import json
    # `deploy api` grants `update` on the Deployment payments-api only: a
    # query that names no Deployment still finds it, labelled with the name.
    p = stave("who-can", "update", "deployments", "in", "prod", "--path", PAYMENTS)
    expect_exit(p, 0)
    expect("serviceaccount tekton-ci/payments-deployer (payments.deployer)\n      only on payments-api\n"
           in p.out, p.out)
    expect("nobody" not in p.out, p.out)
    doc = json.loads(stave("who-can", "update", "deployments", "in", "prod", "--path", PAYMENTS,
                           "--format", "json").out)
    expect([g.get("onlyNames") for g in doc["grantees"]] == [["payments-api"]], doc)
    # A grant on every object carries no names; a verb nobody holds finds nobody.
    doc = json.loads(stave("who-can", "get", "deployments", "in", "prod", "--path", PAYMENTS,
                           "--format", "json").out)
    expect(any("onlyNames" not in g for g in doc["grantees"]), doc)
    p = stave("who-can", "delete", "deployments", "in", "prod", "--path", PAYMENTS)
    expect("nobody the policy declares" in p.out, p.out)


AUDIT = """package p
namespace prod = "p-prod" { mtls strict }
group devs = "p-devs"
serviceaccount api-sa = "api" in prod
app api in prod {
  selector { app = "api" }
  serviceaccount api-sa
}
action peek { pods: get }
audit devs to peek in prod level request
audit any to call api methods POST
"""


def test_audit_policy_file_is_written_but_not_kustomized():
    with Dir({"p.policy": AUDIT}) as d:
        out = os.path.join(d, "out")
        p = stave("build", d, "-o", out)
        expect_exit(p, 0)
        files = sorted(n for n in os.listdir(out) if not n.startswith("."))  # .stave-manifest
        expect(files == ["audit-policy.yaml", "kustomization.yaml", "p-prod.yaml"], files)
        text = open(os.path.join(out, "audit-policy.yaml")).read()
        expect(text.startswith(HEADER), text[:80])
        expect("kind: Policy" in text and "level: Request" in text, text)
        kustomization = open(os.path.join(out, "kustomization.yaml")).read()
        expect("audit-policy" not in kustomization, kustomization)
        ns = open(os.path.join(out, "p-prod.yaml")).read()
        # Telemetry after AuthorizationPolicy (spec §8's kind order).
        expect(ns.index("action: AUDIT") < ns.index("kind: Telemetry"), ns)
        # Without API audit rules the file goes away on the next build.
        with open(os.path.join(d, "p.policy"), "w") as f:
            f.write(AUDIT.replace("audit devs to peek in prod level request\n", ""))
        p = stave("build", d, "-o", out)
        expect_exit(p, 0)
        expect(not os.path.exists(os.path.join(out, "audit-policy.yaml")), os.listdir(out))
        expect(os.path.exists(os.path.join(out, "p-prod.yaml")), os.listdir(out))


def test_audit_policy_is_the_last_document_on_stdout():
    with Dir({"p.policy": AUDIT}) as d:
        p = stave("build", d)
        expect_exit(p, 0)
        docs = p.out.split("\n---\n")
        expect(docs[-1].startswith("apiVersion: audit.k8s.io/v1\nkind: Policy\n"), docs[-1][:200])


def test_access_log_provider_option():
    with Dir({"p.policy": AUDIT}) as d:
        p = stave("build", d, "--access-log-provider", "otel-als")
        expect_exit(p, 0)
        expect("- name: otel-als" in p.out, p.out)
        p = stave("test", d, "--access-log-provider=stackdriver")
        expect_exit(p, 0)
        for bad in ["", "two words"]:
            p = stave("build", d, "--access-log-provider=" + bad)
            expect_exit(p, 2)
            expect("--access-log-provider" in p.err, p.err)


def test_diff_lists_audit_changes_in_their_own_section():
    old = AUDIT.replace("level request", "")
    with Dir({"old/p.policy": old, "new/p.policy": AUDIT}) as d:
        p = stave("diff", os.path.join(d, "old"), os.path.join(d, "new"))
        expect_exit(p, 1)
        expect("audit: what the API server and the mesh record" in p.out, p.out)
        section = p.out.split("audit: what the API server and the mesh record", 1)[1]
        expect("+ log Request" in section and "- log Metadata" in section, p.out)
        j = stave("diff", os.path.join(d, "old"), os.path.join(d, "new"), "--format", "json")
        expect_exit(j, 1)
        import json
        doc = json.loads(j.out)
        expect(doc["added"] == [] and doc["removed"] == [], j.out)
        expect(len(doc["audit"]["added"]) == 1 and len(doc["audit"]["removed"]) == 1, j.out)
        m = stave("diff", os.path.join(d, "old"), os.path.join(d, "new"), "--format", "markdown")
        expect("#### Audit" in m.out, m.out)
        # who-can leaves audit rules out: they grant nothing.
        w = stave("who-can", "get", "pods", "in", "prod", "--path", os.path.join(d, "new"))
        expect("p-devs" not in w.out, w.out)


class Skipped(Exception):
    """Raised by a test that cannot run on this machine; says why."""


def run_tests(namespace, suite):
    """Runs every test_* function of `namespace` (a module's globals) and
    prints `SUITE: N passed, N failed` (and `, N skipped` when some were)."""
    tests = [(n, f) for n, f in sorted(namespace.items()) if n.startswith("test_") and callable(f)]
    passed = failed = skipped = 0
    for name, fn in tests:
        start = time.monotonic()
        try:
            fn()
            passed += 1
            took = time.monotonic() - start
            # The slow ones say so: CI's time is budgeted (docs/ci.md).
            print("ok   %s/%s%s" % (suite, name, " (%.1f s)" % took if took >= 2 else ""))
        except Skipped as e:
            skipped += 1
            print("skip %s/%s: %s" % (suite, name, e))
        except Exception as e:  # noqa: BLE001 - report every failure the same way
            failed += 1
            print("FAIL %s/%s\n  %s" % (suite, name, str(e).replace("\n", "\n  ")))
            if not isinstance(e, AssertionError):
                traceback.print_exc()
    print("%s: %d passed, %d failed%s" % (suite, passed, failed,
                                         ", %d skipped" % skipped if skipped else ""))
    return 1 if failed else 0


def main():
    global STAVE
    STAVE = os.path.abspath(sys.argv[1])
    # Further tests live in tests/cli/*_tests.py (bounded work, CI formats,
    # install, options, …); they use this module's helpers through
    # `import __main__`.
    import glob
    import importlib.util
    namespace = dict(globals())
    for path in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "*_tests.py"))):
        spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for n, f in vars(module).items():
            if n.startswith("test_") and callable(f):
                if n in namespace:
                    raise SystemExit("two CLI tests are named %s" % n)
                namespace[n] = f
    return run_tests(namespace, "cli")

if __name__ == "__main__":
    sys.exit(main())
