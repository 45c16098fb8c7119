// The optional database check: how many rows the messages table holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace parley::bench {

/// SELECT count(*) FROM messages on the PostgreSQL database at `url`;
/// nullopt (and `error`) when it cannot be read.
std::optional<std::int64_t> count_messages(const std::string& url,
                                           std::string& error);

} // namespace parley::bench
