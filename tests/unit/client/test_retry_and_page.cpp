#include <catch2/catch.hpp>

#include "rampart/client/list_page.h"
#include "rampart/client/retry.h"

using namespace rampart;
using namespace rampart::client;
using std::chrono::milliseconds;
using nlohmann::json;

TEST_CASE("retry: statuses worth retrying", "[client]") {
  CHECK(retryable_status(429));
  CHECK(retryable_status(500));
  CHECK(retryable_status(503));
  CHECK(retryable_status(504));
  CHECK_FALSE(retryable_status(501));
  CHECK_FALSE(retryable_status(404));
  CHECK_FALSE(retryable_status(403));
  CHECK_FALSE(retryable_status(200));
}

TEST_CASE("retry: exponential backoff with equal jitter, capped", "[client]") {
  RetryPolicy p;  // 250 ms base, 8 s cap
  CHECK(backoff_delay(p, 1, std::nullopt, 0.0) == milliseconds(125));
  CHECK(backoff_delay(p, 1, std::nullopt, 0.999) <= milliseconds(250));
  CHECK(backoff_delay(p, 3, std::nullopt, 0.0) == milliseconds(500));
  CHECK(backoff_delay(p, 3, std::nullopt, 1.0) == milliseconds(1000));
  CHECK(backoff_delay(p, 10, std::nullopt, 1.0) == milliseconds(8000));
  CHECK(backoff_delay(p, 60, std::nullopt, 0.0) == milliseconds(4000));  // no overflow
  CHECK(backoff_delay(p, 2, milliseconds(3000), 0.5) == milliseconds(3000));
  CHECK(backoff_delay(p, 2, std::chrono::hours(2), 0.5) == p.max_retry_after);
}

TEST_CASE("retry: Retry-After as seconds or an HTTP date", "[client]") {
  auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(parse_retry_after("3", now) == milliseconds(3000));
  CHECK(parse_retry_after(" 0\r", now) == milliseconds(0));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now) == milliseconds(10000));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now) == milliseconds(0));
  CHECK_FALSE(parse_retry_after("soon", now).has_value());
  CHECK_FALSE(parse_retry_after("", now).has_value());
  CHECK_FALSE(parse_retry_after("-1", now).has_value());
}

TEST_CASE("list page: items are delivered one at a time with the page header", "[client]") {
  std::string body = R"({"kind":"PodList","apiVersion":"v1",
    "metadata":{"resourceVersion":"42","continue":"tok"},
    "items":[{"metadata":{"name":"a","labels":{"x":"y"}}},7,{"metadata":{"name":"b"}}]})";
  std::vector<std::string> names;
  auto page = parse_list_page(body, [&](const json& item, const PageHeader& h) {
    CHECK(h.continue_token == "tok");
    names.push_back(item["metadata"]["name"]);
  });
  REQUIRE(page);
  CHECK(page->items == 2);  // the stray number is skipped
  CHECK(names == std::vector<std::string>{"a", "b"});
  CHECK(page->header.kind == "PodList");
  CHECK(page->header.resource_version == "42");
  CHECK(page->header.continue_token == "tok");
  CHECK_FALSE(page->header.fields.contains("items"));
}

TEST_CASE("list page: Table rows see the column definitions, whatever the key order", "[client]") {
  for (bool columns_first : {true, false}) {
    json cols = {{{"name", "Name"}}, {{"name", "Type"}}, {{"name", "Data"}}};
    json rows = {{{"cells", {"s1", "Opaque", 2}}}};
    std::string body = columns_first
        ? R"({"kind":"Table","metadata":{},"columnDefinitions":)" + cols.dump() + R"(,"rows":)" + rows.dump() + "}"
        : R"({"kind":"Table","metadata":{},"rows":)" + rows.dump() + R"(,"columnDefinitions":)" + cols.dump() + "}";
    int type_col = -2;
    auto page = parse_list_page(body, [&](const json&, const PageHeader& h) { type_col = table_column(h, "Type"); });
    REQUIRE(page);
    CHECK(page->items == 1);
    CHECK(type_col == 1);
  }
}

TEST_CASE("list page: malformed JSON and non-lists are parse errors", "[client]") {
  auto noop = [](const json&, const PageHeader&) {};
  auto truncated = parse_list_page(R"({"kind":"PodList","items":[{"metadata":)", noop);
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().kind == ErrorKind::kParse);
  auto status = parse_list_page(R"({"kind":"Status","message":"x"})", noop);
  REQUIRE_FALSE(status);
  CHECK(status.error().message == "the response is not a list (kind 'Status')");
  auto empty = parse_list_page(R"({"kind":"PodList","metadata":{}})", noop);
  REQUIRE(empty);  // an empty list may omit items
  CHECK(empty->items == 0);
  CHECK_FALSE(parse_list_page("[1,2]", noop));
}
