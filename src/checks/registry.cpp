#include "rampart/checks/registry.h"

namespace rampart::checks {
namespace {

struct RegistryData {
  std::map<std::string, CheckFn> fns;
  std::vector<std::string> duplicates;
};

// Function-local static: constructed on first use, whichever translation unit registers first.
RegistryData& data() {
  static RegistryData d;
  return d;
}

}  // namespace

const std::map<std::string, CheckFn>& registry() { return data().fns; }

const std::vector<std::string>& duplicate_registrations() { return data().duplicates; }

bool register_check(std::string_view id, CheckFn fn) {
  auto [it, inserted] = data().fns.emplace(std::string(id), fn);
  if (!inserted) data().duplicates.emplace_back(id);
  return true;
}

}  // namespace rampart::checks
