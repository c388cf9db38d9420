#pragma once
// Waivers: accepted risks, written down with a justification, an owner and an expiry date.
// A waiver never hides a result: the finding it matches turns WAIVED and stays in every report
// with the waiver attached. Expired waivers stop applying; waivers that match nothing are
// reported as stale so the file does not rot. Format and semantics: docs/waivers.md.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/checks/result.h"
#include "rampart/core/error.h"

namespace rampart::report {

/// Which resources a waiver covers. Each field is a glob (`*` any run, `?` one character);
/// an absent field in the file is "*". Kind compares case-insensitively, namespace and name
/// exactly. Cluster-scoped objects have an empty namespace, which "*" matches.
struct ResourcePattern {
  std::string kind = "*";
  std::string namespace_ = "*";
  std::string name = "*";
  bool operator==(const ResourcePattern&) const = default;
};

/// One entry of a waivers file.
struct Waiver {
  std::string check;                        ///< check id, exact ("5.2.2", "RMP-012")
  std::optional<ResourcePattern> resource;  ///< absent: the whole check
  std::string justification;
  std::string owner;
  std::chrono::year_month_day expires;  ///< last day on which the waiver applies
  std::string source;                   ///< "file:line" of the entry
  bool operator==(const Waiver&) const = default;
};

/// Reads a waivers file (a YAML list of entries). Errors name the file and line of the entry.
[[nodiscard]] Result<std::vector<Waiver>> load_waivers(const std::string& path);
/// Same, from text; `name` is what error contexts and Waiver::source call the file.
[[nodiscard]] Result<std::vector<Waiver>> parse_waivers(std::string_view yaml,
                                                        const std::string& name);

/// "YYYY-MM-DD" to a date; nullopt unless it is exactly that shape and a real calendar day.
std::optional<std::chrono::year_month_day> parse_date(std::string_view text);
/// A date as "YYYY-MM-DD".
std::string format_date(std::chrono::year_month_day date);

/// Glob match with `*` and `?` only (no classes, no escapes), whole string.
bool glob_match(std::string_view pattern, std::string_view text);

/// One check's outcome as the engine produces it; apply_waivers edits these in place.
struct CheckOutcome {
  std::string check_id;
  checks::Outcome outcome;
  bool operator==(const CheckOutcome&) const = default;
};

/// What became of one waiver in one scan.
struct WaiverUse {
  enum class State {
    kApplied,  ///< waived at least one finding or check
    kExpired,  ///< past its expiry date: applied to nothing
    kStale,    ///< in force but matched nothing (fixed, renamed, or a typo)
  };
  State state = State::kStale;
  Waiver waiver;
  size_t matched = 0;  ///< findings (or whole checks without findings) it matched
  std::string note;    ///< why it is stale or expired, for people
  bool operator==(const WaiverUse&) const = default;
};

const char* to_string(WaiverUse::State state);  ///< "applied", "expired", "stale"

/// Applies waivers to engine results, with `today` given by the caller (never read here).
///
/// - Only FAIL and WARN can be waived: PASS needs nothing, and ERROR, SKIP and MANUAL say the
///   data was missing or needs a person, which a waiver must never paper over.
/// - A finding matches when the check id is equal and the resource pattern matches its
///   resource (or the waiver has no resource). The first matching waiver in file order is the
///   one attached.
/// - A whole-check waiver also waives a FAIL/WARN check that has no findings.
/// - A FAIL or WARN check whose findings are now all WAIVED (none FAIL or WARN) becomes WAIVED;
///   if FAIL findings are all waived but WARN ones remain, it becomes WARN.
/// - A waiver is expired when today is after `expires`.
/// Returns one WaiverUse per waiver, in the order given.
std::vector<WaiverUse> apply_waivers(std::vector<CheckOutcome>& results,
                                     const std::vector<Waiver>& waivers,
                                     std::chrono::year_month_day today);

}  // namespace rampart::report
