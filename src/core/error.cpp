#include "rampart/core/error.h"

namespace rampart {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kConfig: return "config";
    case ErrorKind::kUsage: return "usage";
    case ErrorKind::kIo: return "io";
    case ErrorKind::kParse: return "parse";
    case ErrorKind::kNetwork: return "network";
    case ErrorKind::kTls: return "tls";
    case ErrorKind::kUnauthorized: return "unauthorized";
    case ErrorKind::kForbidden: return "forbidden";
    case ErrorKind::kNotFound: return "not-found";
    case ErrorKind::kGone: return "gone";
    case ErrorKind::kHttp: return "http";
    case ErrorKind::kInternal: return "internal";
  }
  return "internal";
}

std::string Error::describe() const {
  if (context.empty()) return message;
  return context + ": " + message;
}

}  // namespace rampart
