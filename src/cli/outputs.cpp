#include "rampart/cli/outputs.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace rampart::cli {

Result<std::vector<OutputSpec>> parse_outputs(const std::vector<std::string>& values) {
  std::vector<OutputSpec> out;
  std::set<std::string> files;
  const OutputSpec* to_stdout = nullptr;
  for (const auto& v : values) {
    auto eq = v.find('=');
    OutputSpec spec{v.substr(0, eq), eq == std::string::npos ? "" : v.substr(eq + 1)};
    if (auto renderer = report::make_renderer(spec.format, {}); !renderer) return tl::unexpected(renderer.error());
    if (eq != std::string::npos && spec.file.empty())
      return fail(ErrorKind::kUsage, "--output " + v + ": missing file name after '='");
    if (spec.file.empty() && to_stdout)
      return fail(ErrorKind::kUsage, "--output " + v + ": " + to_stdout->format +
                                         " already goes to stdout; give one of them a file (FORMAT=FILE)");
    if (!spec.file.empty() && !files.insert(spec.file).second)
      return fail(ErrorKind::kUsage, "--output " + v + ": " + spec.file + " is named twice");
    out.push_back(spec);
    if (spec.file.empty()) to_stdout = &out.back();
  }
  if (out.empty()) out.push_back({"text", ""});
  return out;
}

std::string file_safe(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) c = '_';
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

std::string path_for_cluster(const std::string& file, const std::string& cluster) {
  size_t slash = file.rfind('/');
  size_t base = slash == std::string::npos ? 0 : slash + 1;
  size_t dot = file.rfind('.');
  // A dot that starts the base name ("~/.report") is not an extension.
  if (dot == std::string::npos || dot <= base) return file + "." + file_safe(cluster);
  return file.substr(0, dot) + "." + file_safe(cluster) + file.substr(dot);
}

Result<void> write_file_atomic(const std::string& file, const std::string& content) {
  struct stat st{};
  bool special = ::stat(file.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
  std::string target = special ? file : file + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream f(target, std::ios::binary | std::ios::trunc);
    if (!f) return fail(ErrorKind::kIo, std::string("cannot write: ") + std::strerror(errno), file);
    f << content;
    if (!f.flush()) {
      std::remove(target.c_str());
      return fail(ErrorKind::kIo, std::string("cannot write: ") + std::strerror(errno), file);
    }
  }
  if (!special && std::rename(target.c_str(), file.c_str()) != 0) {
    int err = errno;
    std::remove(target.c_str());
    return fail(ErrorKind::kIo, std::string("cannot write: ") + std::strerror(err), file);
  }
  return {};
}

Result<void> write_outputs(const report::ScanReport& rep, const std::vector<OutputSpec>& outputs,
                           const report::RenderOptions& stdout_options, std::ostream& out) {
  for (const auto& spec : outputs) {
    report::RenderOptions options = stdout_options;
    if (!spec.file.empty()) options.color = false;
    auto renderer = report::make_renderer(spec.format, options);
    if (!renderer) return tl::unexpected(renderer.error());
    if (spec.file.empty()) {
      (*renderer)->render(rep, out);
      out.flush();
      continue;
    }
    std::ostringstream buf;
    (*renderer)->render(rep, buf);
    if (auto w = write_file_atomic(spec.file, buf.str()); !w) return w;
  }
  return {};
}

}  // namespace rampart::cli
