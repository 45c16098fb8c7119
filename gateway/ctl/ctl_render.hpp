// `parley ctl`'s readable output: the admin actor's JSON as tables.
#pragma once

#include <string>

#include "gateway/ctl/ctl_options.hpp"

namespace parley::ctl {

/// The answer to `what` as text for people; JSON that does not have the
/// expected shape is printed as it is.
std::string render(command what, const std::string& answer);

} // namespace parley::ctl
