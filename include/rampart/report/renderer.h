#pragma once
// Renderers turn a ScanReport into bytes. Each format is one class overriding render(); the
// factory picks one by name, so adding a format touches no caller.
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rampart/core/error.h"
#include "rampart/report/scan_report.h"

namespace rampart::report {

struct RenderOptions {
  bool color = false;    ///< ANSI colours (text only; the CLI sets it only on a TTY)
  bool verbose = false;  ///< show passing checks and every finding
};

class Renderer {
 public:
  virtual ~Renderer() = default;
  virtual void render(const ScanReport& report, std::ostream& out) const = 0;
};

/// The format names make_renderer knows, in the order docs/formats.md lists them.
const std::vector<std::string>& known_formats();

/// One of known_formats(); anything else is a usage error naming the known formats.
[[nodiscard]] Result<std::unique_ptr<Renderer>> make_renderer(std::string_view format, const RenderOptions& options);

/// The JSON document of docs/report-schema.md.
nlohmann::json to_json(const ScanReport& report);
/// One element of its "checks" array (also the body of an evidence bundle's checks/ID.json).
nlohmann::json check_to_json(const checks::CheckResult& check);
/// Its "waivers" array: what became of each waiver.
nlohmann::json waivers_to_json(const std::vector<WaiverUse>& uses);

}  // namespace rampart::report
