#include "rampart/report/waivers.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace rampart::report {
namespace {

constexpr std::array<std::string_view, 5> kEntryFields = {"check", "resource", "justification",
                                                          "owner", "expires"};
constexpr std::array<std::string_view, 3> kResourceFields = {"kind", "namespace", "name"};

std::string where(const std::string& name, const YAML::Node& node) {
  // yaml-cpp marks are 0-based; editors count from 1.
  return name + ":" + std::to_string(node.Mark().line + 1);
}

std::string trim(std::string s) {
  auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), blank));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), blank).base(), s.end());
  return s;
}

template <size_t N>
std::string field_list(const std::array<std::string_view, N>& fields) {
  std::string out;
  for (auto f : fields) out += (out.empty() ? "" : ", ") + std::string(f);
  return out;
}

// Parses one list entry. Each failure names the entry by its position and the line of the
// offending node, so a long file can be fixed without guessing.
class EntryParser {
 public:
  EntryParser(const std::string& file, size_t index)
      : file_(file), label_("waiver " + std::to_string(index)) {}

  Result<Waiver> parse(const YAML::Node& entry) {
    if (!entry.IsMap())
      return error(entry, "expected a mapping with check, justification, owner, expires");
    for (const auto& kv : entry) {
      const std::string key = kv.first.Scalar();
      if (std::find(kEntryFields.begin(), kEntryFields.end(), key) == kEntryFields.end())
        return error(kv.first,
                     "unknown field '" + key + "' (expected " + field_list(kEntryFields) + ")");
    }
    Waiver w;
    w.source = where(file_, entry);
    auto check = required_scalar(entry, "check");
    if (!check) return tl::unexpected(check.error());
    w.check = *check;
    auto justification = required_scalar(entry, "justification");
    if (!justification) return tl::unexpected(justification.error());
    w.justification = *justification;
    auto owner = required_scalar(entry, "owner");
    if (!owner) return tl::unexpected(owner.error());
    w.owner = *owner;
    auto expires = required_scalar(entry, "expires");
    if (!expires) return tl::unexpected(expires.error());
    auto date = parse_date(*expires);
    if (!date)
      return error(entry["expires"], "expires: expected a date YYYY-MM-DD, got '" + *expires + "'");
    w.expires = *date;
    if (const YAML::Node resource = entry["resource"]) {
      auto pattern = parse_resource(resource);
      if (!pattern) return tl::unexpected(pattern.error());
      w.resource = *pattern;
    }
    return w;
  }

 private:
  tl::unexpected<Error> error(const YAML::Node& node, const std::string& message) const {
    return fail(ErrorKind::kParse, label_ + ": " + message, where(file_, node));
  }

  Result<std::string> scalar(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar()) return error(node, field + ": expected a single value");
    std::string value = trim(node.Scalar());
    if (value.empty()) return error(node, field + ": must not be empty");
    return value;
  }

  Result<std::string> required_scalar(const YAML::Node& entry, const std::string& field) const {
    const YAML::Node node = entry[field];
    if (!node || node.IsNull()) return error(entry, "missing required field '" + field + "'");
    return scalar(node, field);
  }

  Result<ResourcePattern> parse_resource(const YAML::Node& node) const {
    if (!node.IsMap())
      return error(node,
                   "resource: expected a mapping of kind, namespace, name (leave resource out "
                   "to waive the whole check)");
    if (node.size() == 0)
      return error(node,
                   "resource: give at least one of kind, namespace, name (leave resource out "
                   "to waive the whole check)");
    ResourcePattern p;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      auto value = scalar(kv.second, "resource." + key);
      if (!value) return tl::unexpected(value.error());
      if (key == "kind") {
        p.kind = *value;
      } else if (key == "namespace") {
        p.namespace_ = *value;
      } else if (key == "name") {
        p.name = *value;
      } else {
        return error(kv.first, "resource: unknown field '" + key + "' (expected " +
                                   field_list(kResourceFields) + ")");
      }
    }
    return p;
  }

  const std::string& file_;
  std::string label_;
};

}  // namespace

std::optional<std::chrono::year_month_day> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](size_t pos, size_t len) -> std::optional<int> {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(*y),
                                   std::chrono::month(static_cast<unsigned>(*m)),
                                   std::chrono::day(static_cast<unsigned>(*d))};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string format_date(std::chrono::year_month_day date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

Result<std::vector<Waiver>> parse_waivers(std::string_view yaml, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::kParse, "not valid YAML: " + e.msg,
                name + ":" + std::to_string(e.mark.line + 1));
  }
  std::vector<Waiver> waivers;
  if (!root || root.IsNull()) return waivers;  // an empty file waives nothing
  if (!root.IsSequence())
    return fail(ErrorKind::kParse, "expected a list of waivers (entries starting with '- check:')",
                where(name, root));
  try {
    size_t index = 0;
    for (const auto& entry : root) {
      auto w = EntryParser(name, ++index).parse(entry);
      if (!w) return tl::unexpected(w.error());
      waivers.push_back(std::move(*w));
    }
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::kParse, e.msg, name + ":" + std::to_string(e.mark.line + 1));
  }
  return waivers;
}

Result<std::vector<Waiver>> load_waivers(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorKind::kIo, "cannot read the waivers file", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(ErrorKind::kIo, "cannot read the waivers file", path);
  return parse_waivers(text.str(), path);
}

}  // namespace rampart::report
