#pragma once
// `--output FORMAT[=FILE]` (repeatable): which formats one scan writes, and where. Parsed and
// checked before the scan starts, so a typo costs nothing. Files are written atomically (a
// temporary file in the same directory, then rename), so a textfile collector or a browser
// never sees half a report.
#include <ostream>
#include <string>
#include <vector>

#include "rampart/core/error.h"
#include "rampart/report/renderer.h"

namespace rampart::cli {

struct OutputSpec {
  std::string format;  ///< one of report::known_formats()
  std::string file;    ///< empty = stdout
  bool operator==(const OutputSpec&) const = default;
};

/// Parses the --output values. Errors: unknown format, "FORMAT=" without a file, two formats
/// to stdout, one file named twice. No value gives text on stdout.
[[nodiscard]] Result<std::vector<OutputSpec>> parse_outputs(const std::vector<std::string>& values);

/// A cluster's name made safe for a file name: characters other than [A-Za-z0-9._-] become
/// '_' ("arn:aws:eks:eu-west-1:1234:cluster/prod" -> "arn_aws_eks_eu-west-1_1234_cluster_prod").
std::string file_safe(const std::string& name);

/// FILE for one cluster of several: the cluster inserted before the extension
/// ("out/report.json" + "prod" -> "out/report.prod.json"; "report" -> "report.prod").
std::string path_for_cluster(const std::string& file, const std::string& cluster);

/// Writes `content` to `file` atomically (see above); a file that exists and is not a regular
/// file (/dev/stdout, a FIFO) is written in place.
[[nodiscard]] Result<void> write_file_atomic(const std::string& file, const std::string& content);

/// Renders `report` in every format of `outputs`: files as above, stdout ones to `out`.
[[nodiscard]] Result<void> write_outputs(const report::ScanReport& report, const std::vector<OutputSpec>& outputs,
                                         const report::RenderOptions& stdout_options, std::ostream& out);

}  // namespace rampart::cli
