// RFC 3339 timestamps in UTC with millisecond precision.
#pragma once

#include <string>

#include "proto/domain.hpp"

namespace parley::json {

/// "2026-11-25T20:47:13.123Z" for the given instant.
std::string format_rfc3339(timestamp_ms at);

} // namespace parley::json
