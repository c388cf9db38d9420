// Runs a helper program without a shell. posix_spawn puts it in its own process group so that a
// timeout can kill it together with anything it started (a shell script's `sleep`, say), which
// would otherwise keep the pipes open.
#include "rampart/config/process.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rampart::config {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kErrTailBytes = 4096;
constexpr std::size_t kMaxStderrLine = 8192;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  [[nodiscard]] int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int* out() { return &fd_; }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

Result<void> make_pipe(Pipe& p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return fail(ErrorKind::kIo, std::string("pipe: ") + std::strerror(errno));
  *p.read.out() = fds[0];
  *p.write.out() = fds[1];
  return {};
}

std::vector<char*> c_strings(const std::vector<std::string>& items) {
  std::vector<char*> out;
  out.reserve(items.size() + 1);
  for (const auto& s : items) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Splits stderr into lines for the callback and keeps the tail for error messages.
class StderrCollector {
 public:
  explicit StderrCollector(const std::function<void(std::string_view)>& sink) : sink_(sink) {}
  void add(std::string_view chunk, std::string& tail) {
    tail.append(chunk);
    if (tail.size() > kErrTailBytes) tail.erase(0, tail.size() - kErrTailBytes);
    if (!sink_) return;
    partial_.append(chunk);
    std::size_t start = 0;
    for (std::size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1)
      sink_(std::string_view(partial_).substr(start, nl - start));
    partial_.erase(0, start);
    if (partial_.size() > kMaxStderrLine) flush();
  }
  void flush() {
    if (sink_ && !partial_.empty()) sink_(partial_);
    partial_.clear();
  }

 private:
  const std::function<void(std::string_view)>& sink_;
  std::string partial_;
};

void kill_group(pid_t pid) { ::kill(-pid, SIGKILL); }

// Waits for the child until `deadline`, then kills its group and reaps it: never a zombie.
void reap(pid_t pid, Clock::time_point deadline, ProcessResult& result) {
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return;
    if (Clock::now() >= deadline) {
      kill_group(pid);
      result.timed_out = !result.output_too_large;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (result.timed_out || result.output_too_large) return;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
}

}  // namespace

Result<ProcessResult> run_process(const ProcessSpec& spec) {
  Pipe out;
  Pipe err;
  if (auto r = make_pipe(out); !r) return tl::unexpected(r.error());
  if (auto r = make_pipe(err); !r) return tl::unexpected(r.error());

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write.get(), STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t no_signals;
  sigset_t all_signals;
  sigemptyset(&no_signals);
  sigfillset(&all_signals);
  posix_spawnattr_setsigmask(&attr, &no_signals);
  posix_spawnattr_setsigdefault(&attr, &all_signals);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv = c_strings(spec.argv);
  std::vector<char*> envp = c_strings(spec.env);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, spec.path.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return fail(ErrorKind::kIo, "cannot run \"" + spec.path + "\": " + std::strerror(rc));
  out.write.reset();
  err.write.reset();

  ProcessResult result;
  StderrCollector collector(spec.on_stderr_line);
  const Clock::time_point deadline = Clock::now() + spec.timeout;
  bool out_open = true;
  bool err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) break;
    pollfd fds[2] = {{out_open ? out.read.get() : -1, POLLIN, 0},
                     {err_open ? err.read.get() : -1, POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(remaining.count(), 1000)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      if (i == 1) {
        collector.add(std::string_view(buf, static_cast<std::size_t>(got)), result.err_tail);
        continue;
      }
      if (result.out.size() + static_cast<std::size_t>(got) > spec.max_stdout) {
        result.output_too_large = true;
        out_open = err_open = false;
        break;
      }
      result.out.append(buf, static_cast<std::size_t>(got));
    }
  }
  collector.flush();
  if (result.output_too_large) kill_group(pid);
  // Both pipes closed: the child is exiting. Still open at the deadline: it hangs, and reap()
  // kills it at once.
  reap(pid, deadline, result);
  return result;
}

std::string one_line_excerpt(std::string_view text, std::size_t max_chars) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.remove_suffix(1);
  std::string prefix;
  if (text.size() > max_chars) {
    text = text.substr(text.size() - max_chars);
    prefix = "...";
  }
  std::string out = prefix;
  for (char c : text) {
    if (c == '\n') {
      out += " | ";
    } else if (c == '\r' || c == '\t') {
      out += ' ';
    } else if (static_cast<unsigned char>(c) < 0x20) {
      continue;  // no terminal control characters in our one-line messages
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace rampart::config
