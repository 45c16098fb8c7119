// `parley ctl ...` (see ctl_main.hpp).
#include "gateway/ctl/ctl_main.hpp"

#include <iostream>

#include "gateway/ctl/ctl_client.hpp"
#include "gateway/ctl/ctl_options.hpp"
#include "gateway/ctl/ctl_render.hpp"

namespace parley::ctl {

int run_ctl(int argc, char** argv) {
  auto parsed = parse_ctl_options(argc, argv);
  if (std::holds_alternative<help_requested>(parsed)) {
    std::cout << ctl_usage_text();
    return 0;
  }
  if (auto* err = std::get_if<std::string>(&parsed)) {
    std::cerr << "parley ctl: " << *err << std::endl;
    return 2;
  }
  const auto& opts = std::get<ctl_options>(parsed);
  auto answer = ask_node(opts);
  if (auto* failed = std::get_if<ctl_failure>(&answer)) {
    std::cerr << "parley ctl: " << failed->message << std::endl;
    return 1;
  }
  const auto& text = std::get<std::string>(answer);
  if (opts.json && opts.what != command::metrics)
    std::cout << text << std::endl;
  else
    std::cout << render(opts.what, text);
  return 0;
}

} // namespace parley::ctl
