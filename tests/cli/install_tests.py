"""`meson install` into a temporary destdir: the binary, a man page for
stave and for every command `stave --help` lists, and the bash, zsh and fish
completions, each checked as options_tests.py checks the generated ones.
Run by run_cli.py."""
import os
import subprocess
import tempfile

import __main__ as cli
import options_tests


def test_meson_install_puts_binary_man_pages_and_completions():
    build = os.path.dirname(os.path.dirname(cli.STAVE))
    if not os.path.exists(os.path.join(build, "build.ninja")):
        print("  note: %s is not a meson build tree; install not tested" % build)
        return
    with tempfile.TemporaryDirectory(prefix="stave-install-") as dest:
        r = subprocess.run(["meson", "install", "-C", build, "--destdir", dest, "--no-rebuild",
                            "--quiet"], capture_output=True, text=True, timeout=300)
        cli.expect(r.returncode == 0, r.stdout + r.stderr)
        prefix = subprocess.run(["meson", "introspect", "--buildoptions", build], capture_output=True,
                                text=True)
        import json
        options = {o["name"]: o["value"] for o in json.loads(prefix.stdout)}
        root = dest + options["prefix"]
        binary = os.path.join(root, options["bindir"], "stave")
        v = subprocess.run([binary, "--version"], capture_output=True, text=True)
        cli.expect(v.returncode == 0 and v.stdout.startswith("stave "), v.stdout + v.stderr)
        man1 = os.path.join(root, options["mandir"], "man1")
        commands = options_tests.listed_commands(cli.stave("--help").out)
        for page in ["stave.1"] + ["stave-%s.1" % c for c in commands]:
            path = os.path.join(man1, page)
            cli.expect(os.path.exists(path), "no man page %s" % page)
            with open(path) as f:
                cli.expect(f.read().startswith(".TH STAVE"), page)
        share = os.path.join(root, options["datadir"])
        d = tempfile.mkdtemp(dir=dest)
        for src, name in (("bash-completion/completions/stave", "stave.bash"),
                          ("zsh/site-functions/_stave", "_stave"),
                          ("fish/vendor_completions.d/stave.fish", "stave.fish")):
            path = os.path.join(share, src)
            cli.expect(os.path.exists(path), "no completion file %s" % src)
            os.symlink(path, os.path.join(d, name))
        options_tests.check_completion_scripts(d, "stave.bash", "_stave", "stave.fish")
