
#include "rampart/report/evidence.h"

namespace rampart::report {
namespace {

// Linux allows 255 bytes per name; staying under it keeps bundles portable to other filesystems.
constexpr size_t kMaxComponent = 200;

bool plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

Result<std::string> bundle_path(std::string_view relative_path) {
  const std::string shown(relative_path);
  auto refuse = [&](const std::string& why) {
    return fail(ErrorKind::kUsage, "refusing evidence file path '" + shown + "': " + why);
  };
  if (relative_path.empty()) return refuse("empty");
  if (relative_path.front() == '/') return refuse("absolute");
  std::string out;
  size_t start = 0;
  while (start <= relative_path.size()) {
    size_t end = relative_path.find('/', start);
    if (end == std::string_view::npos) end = relative_path.size();
    std::string_view part = relative_path.substr(start, end - start);
    if (part.empty()) return refuse("empty path component");
    if (part == ".") return refuse("'.' component");
    if (part == "..") return refuse("'..' component");
    if (part.size() > kMaxComponent) return refuse("component longer than 200 characters");
    if (!out.empty()) out += '/';
    for (size_t i = 0; i < part.size(); ++i) {
      // A leading dot would hide the file from a casual `ls` of the bundle.
      out += (plain(part[i]) && !(i == 0 && part[i] == '.')) ? part[i] : '_';
    }
    start = end + 1;
  }
  for (const char* reserved : {kManifestFile, kSignatureFile, kPublicKeyFile})
    if (out == reserved) return refuse("reserved for the bundle's manifest");
  return out;
}

}  // namespace rampart::report
