#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>

#include "evidence_detail.h"
#include "rampart/report/evidence.h"

namespace rampart::report {
namespace {

namespace fs = std::filesystem;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) ctx_.reset();
  }
  void update(const void* data, size_t n) {
    if (ctx_ && EVP_DigestUpdate(ctx_.get(), data, n) != 1) ctx_.reset();
  }
  // Empty when OpenSSL failed (out of memory): callers report it instead of a wrong digest.
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ctx_ || EVP_DigestFinal_ex(ctx_.get(), md, &len) != 1) return {};
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
      out += kDigits[md[i] >> 4];
      out += kDigits[md[i] & 0xf];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx_;
};

std::string errno_text() { return std::strerror(errno); }

const char* describe_type(fs::file_type t) {
  switch (t) {
    case fs::file_type::symlink:
      return "symlink";
    case fs::file_type::block:
      return "block device";
    case fs::file_type::character:
      return "character device";
    case fs::file_type::fifo:
      return "fifo";
    case fs::file_type::socket:
      return "socket";
    default:
      return "not a regular file";
  }
}

// Opens a regular file for reading without following a symlink at the last component. O_NONBLOCK
// keeps a fifo planted in a bundle from blocking the open forever; it changes nothing for
// regular files. Returns -1 with errno set (EINVAL for anything but a regular file).
int open_regular(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return -1;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    errno = EINVAL;
    return -1;
  }
  return fd;
}

}  // namespace

std::string format_rfc3339_utc(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data.data(), data.size());
  return h.hex();
}

Result<FileDigest> hash_file(const fs::path& file, std::string relative_path) {
  Sha256 h;
  auto size = detail::read_chunks(file, [&h](const char* data, size_t n) { h.update(data, n); });
  if (!size) return tl::unexpected(size.error());
  FileDigest d{std::move(relative_path), *size, h.hex()};
  if (d.sha256.empty()) return fail(ErrorKind::kInternal, "SHA-256 failed", file.string());
  return d;
}

Result<std::vector<FileDigest>> hash_bundle(const fs::path& dir) {
  auto listing = detail::list_bundle(dir);
  if (!listing) return tl::unexpected(listing.error());
  if (!listing->others.empty()) {
    const auto& [path, what] = listing->others.front();
    return fail(ErrorKind::kIo, "a bundle holds only regular files, found a " + what,
                (dir / path).string());
  }
  std::vector<FileDigest> out;
  for (const std::string& path : listing->files) {
    auto d = hash_file(dir / path, path);
    if (!d) return tl::unexpected(d.error());
    out.push_back(std::move(*d));
  }
  return out;
}

namespace detail {

Result<BundleListing> list_bundle(const fs::path& dir) {
  BundleListing out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec)
    return fail(ErrorKind::kIo, "cannot list the evidence bundle: " + ec.message(), dir.string());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec)
      return fail(ErrorKind::kIo, "cannot list the evidence bundle: " + ec.message(), dir.string());
    const fs::file_type type = it->symlink_status(ec).type();
    if (ec) return fail(ErrorKind::kIo, "cannot stat: " + ec.message(), it->path().string());
    const std::string rel = it->path().lexically_relative(dir).generic_string();
    if (type == fs::file_type::directory) continue;
    if (type != fs::file_type::regular) {
      out.others.emplace_back(rel, describe_type(type));
      continue;
    }
    if (rel == kManifestFile || rel == kSignatureFile) continue;
    out.files.push_back(rel);
  }
  // Byte order, the same in every locale: the manifest and every report list files this way.
  std::sort(out.files.begin(), out.files.end());
  std::sort(out.others.begin(), out.others.end());
  return out;
}

Result<uint64_t> read_chunks(const fs::path& file,
                             const std::function<void(const char*, size_t)>& sink) {
  const int fd = open_regular(file);
  if (fd < 0) {
    const std::string why = errno == EINVAL  ? "not a regular file"
                            : errno == ELOOP ? "a symlink"
                                             : errno_text();
    return fail(ErrorKind::kIo, "cannot read: " + why, file.string());
  }
  uint64_t total = 0;
  std::array<char, 1 << 16> buf;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = errno_text();
      ::close(fd);
      return fail(ErrorKind::kIo, "cannot read: " + why, file.string());
    }
    if (n == 0) break;
    sink(buf.data(), static_cast<size_t>(n));
    total += static_cast<uint64_t>(n);
  }
  ::close(fd);
  return total;
}

Result<std::string> read_regular_file(const fs::path& file) {
  std::string out;
  auto size = read_chunks(file, [&out](const char* data, size_t n) { out.append(data, n); });
  if (!size) return tl::unexpected(size.error());
  return out;
}

Result<void> write_file_at(int dir_fd, const std::string& name, std::string_view content,
                           bool exclusive, const std::string& display) {
  const int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC);
  const int fd = ::openat(dir_fd, name.c_str(), flags, 0640);
  if (fd < 0) return fail(ErrorKind::kIo, "cannot create: " + errno_text(), display);
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = errno_text();
      ::close(fd);
      return fail(ErrorKind::kIo, "cannot write: " + why, display);
    }
    done += static_cast<size_t>(n);
  }
  // The bundle is often the last thing a CronJob pod does: make it reach the volume.
  std::string why;
  if (::fsync(fd) != 0) why = errno_text();
  if (::close(fd) != 0 && why.empty()) why = errno_text();
  if (!why.empty()) return fail(ErrorKind::kIo, "cannot write: " + why, display);
  return {};
}

}  // namespace detail
}  // namespace rampart::report
