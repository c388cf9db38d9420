#include "rampart/config/files.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

namespace rampart::config {

Result<std::string> read_local_file(const std::string& path, const std::string& what) {
  auto failure = [&](const std::string& reason) {
    return fail(ErrorKind::kConfig, "cannot read " + what + " \"" + path + "\": " + reason);
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failure(std::strerror(errno));
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return failure(std::strerror(err));
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > kMaxLocalFileBytes) {
      ::close(fd);
      return failure("larger than " + std::to_string(kMaxLocalFileBytes >> 20) + " MiB");
    }
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

std::string trim_space(std::string text) {
  const char* space = " \t\r\n\v\f";
  text.erase(text.find_last_not_of(space) + 1);
  text.erase(0, text.find_first_not_of(space));
  return text;
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace rampart::config
