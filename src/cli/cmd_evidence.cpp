#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "rampart/cli/app.h"
#include "rampart/cli/commands.h"
#include "rampart/report/evidence.h"

namespace rampart::cli {
namespace {

struct VerifyOptions {
  std::string dir;
  std::string pubkey;
};

void run_verify(const VerifyOptions& opt) {
  std::optional<report::EvidenceKey> trusted;
  if (!opt.pubkey.empty()) {
    auto key = report::EvidenceKey::load_public(opt.pubkey);
    if (!key) throw CommandError(key.error());
    trusted.emplace(std::move(*key));
  }
  auto result = report::verify_bundle(opt.dir, trusted ? &*trusted : nullptr);
  if (!result) throw CommandError(result.error());
  for (const std::string& line : result->problems) std::printf("%s\n", line.c_str());
  for (const std::string& line : result->warnings) std::printf("warning: %s\n", line.c_str());
  std::printf("%s\n", result->summary().c_str());
  std::fflush(stdout);
  command_exit_code() = result->ok() ? kExitOk : kExitError;
}

}  // namespace

void add_evidence_command(CLI::App& app, GlobalOptions& /*global*/) {
  auto* cmd = app.add_subcommand("evidence", "Work with evidence bundles (see docs/evidence.md)");
  cmd->require_subcommand(1);
  auto opt = std::make_shared<VerifyOptions>();
  auto* verify = cmd->add_subcommand("verify",
                                     "Re-hash every file of an evidence bundle and check its "
                                     "signature; exit 0 only when all of it matches");
  verify->add_option("DIR", opt->dir, "The bundle directory (holds manifest.json)")->required();
  verify->add_option(
      "--pubkey", opt->pubkey,
      "Trusted public key (PEM) to check manifest.json.sig with. Without it the bundle's own "
      "manifest.pub.pem is used, which proves nothing about who made the bundle");
  verify->callback([opt] { run_verify(*opt); });
}

}  // namespace rampart::cli
