#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "evidence_detail.h"
#include "rampart/report/evidence.h"

namespace rampart::report {
namespace {

namespace fs = std::filesystem;

std::string errno_text() { return std::strerror(errno); }

}  // namespace

Result<EvidenceWriter> EvidenceWriter::create(const fs::path& dir) {
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st))
      return fail(ErrorKind::kUsage, "the evidence directory exists and is not a directory",
                  dir.string());
    // A bundle must hold only what this run wrote: leftovers would be hashed and signed too.
    if (!fs::is_empty(dir, ec) || ec)
      return fail(ErrorKind::kUsage,
                  "the evidence directory is not empty (give a new directory for each run)",
                  dir.string());
  } else if (!fs::create_directories(dir, ec) || ec) {
    return fail(ErrorKind::kIo, "cannot create the evidence directory: " + ec.message(),
                dir.string());
  }
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return fail(ErrorKind::kIo, "cannot open the evidence directory: " + errno_text(),
                dir.string());
  return EvidenceWriter(dir, fd);
}

EvidenceWriter::EvidenceWriter(EvidenceWriter&& other) noexcept
    : dir_(std::move(other.dir_)),
      fd_(std::exchange(other.fd_, -1)),
      files_(std::move(other.files_)),
      finished_(other.finished_) {}

EvidenceWriter& EvidenceWriter::operator=(EvidenceWriter&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    dir_ = std::move(other.dir_);
    fd_ = std::exchange(other.fd_, -1);
    files_ = std::move(other.files_);
    finished_ = other.finished_;
  }
  return *this;
}

EvidenceWriter::~EvidenceWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::string> EvidenceWriter::add_file(std::string_view relative_path,
                                             std::string_view content) {
  if (finished_)
    return fail(ErrorKind::kInternal, "the evidence bundle is already finished", dir_.string());
  auto path = bundle_path(relative_path);
  if (!path) return tl::unexpected(path.error());
  if (files_.count(*path))
    return fail(ErrorKind::kUsage, "'" + *path + "' is already in the evidence bundle",
                dir_.string());
  auto written = write(*path, content);
  if (!written) return tl::unexpected(written.error());
  return *path;
}

Result<void> EvidenceWriter::write(const std::string& relative_path, std::string_view content) {
  const std::string display = (dir_ / relative_path).string();
  // Walk down from the directory opened at create(), one component at a time, never through a
  // symlink: nothing can redirect a write outside the bundle.
  int cur = fd_;
  size_t start = 0;
  for (size_t slash = relative_path.find('/'); slash != std::string::npos;
       slash = relative_path.find('/', start)) {
    const std::string part = relative_path.substr(start, slash - start);
    start = slash + 1;
    if (::mkdirat(cur, part.c_str(), 0750) != 0 && errno != EEXIST) {
      const std::string why = errno_text();
      if (cur != fd_) ::close(cur);
      return fail(ErrorKind::kIo, "cannot create directory: " + why, display);
    }
    const int next = ::openat(cur, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const std::string why = next < 0 ? errno_text() : "";
    if (cur != fd_) ::close(cur);
    if (next < 0)
      return fail(ErrorKind::kIo, "cannot open directory '" + part + "': " + why, display);
    cur = next;
  }
  auto written = detail::write_file_at(cur, relative_path.substr(start), content, true, display);
  if (cur != fd_) ::close(cur);
  if (!written) return written;
  files_.insert(relative_path);
  return {};
}

Result<void> EvidenceWriter::finish(ManifestInfo info, const EvidenceKey* sign_key) {
  if (finished_)
    return fail(ErrorKind::kInternal, "the evidence bundle is already finished", dir_.string());
  if (sign_key) {
    if (!sign_key->has_private())
      return fail(ErrorKind::kInternal, "signing the evidence manifest needs a private key");
    // For convenience only: verification must use a key obtained some other way (--pubkey).
    auto pub = write(kPublicKeyFile, sign_key->public_pem());
    if (!pub) return pub;
    info.signature = SignatureInfo{sign_key->algorithm(), sign_key->fingerprint()};
  }
  auto manifest = write_manifest(dir_, info);
  if (!manifest) return tl::unexpected(manifest.error());
  if (sign_key) {
    auto signature = sign_key->sign(*manifest);
    if (!signature) return tl::unexpected(signature.error());
    auto written = write(kSignatureFile, *signature);
    if (!written) return written;
  }
  finished_ = true;
  return {};
}

}  // namespace rampart::report
