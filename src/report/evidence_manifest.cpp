#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "evidence_detail.h"
#include "rampart/collect/whoami.h"
#include "rampart/report/evidence.h"

namespace rampart::report {
namespace {

nlohmann::json manifest_json(const ManifestInfo& info, const std::vector<FileDigest>& files) {
  using nlohmann::json;
  json j;
  j["format"] = kManifestFormat;
  j["scanner"] = {{"name", "rampart"}, {"version", info.scanner_version}};
  j["catalog_version"] = info.catalog_version;
  const collect::ClusterIdentity& c = info.cluster;
  j["cluster"] = {{"server", c.server},
                  {"context", c.context},
                  {"server_version", c.git_version},
                  {"platform", c.platform},
                  {"kube_system_uid", c.kube_system_uid}};
  j["scanned_as"] = collect::identity_summary(info.scanned_as);
  j["started_at"] = format_rfc3339_utc(info.started_at);
  j["finished_at"] = format_rfc3339_utc(info.finished_at);
  j["command_line"] = info.command_line;
  j["hash_algorithm"] = "sha256";
  json list = json::array();
  for (const FileDigest& f : files)
    list.push_back({{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}});
  j["files"] = std::move(list);
  if (info.signature) {
    j["signature"] = {{"algorithm", info.signature->algorithm},
                      {"public_key_sha256", info.signature->public_key_sha256},
                      {"file", kSignatureFile},
                      {"public_key_file", kPublicKeyFile}};
  } else {
    j["signature"] = nullptr;  // explicit: a reader sees the bundle was never signed
  }
  return j;
}

}  // namespace

Result<std::string> write_manifest(const std::filesystem::path& dir, const ManifestInfo& info) {
  auto files = hash_bundle(dir);
  if (!files) return tl::unexpected(files.error());
  // nlohmann's object keeps keys sorted, so the same bundle always gives the same bytes. A
  // command line is not always UTF-8: bad bytes become U+FFFD instead of throwing.
  std::string text =
      manifest_json(info, *files).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
      "\n";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return fail(ErrorKind::kIo, std::string("cannot open: ") + std::strerror(errno), dir.string());
  auto written =
      detail::write_file_at(fd, kManifestFile, text, false, (dir / kManifestFile).string());
  ::close(fd);
  if (!written) return tl::unexpected(written.error());
  return text;
}

}  // namespace rampart::report
