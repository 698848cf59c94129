"""CLI tests of the option table (compiler/driver/option_table.cpp): help,
per-command help, per-command options and formats, paths taken whole, and
the shell completions generated from the same table. Run by run_cli.py."""
import os
import re
import shutil
import subprocess

import __main__ as cli

COMMANDS = ["check", "build", "test", "fmt", "explain", "who-can", "diff", "import", "drift", "lsp",
            "completions"]


def listed_commands(help_text):
    block = help_text.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [m.group(1) for m in re.finditer(r"^  ([a-z-]+)", block, re.M)]


def test_help_lists_every_command_including_lsp():
    p = cli.stave("--help")
    cli.expect_exit(p, 0)
    cli.expect(listed_commands(p.out) == COMMANDS, listed_commands(p.out))
    cli.expect("help-man" not in p.out, "a hidden option is in --help")
    cli.expect(max(len(line) for line in p.out.splitlines()) <= 80, "a help line is over 80 columns")


def test_command_help_prints_that_commands_usage():
    for command in COMMANDS:
        p = cli.stave(command, "--help")
        cli.expect_exit(p, 0)
        cli.expect(p.out.startswith("usage: stave " + command), p.out[:200])
    p = cli.stave("build", "--help")
    for flag in ("-o, --output DIR", "--trust-domain DOMAIN", "--istio-dry-run", "-W error"):
        cli.expect(flag in p.out, "%s missing from build --help:\n%s" % (flag, p.out))
    cli.expect(not re.search(r"^  --(catalog|check|path)\b", p.out, re.M), p.out)
    p = cli.stave("test", "-h")
    cli.expect("human, json, sarif, github, junit or codeclimate" in " ".join(p.out.split()), p.out)
    # --help after the arguments, as people type it
    p = cli.stave("diff", "main", ".", "--help")
    cli.expect_exit(p, 0)
    cli.expect("human, json or markdown" in " ".join(p.out.split()), p.out)


def test_option_of_another_command_is_a_usage_error():
    p = cli.stave("check", cli.PAYMENTS, "--check")
    cli.expect_exit(p, 2)
    cli.expect("`stave check` takes no `--check` option" in p.err, p.err)
    cli.expect("usage: stave check [PATH...] [OPTIONS]" in p.err, p.err)
    p = cli.stave("fmt", cli.PAYMENTS, "-o", "/tmp/x")
    cli.expect_exit(p, 2)
    cli.expect("`stave fmt` takes no `--output` option" in p.err, p.err)


def test_wrong_format_lists_the_commands_formats():
    for command, formats in (("check", "human, json, sarif, github or codeclimate"),
                             ("test", "human, json, sarif, github, junit or codeclimate"),
                             ("diff", "human, json or markdown"), ("who-can", "human or json")):
        p = cli.stave(command, "--format", "xml")
        cli.expect_exit(p, 2)
        cli.expect("`--format` takes %s, not `xml`" % formats in p.err, p.err)
    p = cli.stave("diff", "a", "b", "--format", "sarif")
    cli.expect_exit(p, 2)
    cli.expect("`--format sarif` is not a format of `stave diff`, which takes human, json or markdown"
               in p.err, p.err)


def test_paths_with_commas_are_taken_whole():
    with cli.Dir({"we,ird:dir/a.policy": cli.GOOD, "x,y/b.policy": "package q\ngroup ops\n"}) as d:
        p = cli.stave("check", os.path.join(d, "we,ird:dir"))
        cli.expect_exit(p, 0)
        # --path too (who-can, diff), repeated
        p = cli.stave("who-can", "get", "pods", "in", "prod", "--path", os.path.join(d, "we,ird:dir"),
                      "--path", os.path.join(d, "x,y"))
        cli.expect_exit(p, 0)
        cli.expect("devs" in p.out, p.out)
        p = cli.stave("check", os.path.join(d, "nope,other"))
        cli.expect_exit(p, 2)
        cli.expect("path `%s` does not exist" % os.path.join(d, "nope,other") in p.err, p.err)


