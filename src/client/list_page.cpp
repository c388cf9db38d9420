#include "rampart/client/list_page.h"

#include <vector>

namespace rampart::client {

using nlohmann::json;

Result<PageSummary> parse_list_page(std::string_view body, const ItemCallback& on_item) {
  PageSummary summary;
  PageHeader& header = summary.header;
  std::string key;           // current top-level key
  bool in_items = false;     // inside the top-level "items" or "rows" array
  bool saw_items = false;
  // A Table row needs the column definitions; a server that sends rows first gets its rows
  // held back until the end of the page (rows are small: cells plus object metadata).
  std::vector<json> held_rows;

  auto deliver = [&](const json& item) {
    ++summary.items;
    on_item(item, header);
  };

  json::parser_callback_t cb = [&](int depth, json::parse_event_t event, json& parsed) -> bool {
    if (depth == 1) {
      switch (event) {
        case json::parse_event_t::key:
          key = parsed.get<std::string>();
          return true;
        case json::parse_event_t::array_start:
          if (key == "items" || key == "rows") in_items = saw_items = true;
          return true;
        case json::parse_event_t::array_end:
          if (in_items) {
            in_items = false;
            return false;  // the emptied array is not kept either
          }
          header.fields[key] = parsed;
          return false;
        case json::parse_event_t::object_end:
          if (key == "metadata") {
            if (auto it = parsed.find("continue"); it != parsed.end() && it->is_string())
              header.continue_token = it->get<std::string>();
            if (auto it = parsed.find("resourceVersion"); it != parsed.end() && it->is_string())
              header.resource_version = it->get<std::string>();
            if (auto it = parsed.find("remainingItemCount"); it != parsed.end() && it->is_number_integer())
              header.remaining_item_count = it->get<int64_t>();
          } else {
            header.fields[key] = parsed;
          }
          return false;
        case json::parse_event_t::value:
          if (key == "kind" && parsed.is_string()) header.kind = parsed.get<std::string>();
          else header.fields[key] = parsed;
          return false;
        default:
          return true;
      }
    }
    if (depth == 2 && in_items &&
        (event == json::parse_event_t::object_end || event == json::parse_event_t::value)) {
      if (!parsed.is_object()) return false;  // garbage in a list: skipped
      if (key == "rows" && !header.fields.contains("columnDefinitions")) {
        held_rows.push_back(std::move(parsed));
        return false;
      }
      deliver(parsed);
      return false;
    }
    return true;
  };

  try {
    json root = json::parse(body.begin(), body.end(), cb, /*allow_exceptions=*/true);
    if (!root.is_object() && !root.is_discarded())
      return fail(ErrorKind::kParse, "the response is not a JSON object");
  } catch (const json::exception& e) {
    return fail(ErrorKind::kParse, std::string("malformed JSON in a list page: ") + e.what());
  }
  if (!saw_items && !header.kind.ends_with("List") && header.kind != "Table")
    return fail(ErrorKind::kParse, "the response is not a list (kind '" + header.kind + "')");
  for (const json& row : held_rows) deliver(row);
  return summary;
}

int table_column(const PageHeader& header, std::string_view name) {
  auto it = header.fields.find("columnDefinitions");
  if (it == header.fields.end() || !it->is_array()) return -1;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& col = (*it)[i];
    if (col.is_object() && col.value("name", std::string()) == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace rampart::client
