// How a node keeps track of its actors: how many of each kind are alive
// (parley_actors), the messages no handler took (logged and counted, the
// actor lives on) and the actors that ended abnormally while another one
// watched them (logged with the reason and counted).
#pragma once

#include <string>

#include <caf/actor_addr.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/scheduled_actor.hpp>

#include "actors/metrics/node_metrics.hpp"

namespace parley {

/// Counts `self` as a live actor of `kind` until it terminates, and makes
/// it log, count and drop (or, for a request, refuse) what no handler
/// takes. Call first thing in the actor's behaviour function.
void enter_census(caf::scheduled_actor* self, metrics::actor_kind kind);

/// The log line for an unexpected message: the content and the sender. For
/// the hashing actors, whose messages carry passwords, only the types of
/// the content (and its atoms) appear.
std::string unexpected_message_line(caf::actor_system& sys,
                                    metrics::actor_kind kind,
                                    const caf::type_erased_tuple& content,
                                    const caf::strong_actor_ptr& sender);

/// Whether an exit reason says something went wrong: neither normal nor
/// user_shutdown.
bool is_abnormal(const caf::error& reason);

/// An actor `self` watches (monitor or link) ended: when abnormally, logs
/// the source and reason and counts it for `kind` (the watcher's). True
/// when it was abnormal.
bool note_exit(caf::local_actor* self, metrics::actor_kind kind,
               const caf::actor_addr& source, const caf::error& reason);

} // namespace parley
