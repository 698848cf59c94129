// Importing, formatting with the formatter `stave fmt` uses, and checking.
#include "compiler/driver/import_program.h"

#include "compiler/fmt/format.h"
#include "compiler/syntax/parse.h"

namespace stave::driver {

import::StdLibrary StdLibraryOf(const sema::Program& program) {
  import::StdLibrary lib;
  for (const sema::Symbol& s : program.symbols) {
    if (!s.builtin) continue;
    lib.names.insert(s.name);
    if (s.kind == sema::DeclKind::Resource) {
      lib.resources.emplace(s.k8s_name, s.name);
    } else if (s.kind == sema::DeclKind::Action) {
      std::set<import::Atom> atoms;
      for (const sema::Permission& p : s.action().permissions) {
        const sema::ResourceInfo& r = program.symbol(p.resource).resource();
        atoms.insert({r.group, r.rbac_name(), p.verb});
      }
      lib.actions[s.name] = std::move(atoms);
    }
  }
  return lib;
}

ImportedProgram ImportProgram(const std::vector<kube::ClusterObject>& objects, const std::string& package,
                              const std::string& trust_domain) {
  ImportedProgram out;
  auto std_only = pipeline::Compile({{"stave-import-std.policy", "package " + package + "\n"}});
  import::ImportResult imported = import::Import(objects, package, StdLibraryOf(*std_only->program));
  out.warnings = std::move(imported.warnings);
  std::vector<pipeline::SourceInput> inputs;
  for (auto& [name, text] : imported.files) {
    base::SourceSet one;
    base::FileId id = one.add(name, text);
    syntax::ParseResult parsed = syntax::Parse(one, id);
    std::optional<std::string> formatted = formatter::FormatFile(parsed.file, one.file(id));
    out.files[name] = formatted ? *formatted : text;
    inputs.push_back({name, out.files[name]});
  }
  pipeline::PipelineOptions stages;
  stages.lowering = {trust_domain, false};
  out.compilation = pipeline::CompileFinished(std::move(inputs), stages);
  return out;
}

}  // namespace stave::driver
