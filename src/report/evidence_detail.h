#pragma once
// Helpers shared by the evidence bundle's writer and verifier (not a public interface).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/core/error.h"

namespace rampart::report::detail {

/// What a bundle directory holds, relative '/'-separated paths, sorted.
struct BundleListing {
  std::vector<std::string> files;  ///< regular files, manifest.json and its .sig excluded
  std::vector<std::pair<std::string, std::string>> others;  ///< path, what it is ("symlink", ...)
};

/// Walks `dir` without following symlinks.
[[nodiscard]] Result<BundleListing> list_bundle(const std::filesystem::path& dir);

/// Streams a file (refusing a symlink) to `sink` in chunks; returns its size.
[[nodiscard]] Result<uint64_t> read_chunks(const std::filesystem::path& file,
                                           const std::function<void(const char*, size_t)>& sink);

/// Reads a whole regular file (refusing symlinks) into memory.
[[nodiscard]] Result<std::string> read_regular_file(const std::filesystem::path& file);

/// Writes `content` to `name` under the directory `dir_fd` without following a symlink at the
/// last component. `exclusive`: fail if the file exists, else replace its content.
[[nodiscard]] Result<void> write_file_at(int dir_fd, const std::string& name,
                                         std::string_view content, bool exclusive,
                                         const std::string& display);

}  // namespace rampart::report::detail
