"""Deploying stave's output (docs/deploying.md): every example's `build -o`
directory is a kustomization `kubectl apply -k` takes (checked by kubectl
itself where it is installed, and always by an equivalent check here), the
objects carry the label prune selects on, no Namespace is emitted, and the
Argo CD plugin's generate command renders each example. Run by run_cli.py."""
import os
import shutil
import subprocess
import tempfile

import __main__ as cli

EXAMPLES = os.path.join(cli.ROOT, "examples")


def built_examples():
    out = tempfile.mkdtemp(prefix="stave-deploy-")
    dirs = []
    for name in sorted(os.listdir(EXAMPLES)):
        target = os.path.join(out, name)
        p = cli.stave("build", os.path.join(EXAMPLES, name), "-o", target)
        cli.expect_exit(p, 0)
        dirs.append((name, target))
    return out, dirs


def test_every_example_output_is_a_complete_kustomization():
    import yaml
    out, dirs = built_examples()
    try:
        for name, d in dirs:
            k = yaml.safe_load(open(os.path.join(d, "kustomization.yaml")))
            cli.expect(k["kind"] == "Kustomization", k)
            resources = k["resources"]
            cli.expect(len(resources) == len(set(resources)), "duplicate resources in %s" % name)
            # audit-policy.yaml is a kube-apiserver file, kept out on purpose (spec §14).
            on_disk = sorted(f for f in os.listdir(d) if f.endswith(".yaml")
                             and f not in ("kustomization.yaml", "audit-policy.yaml"))
            cli.expect(sorted(resources) == on_disk, (name, resources, on_disk))
            seen = set()
            for r in resources:
                for o in yaml.safe_load_all(open(os.path.join(d, r))):
                    if o is None:
                        continue
                    key = (o["apiVersion"], o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"])
                    cli.expect(key not in seen, "%s: %s twice" % (name, key))
                    seen.add(key)
                    cli.expect(o["kind"] != "Namespace", "%s emits a Namespace" % name)
                    labels = o["metadata"].get("labels", {})
                    cli.expect(labels.get("app.kubernetes.io/managed-by") == "stave", (name, key, labels))
            if shutil.which("kubectl"):
                r = subprocess.run(["kubectl", "kustomize", d], capture_output=True, text=True, timeout=60)
                cli.expect(r.returncode == 0, "kubectl kustomize %s: %s" % (name, r.stderr))
                rendered = [o for o in yaml.safe_load_all(r.stdout) if o]
                cli.expect(len(rendered) == len(seen), (name, len(rendered), len(seen)))
        if not shutil.which("kubectl"):
            print("  note: kubectl is not installed; `kubectl kustomize` skipped (the Python check ran)")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_argocd_plugin_renders_every_example():
    import fnmatch
    import yaml
    plugin = yaml.safe_load(open(os.path.join(cli.ROOT, "argocd", "plugin.yaml")))
    cli.expect(plugin["apiVersion"] == "argoproj.io/v1alpha1" and plugin["kind"] == "ConfigManagementPlugin",
               plugin)
    spec = plugin["spec"]
    command = spec["generate"]["command"] + spec["generate"].get("args", [])
    cli.expect(command[0] == "stave", command)
    glob = spec["discover"]["find"]["glob"]
    for name in sorted(os.listdir(EXAMPLES)):
        root = os.path.join(EXAMPLES, name)
        files = [os.path.relpath(os.path.join(dp, f), root) for dp, _, fs in os.walk(root) for f in fs]
        cli.expect(any(fnmatch.fnmatch(f, glob) or fnmatch.fnmatch(f, glob.replace("**/", ""))
                       for f in files), "discover misses %s" % name)
        # Argo CD runs the command in the application's directory and
        # applies what it prints on stdout.
        p = subprocess.run([cli.STAVE] + command[1:], cwd=root, capture_output=True, text=True, timeout=60)
        cli.expect(p.returncode == 0, p.stderr)
        docs = [o for o in yaml.safe_load_all(p.stdout) if o]
        cli.expect(docs and all(o.get("apiVersion") and o.get("kind") for o in docs), name)
    # a policy error fails the render with a non-zero exit and nothing on stdout
    with cli.Dir({"a.policy": cli.BAD}) as d:
        p = subprocess.run([cli.STAVE] + command[1:], cwd=d, capture_output=True, text=True)
        cli.expect(p.returncode == 1 and p.stdout == "" and "E0202" in p.stderr, (p.returncode, p.stdout))


def test_recipes_that_name_an_image_say_how_to_build_it():
    recipes = os.path.join(cli.ROOT, "docs", "recipes")
    containerfile = open(os.path.join(recipes, "Containerfile")).read()
    for name in sorted(os.listdir(recipes)) + ["../deploying.md"]:
        text = open(os.path.join(recipes, name)).read()
        for image in set(w for w in text.split() if "registry.example.com/platform/stave" in w):
            cli.expect("Containerfile" in text, "%s names %s without saying how to build it" % (name, image))
            cli.expect(image.strip("`\"'") in containerfile, image)
