"""`stave diff --format markdown` as a pull-request comment: errors
reported, cells escaped, large diffs collapsed by namespace with counts
that match the rows, risky rows marked, an empty base. Run by run_cli.py."""
import os
import re

import __main__ as cli

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def table_rows(markdown):
    return [l for l in markdown.splitlines() if l.startswith("| added") or l.startswith("| removed")]


def test_diff_reports_bad_paths_and_revisions_in_every_format():
    with cli.Dir({"a.policy": cli.GOOD}) as d:
        for fmt in ("human", "json", "markdown"):
            p = cli.stave("diff", os.path.join(d, "nope"), d, "--format", fmt)
            cli.expect_exit(p, 2)
            cli.expect("path `%s` does not exist" % os.path.join(d, "nope") in p.err, (fmt, p.err))
            cli.expect(p.out == "", (fmt, p.out))
        cli.git(d, "init", "-q")
        cli.git(d, "add", ".")
        cli.git(d, "commit", "-qm", "one")
        p = cli.stave("diff", "no-such-branch", ".", "--format", "markdown", cwd=d)
        cli.expect_exit(p, 2)
        cli.expect("no-such-branch" in p.err and "does not exist" in p.err, p.err)


def test_diff_markdown_escapes_cells_and_marks_risky_rows():
    new = cli.GOOD + ('app api in prod { selector { app = "api" } }\n'
                      'serviceaccount web in prod\n'
                      'allow web to call api paths "/v1/*"\n'
                      'action read-config {\n  secrets: get, list\n}\n'
                      'allow devs to read-config in prod\n')
    with cli.Dir({"old/a.policy": cli.GOOD, "new/a.policy": new}) as d:
        p = cli.stave("diff", os.path.join(d, "old"), os.path.join(d, "new"), "--format", "markdown")
    cli.expect_exit(p, 1)
    rows = table_rows(p.out)
    call = [r for r in rows if "/v1/" in r and "allow web" in r]
    cli.expect(call, p.out)
    rule_cell = call[0].split(" | ")[-1]
    cli.expect('"/v1/\\*"' in rule_cell, rule_cell)
    # outside code spans no `*` or `_` is left unescaped
    for r in rows:
        outside = re.sub(r"`[^`]*`", "", r)
        cli.expect(not re.search(r"(?<!\\)[*_]", outside), r)
    secret = [r for r in rows if "secrets" in r]
    cli.expect(secret and all(":warning: W0502" in r for r in secret), secret)
    cli.expect(any(":warning:" not in r for r in rows), "every row marked")
    cli.expect("marked :warning:" in p.out, p.out)


def test_large_diff_collapses_by_namespace_with_counts_matching_rows():
    namespaces = "".join("namespace n%d\n" % i for i in range(3))
    rules = "".join("allow devs to view in n%d\n" % i for i in range(3))
    new = "package p\ngroup devs\n" + namespaces + rules
    with cli.Dir({"old/a.policy": "package p\ngroup devs\n" + namespaces,
                  "new/a.policy": new}) as d:
        p = cli.stave("diff", os.path.join(d, "old"), os.path.join(d, "new"), "--format", "markdown")
    cli.expect_exit(p, 1)
    blocks = re.findall(r"<details><summary>namespace (\S+): (\d+) added, (\d+) removed</summary>\n(.*?)</details>",
                        p.out, re.S)
    cli.expect([b[0] for b in blocks] == ["n0", "n1", "n2"], p.out[:2000])
    total = 0
    for name, added, removed, body in blocks:
        rows = table_rows(body)
        cli.expect(int(added) == sum(r.startswith("| added") for r in rows), (name, added))
        cli.expect(int(removed) == sum(r.startswith("| removed") for r in rows), (name, removed))
        cli.expect(all(" | %s | " % name in r for r in rows), name)
        total += len(rows)
    head = re.match(r"### stave diff: (\d+) added, (\d+) removed", p.out)
    cli.expect(head and int(head.group(1)) + int(head.group(2)) == total == len(table_rows(p.out)),
               (head and head.groups(), total))
    cli.expect(total > 30, total)


def test_first_policy_diffs_against_an_empty_base():
    with cli.Dir({"a.policy": cli.GOOD}) as d:
        cli.git(d, "init", "-q")
        cli.git(d, "add", ".")
        cli.git(d, "commit", "-qm", "one")
        for base in (EMPTY_TREE, "0000000000000000000000000000000000000000"):
            p = cli.stave("diff", base, ".", "--format", "markdown", cwd=d)
            cli.expect_exit(p, 1)
            rows = table_rows(p.out)
            cli.expect(rows and all(r.startswith("| added") for r in rows), p.out)
            cli.expect(p.out.startswith("### stave diff: %d added, 0 removed" % len(rows)), p.out[:100])
        # and nothing against nothing
        p = cli.stave("diff", EMPTY_TREE, EMPTY_TREE[:7], cwd=d)
        cli.expect_exit(p, 0)
