// base::Interned: one copy of each text, compared as the texts are.
#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "compiler/base/interned.h"

using stave::base::Interned;

TEST_CASE("equal texts intern to one string, and compare and order as text", "[interned]") {
  std::string built = std::string("deploy") + "ments/scale";
  Interned a("deployments/scale"), b(built), c(std::string_view("pods"));
  CHECK(&a.str() == &b.str());
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a == "deployments/scale");
  CHECK(a == std::string("deployments/scale"));
  CHECK(a == std::string_view("deployments/scale"));
  CHECK(a < c);  // by text, whatever the pointers' order
  CHECK(c > b);
  CHECK(Interned().empty());
  CHECK(Interned("") == Interned());
  CHECK(fmt::format("{}/{}", a, c) == "deployments/scale/pods");
  const std::string& as_string = c;
  CHECK(as_string == "pods");
}

TEST_CASE("interning from two threads gives the same strings", "[interned]") {
  std::vector<std::string> texts;
  for (int i = 0; i < 2000; ++i) texts.push_back(fmt::format("verb-{}", i));
  std::vector<const std::string*> one(texts.size()), two(texts.size());
  std::thread other([&] {
    for (size_t i = 0; i < texts.size(); ++i) two[i] = &Interned(texts[i]).str();
  });
  for (size_t i = texts.size(); i-- > 0;) one[i] = &Interned(texts[i]).str();
  other.join();
  CHECK(one == two);
  CHECK(std::set<const std::string*>(one.begin(), one.end()).size() == texts.size());
}
