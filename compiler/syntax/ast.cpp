// Small helpers over the AST.
#include "compiler/syntax/ast.h"

namespace stave::syntax {

const char* DeclKindName(DeclKind kind) {
  switch (kind) {
    case DeclKind::Namespace: return "namespace";
    case DeclKind::User: return "user";
    case DeclKind::Group: return "group";
    case DeclKind::ServiceAccount: return "serviceaccount";
    case DeclKind::Resource: return "resource";
    case DeclKind::Action: return "action";
    case DeclKind::App: return "app";
    case DeclKind::Pipeline: return "pipeline";
    case DeclKind::Issuer: return "issuer";
  }
  return "name";
}

}  // namespace stave::syntax
