// What the admin view says about this process that only the gateway knows:
// the build's version and the limits the options put in force.
#pragma once

#include <string>

#include "gateway/options.hpp"

namespace parley::admin {

/// This build's version (meson's project version).
const char* build_version();

/// The limits in force, as the JSON object GET /admin/node shows.
std::string encode_limits(const options& opts);

} // namespace parley::admin
