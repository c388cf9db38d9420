// --output FORMAT[=FILE] parsing and per-cluster file names.
#include <catch2/catch.hpp>

#include "rampart/cli/outputs.h"

using namespace rampart;
using cli::OutputSpec;

TEST_CASE("outputs: formats, files and stdout", "[cli]") {
  auto ok = cli::parse_outputs({"json=r.json", "html=out/r.html", "text"});
  REQUIRE(ok.has_value());
  CHECK(*ok == std::vector<OutputSpec>{{"json", "r.json"}, {"html", "out/r.html"}, {"text", ""}});
  CHECK(*cli::parse_outputs({}) == std::vector<OutputSpec>{{"text", ""}});
  CHECK(cli::parse_outputs({"json", "text"}).error().message == "--output text: json already goes to stdout; give one of them a file (FORMAT=FILE)");
  CHECK(cli::parse_outputs({"csv="}).error().message == "--output csv=: missing file name after '='");
  CHECK(cli::parse_outputs({"csv=a", "json=a"}).error().message == "--output json=a: a is named twice");
  CHECK(cli::parse_outputs({"xml=a"}).error().message.starts_with("unknown output format 'xml' (known: text, json, html"));
}

TEST_CASE("outputs: a cluster's name goes before the extension", "[cli]") {
  CHECK(cli::path_for_cluster("report.json", "prod") == "report.prod.json");
  CHECK(cli::path_for_cluster("out/dir.d/report", "prod") == "out/dir.d/report.prod");
  CHECK(cli::path_for_cluster("/x/.report", "a") == "/x/.report.a");
  CHECK(cli::path_for_cluster("r.prom", "arn:aws:eks:eu-west-1:1:cluster/prod") == "r.arn_aws_eks_eu-west-1_1_cluster_prod.prom");
  CHECK(cli::file_safe("..") == "_..");
  CHECK(cli::file_safe("") == "_");
}
