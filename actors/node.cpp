// Spawning and stopping the actors of one node.
#include "actors/node.hpp"

#include <chrono>
#include <iostream>

#include <caf/all.hpp>

#include "actors/persistence/reader.hpp"
#include "actors/persistence/writer.hpp"
#include "actors/registry.hpp"
#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

/// Shutdown waits this long for the last commit before giving up.
constexpr auto drain_timeout = std::chrono::seconds(20);

} // namespace

node_actors spawn_node_actors(caf::actor_system& sys,
                              std::shared_ptr<persistence::store> writer_db,
                              std::shared_ptr<persistence::store> reader_db,
                              hashing_config hashing, caf::actor cluster) {
  node_actors result;
  auto shared_database = static_cast<bool>(cluster);
  result.writer = sys.spawn<caf::detached>(writer_impl, std::move(writer_db),
                                           shared_database);
  result.reader = sys.spawn<caf::detached>(reader_impl, std::move(reader_db));
  result.registry =
      sys.spawn(registry_impl, result.writer, result.reader, cluster);
  caf::anon_send(result.writer, result.registry);
  if (cluster) caf::anon_send(cluster, result.registry);
  result.hasher = sys.spawn(hashing_impl, hashing);
  return result;
}

session_actor spawn_session(caf::actor_system& sys, session_config config) {
  return sys.spawn(session_impl, std::move(config));
}

void stop_node_actors(caf::actor_system& sys, node_actors& actors) {
  caf::scoped_actor self{sys};
  // Confirmations of the last frames travel session → user → writer: the
  // user actors hand theirs on before the writer commits for the last time.
  self->request(actors.registry, drain_timeout, drain_atom::value)
      .receive([](bool) {}, [](caf::error&) {});
  self->request(actors.writer, drain_timeout, drain_atom::value)
      .receive([](bool) {},
               [](caf::error& err) {
                 std::cerr << "parley: final commit failed: " << message_of(err)
                           << std::endl;
               });
  self->send_exit(actors.registry, caf::exit_reason::user_shutdown);
  self->send_exit(actors.hasher, caf::exit_reason::user_shutdown);
  self->send_exit(actors.reader, caf::exit_reason::user_shutdown);
  self->send_exit(actors.writer, caf::exit_reason::user_shutdown);
}

} // namespace parley
