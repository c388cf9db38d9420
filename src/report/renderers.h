#pragma once
// The constructors of each format's Renderer, for the factory in renderer.cpp (not a public
// interface: callers go through make_renderer).
#include <memory>

#include "rampart/report/renderer.h"

namespace rampart::report {

std::unique_ptr<Renderer> make_text_renderer(const RenderOptions& options);
std::unique_ptr<Renderer> make_json_renderer();
std::unique_ptr<Renderer> make_html_renderer();
std::unique_ptr<Renderer> make_junit_renderer();
std::unique_ptr<Renderer> make_csv_renderer();
std::unique_ptr<Renderer> make_sarif_renderer();
std::unique_ptr<Renderer> make_prometheus_renderer();
std::unique_ptr<Renderer> make_oscal_renderer();

}  // namespace rampart::report
