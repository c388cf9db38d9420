// The format factory: one name per format, so adding a format touches no caller.
#include "renderers.h"

namespace rampart::report {

const std::vector<std::string>& known_formats() {
  static const std::vector<std::string> kFormats = {"text", "json", "html", "junit", "csv", "sarif", "prometheus", "oscal"};
  return kFormats;
}

Result<std::unique_ptr<Renderer>> make_renderer(std::string_view format, const RenderOptions& options) {
  if (format == "text") return make_text_renderer(options);
  if (format == "json") return make_json_renderer();
  if (format == "html") return make_html_renderer();
  if (format == "junit") return make_junit_renderer();
  if (format == "csv") return make_csv_renderer();
  if (format == "sarif") return make_sarif_renderer();
  if (format == "prometheus") return make_prometheus_renderer();
  if (format == "oscal") return make_oscal_renderer();
  std::string known;
  for (const auto& f : known_formats()) known += (known.empty() ? "" : ", ") + f;
  return fail(ErrorKind::kUsage, "unknown output format '" + std::string(format) + "' (known: " + known + ")");
}

}  // namespace rampart::report
