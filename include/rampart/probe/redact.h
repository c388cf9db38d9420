#pragma once
// Turning bytes a server sent into an excerpt safe to keep in a report or evidence bundle.
#include <cstddef>
#include <string>
#include <string_view>

namespace rampart::probe {

/// A bounded, printable, redacted excerpt of `body`:
/// 1. looks only at the first bytes (a window well beyond `max_chars`, so nothing secret can
///    straddle the cut), escapes control and non-ASCII bytes as \xNN;
/// 2. log::scrub (registered secrets, bearer tokens, PEM private keys);
/// 3. replaces the string value of any JSON key that names a secret or stored data (token,
///    password, secret, key, value, cert, credential, auth, data), JSON Web Tokens, bootstrap
///    tokens (abcdef.0123456789abcdef), and long base64 or hex runs (>= 32 characters, mixed
///    letters and digits) with "[REDACTED]";
/// 4. cuts to `max_chars`, appending "..." when it cut.
/// `max_chars` == 0 gives "".
std::string redact_excerpt(std::string_view body, size_t max_chars);

/// Printable one-line form of the first bytes of a non-HTTP answer: "16 03 01 00 ..." hex for
/// binary, the text (escaped, redacted, line breaks as \n) when it is mostly printable.
std::string describe_bytes(std::string_view bytes);

}  // namespace rampart::probe
