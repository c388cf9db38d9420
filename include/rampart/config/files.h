#pragma once
// Reading the small local files a kubeconfig points at (kubeconfigs, PEMs, token files), with a
// size bound so that a path such as /dev/zero ends in an error instead of a hang.
#include <cstddef>
#include <string>

#include "rampart/core/error.h"

namespace rampart::config {

/// Files larger than this are refused; real kubeconfigs and PEM bundles are far smaller.
inline constexpr std::size_t kMaxLocalFileBytes = 16u << 20;

/// Reads `path` whole. On failure: Error{kConfig, "cannot read <what> \"path\": <reason>"}.
[[nodiscard]] Result<std::string> read_local_file(const std::string& path, const std::string& what);

/// `text` without leading and trailing white space (token and namespace files end in newlines).
[[nodiscard]] std::string trim_space(std::string text);

/// Whether something exists at `path` (following symlinks).
[[nodiscard]] bool path_exists(const std::string& path);

}  // namespace rampart::config