def test_man_pages_are_roff_for_stave_and_each_command():
    p = cli.stave("--help-man")
    cli.expect_exit(p, 0)
    cli.expect(p.out.startswith(".TH STAVE 1 "), p.out[:100])
    for command in COMMANDS:
        cli.expect("\\fBstave\\-%s\\fR(1)" % command.replace("-", "\\-") in p.out, command)
        page = cli.stave(command, "--help-man")
        cli.expect_exit(page, 0)
        cli.expect(page.out.startswith(".TH STAVE\\-%s 1 " % command.upper().replace("-", "\\-")),
                   page.out[:100])
        cli.expect(".SH OPTIONS" in page.out and ".SH EXIT STATUS" in page.out, page.out)
    if shutil.which("man"):
        page = cli.stave("build", "--help-man").out
        r = subprocess.run(["man", "-l", "-"], input=page, capture_output=True, text=True,
                           env=dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="0"))
        text = re.sub(".\x08", "", r.stdout).replace("\u2010", "-").replace("\u2212", "-")
        cli.expect(r.returncode == 0 and "--trust-domain DOMAIN" in text and "stave-build - check" in text,
                   text[:800] + r.stderr)


def bash_complete(script, words):
    """Runs the bash completion function on `words` (the last is the word
    being completed) and returns what it offers."""
    program = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); '
               'COMPREPLY=(); _stave; printf "%s\\n" "${COMPREPLY[@]}"')
    r = subprocess.run(["bash", "-c", program, "bash", script] + words, capture_output=True, text=True)
    cli.expect(r.returncode == 0, r.stderr)
    return [w for w in r.stdout.splitlines() if w]


def test_completion_scripts():
    for shell in ("bash", "zsh", "fish"):
        p = cli.stave("completions", shell)
        cli.expect_exit(p, 0)
        cli.expect(p.out.strip(), "empty %s script" % shell)
    cli.expect_exit(cli.stave("completions", "tcsh"), 2)
    cli.expect_exit(cli.stave("completions"), 2)
    with cli.Dir({}) as d:
        for shell, name in (("bash", "stave.bash"), ("zsh", "_stave"), ("fish", "stave.fish")):
            with open(os.path.join(d, name), "w") as f:
                f.write(cli.stave("completions", shell).out)
        check_completion_scripts(d, "stave.bash", "_stave", "stave.fish")


def check_completion_scripts(d, bash_name, zsh_name, fish_name):
    """Syntax of all three (zsh and fish where installed) and what bash
    completes; used on the installed files too (install_tests.py)."""
    bash = os.path.join(d, bash_name)
    r = subprocess.run(["bash", "-n", bash], capture_output=True, text=True)
    cli.expect(r.returncode == 0, r.stderr)
    cli.expect(bash_complete(bash, ["stave", ""]) == COMMANDS, bash_complete(bash, ["stave", ""]))
    cli.expect(bash_complete(bash, ["stave", "wh"]) == ["who-can"], "who-can")
    cli.expect(bash_complete(bash, ["stave", "test", "--format", ""]) ==
               ["human", "json", "sarif", "github", "junit", "codeclimate"], "test formats")
    cli.expect(bash_complete(bash, ["stave", "--color", "never", "diff", "--format", "m"]) == ["markdown"],
               "diff formats after a global option")
    build_flags = bash_complete(bash, ["stave", "build", "--"])
    cli.expect("--trust-domain" in build_flags and "--check" not in build_flags, build_flags)
    cli.expect("E0202" in bash_complete(bash, ["stave", "explain", "E02"]), "codes")
    cli.expect(bash_complete(bash, ["stave", "completions", "f"]) == ["fish"], "shells")
    for shell, name in (("zsh", zsh_name), ("fish", fish_name)):
        if shutil.which(shell):
            r = subprocess.run([shell, "-n", os.path.join(d, name)], capture_output=True, text=True)
            cli.expect(r.returncode == 0, "%s -n: %s" % (shell, r.stderr))
        else:
            print("  note: %s is not installed; its completion script was not syntax-checked" % shell)
    if shutil.which("fish"):
        r = subprocess.run(["fish", "-c", "source %s; complete -C 'stave test --format j'"
                            % os.path.join(d, fish_name)], capture_output=True, text=True)
        cli.expect([l.split("\t")[0] for l in r.stdout.splitlines()] == ["json", "junit"], r.stdout + r.stderr)
