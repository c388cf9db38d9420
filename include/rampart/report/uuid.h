#pragma once
// Name-based UUIDs (RFC 4122 version 5, SHA-1): the same name always gives the same UUID, so
// documents that need UUIDs (OSCAL) stay identical from one scan of a cluster to the next.
#include <optional>
#include <string>
#include <string_view>

namespace rampart::report {

/// The UUID of `name` in the namespace `namespace_uuid` (canonical text form, lower case);
/// nullopt when `namespace_uuid` is not a UUID.
std::optional<std::string> uuid_v5(std::string_view namespace_uuid, std::string_view name);

}  // namespace rampart::report
