#include <catch2/catch.hpp>

#include <sys/wait.h>

#include "rampart/config/process.h"

using namespace rampart::config;

namespace {
ProcessSpec shell(const std::string& script, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  ProcessSpec spec;
  spec.path = "/bin/sh";
  spec.argv = {"sh", "-c", script};
  spec.env = {"PATH=/usr/bin:/bin", "GREETING=hi there"};
  spec.timeout = timeout;
  return spec;
}

// True when this process has no child left to reap.
bool no_children() {
  int status = 0;
  return ::waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}
}  // namespace

TEST_CASE("process: stdout is captured, stderr comes line by line, env is exactly ours", "[config]") {
  ProcessSpec spec = shell("echo \"$GREETING\"; echo \"${HOME:-no home}\"; echo one >&2; printf 'two' >&2");
  std::vector<std::string> lines;
  spec.on_stderr_line = [&](std::string_view l) { lines.emplace_back(l); };
  auto r = run_process(spec);
  REQUIRE(r);
  CHECK(r->exit_code == 0);
  CHECK(r->out == "hi there\nno home\n");
  CHECK(lines == std::vector<std::string>{"one", "two"});
  CHECK(r->err_tail == "one\ntwo");
  CHECK(no_children());
}

TEST_CASE("process: arguments are passed without a shell", "[config]") {
  ProcessSpec spec;
  spec.path = "/usr/bin/printf";
  spec.argv = {"printf", "%s|", "a b", "$HOME", "*"};
  auto r = run_process(spec);
  REQUIRE(r);
  CHECK(r->out == "a b|$HOME|*|");
}

TEST_CASE("process: exit status and signals are reported", "[config]") {
  auto r = run_process(shell("echo bad >&2; exit 7"));
  REQUIRE(r);
  CHECK(r->exit_code == 7);
  CHECK(r->err_tail == "bad\n");
  auto k = run_process(shell("kill -TERM $$"));
  REQUIRE(k);
  CHECK(k->signal == SIGTERM);
  CHECK(k->exit_code == -1);
}

TEST_CASE("process: a hanging process group is killed at the deadline and reaped", "[config]") {
  auto start = std::chrono::steady_clock::now();
  // The background sleep keeps stdout open: only killing the group ends it.
  auto r = run_process(shell("sleep 300 & sleep 300", std::chrono::milliseconds(300)));
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE(r);
  CHECK(r->timed_out);
  CHECK(elapsed < std::chrono::seconds(20));
  CHECK(no_children());
}

TEST_CASE("process: output beyond the bound stops the process", "[config]") {
  ProcessSpec spec = shell("while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done");
  spec.max_stdout = 4096;
  auto r = run_process(spec);
  REQUIRE(r);
  CHECK(r->output_too_large);
  CHECK_FALSE(r->timed_out);
  CHECK(r->out.size() <= 4096);
  CHECK(no_children());
}

TEST_CASE("process: a program that cannot start is an error", "[config]") {
  ProcessSpec spec;
  spec.path = "/nonexistent/plugin";
  spec.argv = {"plugin"};
  auto r = run_process(spec);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "cannot run \"/nonexistent/plugin\": No such file or directory");
}

TEST_CASE("process: stderr excerpts are one bounded line", "[config]") {
  CHECK(one_line_excerpt("a\nb\n\n", 100) == "a | b");
  CHECK(one_line_excerpt("0123456789", 4) == "...6789");
  CHECK(one_line_excerpt("x\x1b[31my", 100) == "x[31my");
}
