// rampart checks list | show ID
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "inputs.h"
#include "rampart/cli/app.h"
#include "rampart/cli/commands.h"
#include "rampart/report/catalog_doc.h"

namespace rampart::cli {

void add_checks_command(CLI::App& app, GlobalOptions& /*global*/) {
  auto* cmd = app.add_subcommand("checks", "List the check catalog or show one check");
  cmd->require_subcommand(1);
  struct Options {
    std::string dir, format = "text", id;
  };
  auto o = std::make_shared<Options>();

  auto* list = cmd->add_subcommand("list", "List every check (text, markdown for docs/checks.md, or json)");
  list->add_option("--checks-dir", o->dir, "Read the catalog from this directory instead of the embedded one");
  list->add_option("-o,--output", o->format, "text, markdown or json")->check(CLI::IsMember({"text", "markdown", "json"}));
  list->callback([o] {
    auto cat = load_catalog_or_throw(o->dir);
    if (o->format == "markdown") {
      std::cout << report::catalog_markdown(cat);
    } else if (o->format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : cat.entries)
        out.push_back({{"id", e.id}, {"title", e.title}, {"section", e.section}, {"level", e.level},
                       {"severity", checks::to_string(e.severity)}, {"automated", e.automated}, {"sources", e.sources},
                       {"scope", e.scope}, {"reads", e.reads}, {"pass", e.pass}, {"remediation", e.remediation}});
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << report::catalog_table(cat);
    }
  });

  auto* show = cmd->add_subcommand("show", "Show everything the catalog says about one check");
  show->add_option("ID", o->id, "Check id, e.g. 5.1.3 or RMP-010")->required();
  show->add_option("--checks-dir", o->dir, "Read the catalog from this directory instead of the embedded one");
  show->callback([o] {
    auto cat = load_catalog_or_throw(o->dir);
    const auto* e = cat.find(o->id);
    if (e == nullptr) throw CommandError("unknown check id " + o->id + " (see rampart checks list)", kExitError);
    std::cout << report::describe_entry(cat, *e);
  });
}

}  // namespace rampart::cli
