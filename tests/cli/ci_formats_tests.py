"""CLI tests of what GitHub code scanning, GitLab and Jenkins need from the
machine formats (the validators in tests/js/ci_outputs.test.mjs check the
same documents independently). Run by run_cli.py."""
import json
import os
import re

import __main__ as cli

NOTE_WITHOUT_LOCATION = ("package p\nnamespace prod\ngroup devs\napp api in prod {\n"
                         "  selector { app = \"api\" }\n  objects { deployments: \"api\" }\n}\n"
                         "allow devs to deploy api in prod\n")


def sarif(*args, cwd=None):
    p = cli.stave(*args, "--format", "sarif", cwd=cwd)
    return p, json.loads(p.out)


def github_slug(heading):
    """The anchor GitHub gives a markdown heading (github-slugger)."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_sarif_rules_have_name_help_uri_and_security_severity():
    with cli.Dir({"a.policy": cli.BAD, "b.policy": cli.WARN.replace("package p", "package q")}) as d:
        p, log = sarif("check", d, "--docs-url", "https://docs.example.org/diagnostics.md")
        cli.expect_exit(p, 1)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    headings = {}
    with open(os.path.join(cli.ROOT, "docs", "diagnostics.md")) as f:
        for line in f:
            if line.startswith("### "):
                headings[line[4:].split(":")[0]] = github_slug(line[4:].strip())
    for code, rule in rules.items():
        cli.expect(re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule["name"]) and rule["name"] != code, rule["name"])
        cli.expect(rule["helpUri"] == "https://docs.example.org/diagnostics.md#" + headings[code],
                   (rule["helpUri"], headings[code]))
        cli.expect(rule["help"]["text"], code)
    cli.expect(float(rules["W0508"]["properties"]["security-severity"]) > 0, rules["W0508"])
    cli.expect("security" in rules["W0508"]["properties"]["tags"], rules["W0508"])
    cli.expect("properties" not in rules["E0202"], "an error is not a security finding")
    # the default is the documented placeholder
    with cli.Dir({"a.policy": cli.BAD}) as d:
        _, log = sarif("check", d)
    uri = log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"]
    cli.expect(uri.startswith("https://example.com/your-org/stave/blob/main/docs/diagnostics.md#e0202-"), uri)


def test_sarif_results_always_have_a_location():
    p, log = sarif("check", "/nonexistent/policies")
    cli.expect_exit(p, 2)
    run = log["runs"][0]
    cli.expect(run["results"] == [], run["results"])
    inv = run["invocations"][0]
    cli.expect(inv["executionSuccessful"] is False, inv)
    note = inv["toolExecutionNotifications"][0]
    cli.expect(note["descriptor"]["id"] == "E0011" and "does not exist" in note["message"]["text"], note)
    with cli.Dir({"a.policy": cli.BAD}) as d:
        _, log = sarif("check", d)
    cli.expect(log["runs"][0]["invocations"] == [{"executionSuccessful": True}], log["runs"][0])
    cli.expect(all(r["locations"] for r in log["runs"][0]["results"]), log)


def test_sarif_keeps_notes_without_a_location_in_the_message():
    with cli.Dir({"a.policy": NOTE_WITHOUT_LOCATION}) as d:
        p = cli.stave("check", d, "--format", "json")
        notes = [n for x in json.loads(p.out)["diagnostics"] for n in x["notes"] if "file" not in n]
        cli.expect(notes, "the input has no note without a location: " + p.out)
        _, log = sarif("check", d)
    messages = " ".join(r["message"]["text"] for r in log["runs"][0]["results"])
    for n in notes:
        cli.expect("note: " + n["message"] in messages, (n, messages))


def test_sarif_fingerprints_survive_moved_lines():
    with cli.Dir({"a.policy": cli.BAD}) as d:
        _, before = sarif("check", d)
        with open(os.path.join(d, "a.policy"), "w") as f:
            f.write("// a comment\n\n" + cli.BAD)
        _, after = sarif("check", d)
    b, a = before["runs"][0]["results"][0], after["runs"][0]["results"][0]
    line = lambda r: r["locations"][0]["physicalLocation"]["region"]["startLine"]
    cli.expect(line(a) == line(b) + 2, (line(a), line(b)))
    cli.expect(a["partialFingerprints"] == b["partialFingerprints"], (a, b))
    # two identical findings in one file get distinct fingerprints
    twice = cli.BAD + "allow devs to call api\n"
    with cli.Dir({"a.policy": twice}) as d:
        _, log = sarif("check", d)
    prints = [r["partialFingerprints"]["stave/v1"] for r in log["runs"][0]["results"] if r["ruleId"] == "E0202"]
    cli.expect(len(prints) == 2 and len(set(prints)) == 2, prints)


def test_sarif_of_stave_test_has_every_failing_expectation():
    failing = os.path.join(cli.ROOT, "golden", "test", "fail_wrong_expectations")
    p, log = sarif("test", ".", cwd=failing)
    cli.expect_exit(p, 1)
    run = log["runs"][0]
    tests = [r for r in run["results"] if r["ruleId"] == "stave-test"]
    cli.expect(len(tests) == 7, [r["message"]["text"][:60] for r in tests])
    json_doc = json.loads(cli.stave("test", ".", "--format", "json", cwd=failing).out)
    lines = sorted(f["range"]["start"]["line"] for f in json_doc["tests"]["failures"])
    got = sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in tests)
    cli.expect(got == lines, (got, lines))
    cli.expect(all(r["level"] == "error" and r["message"]["text"].startswith("test `wrong on purpose`: expect")
                   for r in tests), tests[0])
    rule = [x for x in run["tool"]["driver"]["rules"] if x["id"] == "stave-test"][0]
    cli.expect(rule["name"] == "FailingTestExpectation", rule)


def test_junit_and_codeclimate_formats():
    failing = os.path.join(cli.ROOT, "golden", "test", "fail_wrong_expectations")
    p = cli.stave("test", ".", "--format", "junit", cwd=failing)
    cli.expect_exit(p, 1)
    import xml.etree.ElementTree as ET
    suites = ET.fromstring(p.out)
    cases = suites.findall("./testsuite/testcase")
    cli.expect([c.get("name") for c in cases] == ["wrong on purpose", "right"], p.out)
    cli.expect(suites.get("tests") == "2" and suites.get("failures") == "1", suites.attrib)
    cli.expect(cases[0].find("failure") is not None and cases[1].find("failure") is None, p.out)
    cli.expect(cases[0].get("file") == "policy.policy" and cases[0].get("line") == "26", cases[0].attrib)
    p = cli.stave("check", ".", "--format", "codeclimate", cwd=failing)
    cli.expect_exit(p, 0)
    issues = json.loads(p.out)
    cli.expect(issues and all(i["location"]["path"] == "policy.policy" for i in issues), issues)
    # junit is for test only
    p = cli.stave("check", ".", "--format", "junit", cwd=failing)
    cli.expect_exit(p, 2)
    # a stdout that is closed does not crash any format
    for fmt in ("sarif", "junit", "codeclimate"):
        r = cli.subprocess.run([cli.STAVE, "test", ".", "--format", fmt], cwd=failing,
                               stdout=open(os.devnull, "w"), stderr=cli.subprocess.PIPE)
        cli.expect(r.returncode == 1, (fmt, r.returncode, r.stderr))
