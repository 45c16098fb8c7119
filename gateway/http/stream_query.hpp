// The /ws query parameters that shape a connection's stream of messages.
#pragma once

#include <string>
#include <variant>

#include "gateway/http/target.hpp"
#include "proto/domain.hpp"

namespace parley {

/// Longest ?device= name, in bytes.
constexpr std::size_t max_device_bytes = 64;

/// ?since=ID (a message id), ?device=NAME (1-64 of [A-Za-z0-9_.:-]) and
/// ?acks=1|0 (also true|false) as stream options, or what is wrong with
/// them, in one sentence for a 400 answer.
std::variant<stream_options, std::string>
parse_stream_options(const request_target& target);

} // namespace parley
