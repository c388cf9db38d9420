#include <cstdio>

#include <curl/curl.h>
#include <openssl/opensslv.h>

#include "rampart/cli/commands.h"
#include "rampart/core/build_info.h"

namespace rampart::cli {

void add_version_command(CLI::App& app, GlobalOptions& /*global*/) {
  auto* cmd = app.add_subcommand("version", "Print rampart's version and the libraries it was built with");
  cmd->callback([] {
    std::printf("rampart %s\n", kVersion);
    std::printf("benchmark: CIS Kubernetes Benchmark v1.12.0\n");
    std::printf("libcurl %s, %s\n", curl_version_info(CURLVERSION_NOW)->version, OPENSSL_VERSION_TEXT);
  });
}

}  // namespace rampart::cli
