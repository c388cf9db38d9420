#include "rampart/config/credential_sources.h"

namespace rampart::config {

StaticCredentialSource::StaticCredentialSource(Credential credential, std::string kind,
                                               std::string origin)
    : credential_(std::move(credential)), kind_(std::move(kind)), origin_(std::move(origin)) {}

Result<Credential> StaticCredentialSource::get(bool /*refresh*/) {
  // Nothing to refresh: a 401 with a fixed credential is final.
  return credential_;
}

}  // namespace rampart::config
