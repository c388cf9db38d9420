#pragma once
// When and how long to wait before retrying a request. Pure functions, so the policy is tested
// without a clock.
#include <chrono>
#include <optional>
#include <string_view>

namespace rampart::client {

/// Bounded retry with exponential backoff and jitter on 429, 5xx and broken connections.
struct RetryPolicy {
  int max_attempts = 5;  ///< tries in total, the first included; 1 = never retry
  std::chrono::milliseconds base_delay{250};
  std::chrono::milliseconds max_delay{std::chrono::seconds(8)};
  /// Retry-After is honoured up to this; a server asking for an hour does not stall a scan.
  std::chrono::milliseconds max_retry_after{std::chrono::seconds(30)};
};

/// Whether an HTTP status is worth retrying: 429 and every 5xx except 501 (not implemented
/// will not start working) and 505.
bool retryable_status(long status);

/// Delay before retry number `retry` (1 = the first retry). With a Retry-After, that value
/// (capped by max_retry_after); otherwise base * 2^(retry-1) capped by max_delay, of which a
/// random half is kept ("equal jitter", so concurrent clients spread out but never hammer).
/// `unit_random` is in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry,
                                        std::optional<std::chrono::milliseconds> retry_after,
                                        double unit_random);

/// Parses a Retry-After header value: delta-seconds ("3") or an HTTP date, relative to `now`.
/// Garbage gives nullopt; a date in the past gives 0.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace rampart::client
