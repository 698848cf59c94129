"""The folders of compiler/ depend one way, and the libraries that only
some stages may use stay there (docs/architecture.md). Read from the
sources' #include lines and compiler/meson.build; no binary needed. Run by
run_cli.py."""
import os
import re

import __main__ as cli  # run_cli.py: expect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMPILER = os.path.join(ROOT, "compiler")

# What each folder may include from the others. The order is the pipeline's
# (docs/architecture.md): a stage never reaches back into a later one, and
# nothing below the driver knows the CLI.
ALLOWED = {
    "base": set(),
    "diag": {"base"},
    "syntax": {"base", "diag"},
    "sema": {"base", "diag", "syntax"},
    "lower": {"base", "diag", "sema", "syntax"},
    "emit": {"base", "lower"},
    "fmt": {"base", "diag", "syntax"},
    "eval": {"base", "diag", "lower", "sema", "syntax"},
    "access": {"base", "eval", "lower", "sema", "syntax"},
    "kube": {"base", "emit", "lower"},
    "import": {"access", "base", "kube", "lower", "sema", "syntax"},
    "drift": {"access", "base", "kube", "lower", "sema"},
    # The pipeline the CLI and the language server share: reading the
    # files, then every stage in order, written once.
    "pipeline": {"base", "diag", "lower", "sema", "syntax"},
    # The language server never reaches into the CLI; the driver, the CLI,
    # may use everything.
    "lsp": {"base", "diag", "emit", "fmt", "lower", "pipeline", "sema", "syntax"},
    "driver": None,
}

INCLUDE = re.compile(r'^\s*#\s*include\s+[<"]([^">]+)[">]', re.M)


def sources():
    for folder, _, names in os.walk(COMPILER):
        for name in names:
            if name.endswith((".cpp", ".h")):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    yield os.path.relpath(path, ROOT), f.read()


def folder_of(rel):
    parts = rel.split(os.sep)
    return parts[1] if len(parts) > 2 else ""


def layering_violations(files, allowed):
    """[(file, header)] where a file includes a folder its own may not."""
    out = []
    for rel, text in files:
        mine = folder_of(rel)
        ok = allowed.get(mine, set())
        if ok is None:
            continue
        for header in INCLUDE.findall(text):
            m = re.match(r"compiler/([a-z_]+)/", header)
            if m and m.group(1) != mine and m.group(1) not in ok:
                out.append((rel, header))
    return out


def test_stages_depend_one_way():
    files = list(sources())
    cli.expect(len(files) > 100, len(files))
    unknown = sorted({folder_of(rel) for rel, _ in files} - set(ALLOWED) - {""})
    cli.expect(not unknown, "folders the layering does not know: %s" % unknown)
    bad = layering_violations(files, ALLOWED)
    cli.expect(not bad, "\n".join("%s includes %s" % v for v in bad))
    # The check itself: a stage reaching back into the driver is caught.
    planted = [("compiler/sema/x.cpp", '#include "compiler/pipeline/compilation.h"\n'),
               ("compiler/lsp/x.cpp", '#include "compiler/driver/options.h"\n')]
    cli.expect(layering_violations(planted, ALLOWED) ==
               [("compiler/sema/x.cpp", "compiler/pipeline/compilation.h"),
                ("compiler/lsp/x.cpp", "compiler/driver/options.h")],
               "the layering check misses a planted include")


def test_antlr_and_yaml_cpp_stay_in_their_stages():
    antlr, yaml = [], []
    for rel, text in sources():
        headers = INCLUDE.findall(text)
        if any(h.startswith("antlr4") or "StaveParser" in h or "StaveLexer" in h for h in headers):
            antlr.append(rel)
        if any(h.startswith("yaml-cpp/") for h in headers):
            yaml.append(rel)
    inside = os.path.join("compiler", "syntax", "internal") + os.sep
    cli.expect(antlr and all(rel.startswith(inside) for rel in antlr), "ANTLR outside syntax/internal: %s" % antlr)
    cli.expect(yaml and all(folder_of(rel) in ("emit", "kube") for rel in yaml),
               "yaml-cpp outside emit and kube: %s" % yaml)


def meson_groups():
    """{variable: [source paths]} of compiler/meson.build's files() lists."""
    with open(os.path.join(COMPILER, "meson.build"), encoding="utf-8") as f:
        text = f.read()
    groups = {}
    for m in re.finditer(r"^(\w+)\s*\+?=\s*files\((.*?)\)\s*$", text, re.M | re.S):
        groups.setdefault(m.group(1), []).extend(re.findall(r"'([^']+)'", m.group(2)))
    return groups


def test_llvm_json_users_stay_out_of_the_fuzzed_core():
    # clang 14 cannot compile LLVM 14's JSON.h against libstdc++ 12 in
    # C++20, and the fuzz tree, built with clang, links stave-core only.
    groups = meson_groups()
    core = set()
    for name in ("base_src", "diag_src", "sema_src", "lower_src", "emit_src", "fmt_src", "eval_src",
                 "driver_lib_src", "syntax_src"):
        cli.expect(name in groups, "compiler/meson.build has no %s" % name)
        core.update(groups[name])
    users = [rel for rel, text in sources() if "llvm/Support/JSON.h" in text and rel.endswith(".cpp")]
    cli.expect(users, "no llvm::json user found")
    in_core = [rel for rel in users if os.path.relpath(rel, "compiler") in core]
    cli.expect(not in_core, "llvm::json users compiled into stave-core: %s" % in_core)
