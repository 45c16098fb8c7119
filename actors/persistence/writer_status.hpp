// What the writer tells operators (GET /admin/node, `parley ctl status`).
#pragma once

#include <cstddef>
#include <string>

#include "actors/persistence/writer.hpp"

namespace parley {

/// The writer's queue, the database's state as the writer last found it
/// and its last batches, as a JSON object.
std::string describe_writer(const writer_state& st, std::size_t mailbox);

} // namespace parley
