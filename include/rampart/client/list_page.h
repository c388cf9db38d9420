#pragma once
// Streaming parse of one page of a Kubernetes list. Each element of the page's "items" (a
// List) or "rows" (a meta.k8s.io Table) is handed to a callback as soon as it is parsed and then
// discarded, so a page never exists as a whole JSON tree: the memory of a list is one page of
// bytes plus one item.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rampart/core/error.h"

namespace rampart::client {

/// The top-level fields of a page, other than its items.
struct PageHeader {
  std::string kind;              ///< "PodList", "Table", "PartialObjectMetadataList", ...
  std::string resource_version;  ///< metadata.resourceVersion
  std::string continue_token;    ///< metadata.continue; empty on the last page
  /// metadata.remainingItemCount: items after this page (servers send it on unfiltered lists).
  std::optional<int64_t> remaining_item_count;
  /// Other small top-level fields seen before the current item (a Table's columnDefinitions).
  nlohmann::json fields = nlohmann::json::object();
};

/// Called once per item; `header` holds what the page said before that item.
using ItemCallback = std::function<void(const nlohmann::json& item, const PageHeader& header)>;

struct PageSummary {
  PageHeader header;
  size_t items = 0;
};

/// Parses `body` as a list page. Errors: kParse for malformed JSON or a body that is not a
/// list (no "items"/"rows" array and a kind that is not a list).
Result<PageSummary> parse_list_page(std::string_view body, const ItemCallback& on_item);

/// Index of a Table column by name ("Type", "Data"), or -1.
int table_column(const PageHeader& header, std::string_view name);

}  // namespace rampart::client
