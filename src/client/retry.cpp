#include "rampart/client/retry.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <string>

namespace rampart::client {

bool retryable_status(long status) {
  if (status == 429) return true;
  return status >= 500 && status <= 599 && status != 501 && status != 505;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry,
                                        std::optional<std::chrono::milliseconds> retry_after,
                                        double unit_random) {
  using std::chrono::milliseconds;
  if (retry_after) return std::clamp(*retry_after, milliseconds(0), policy.max_retry_after);
  int shift = std::clamp(retry - 1, 0, 30);
  long long exp = policy.base_delay.count() << shift;
  if (exp > policy.max_delay.count() || exp < 0) exp = policy.max_delay.count();
  unit_random = std::clamp(unit_random, 0.0, 1.0);
  long long half = exp / 2;
  return milliseconds(half + static_cast<long long>(static_cast<double>(exp - half) * unit_random));
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r'))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long long seconds = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || ptr != value.data() + value.size()) return std::nullopt;
    seconds = std::min<long long>(seconds, 24 * 3600);  // anything longer is capped anyway
    return std::chrono::seconds(seconds);
  }
  // IMF-fixdate: "Wed, 21 Oct 2015 07:28:00 GMT" (the only form servers send today).
  std::tm tm{};
  std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

}  // namespace rampart::client
