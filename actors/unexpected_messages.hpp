// What long-lived actors do with a message no handler takes: a request gets
// an error back, anything else is dropped. CAF's default prints it and, for
// a message that is not a request, makes the actor quit; a node must not
// lose its registry or its link to the cluster to one stray message (an
// answer to a plain send, a late reply from a thawed peer).
#pragma once

#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/message_view.hpp>
#include <caf/result.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/sec.hpp>

namespace parley {

inline caf::result<caf::message> drop_unexpected(caf::scheduled_actor* self,
                                                 caf::message_view&) {
  if (self->current_message_id().is_request())
    return caf::sec::unexpected_message;
  return caf::make_message();
}

} // namespace parley
