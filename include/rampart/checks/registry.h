#pragma once
// Check functions register themselves under their catalog id, right beside their definition:
//
//   Outcome anonymous_auth_off(const ScanView& v) { ... }
//   RAMPART_CHECK("1.2.1", anonymous_auth_off);
//
// The registry is a function-local static, so registration order between translation units
// never matters (osquery's lesson). The check sources are an OBJECT library linked straight
// into every executable, so no registration is dropped by the linker.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/checks/result.h"

namespace rampart::checks {

struct ScanView;
using CheckFn = Outcome (*)(const ScanView&);

/// id -> function, sorted by id.
const std::map<std::string, CheckFn>& registry();
/// Ids registered more than once (a programming error the catalog test reports).
const std::vector<std::string>& duplicate_registrations();
/// Adds a check; returns true so it can initialise a static.
bool register_check(std::string_view id, CheckFn fn);

}  // namespace rampart::checks

#define RAMPART_CHECK_CONCAT_INNER(a, b) a##b
#define RAMPART_CHECK_CONCAT(a, b) RAMPART_CHECK_CONCAT_INNER(a, b)
/// Registers `fn` under catalog id `id` at static-initialisation time.
#define RAMPART_CHECK(id, fn)                                                  \
  [[maybe_unused]] static const bool RAMPART_CHECK_CONCAT(rampart_check_, __LINE__) = \
      ::rampart::checks::register_check(id, fn)
