// The registry samples its own mailbox (parley_registry_mailbox_messages):
// run on CAF's test coordinator, one message at a time, so that the depth
// it sees is known exactly.
#include <caf/all.hpp>
#include <doctest/doctest.h>

#include "actors/metrics/node_metrics.hpp"
#include "actors/registry.hpp"
#include "proto/type_ids.hpp"

using namespace parley;

namespace {

struct testing_config : caf::actor_system_config {
  testing_config() {
    add_message_types<caf::id_block::parley>();
    set("scheduler.policy", caf::atom("testing"));
  }
};

struct coordinator_fixture {
  testing_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched =
      dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
};

/// A committed message for a user with no connection here: the registry
/// routes it nowhere, which is all this test needs of it.
chat_message offline_message(message_id id) {
  chat_message msg;
  msg.id = id;
  msg.sender_id = 1;
  msg.recipient_id = 2;
  msg.content = "for nobody online";
  return msg;
}

} // namespace

TEST_CASE_FIXTURE(coordinator_fixture,
                  "the registry's mailbox gauge shows the messages still "
                  "queued behind every eighth routing message") {
  // No writer, reader or cluster: routing to an offline user needs none.
  auto registry =
      sys.spawn(registry_impl, writer_actor{}, reader_actor{}, caf::actor{});
  sched.run();
  auto& gauge = metrics::node().registry_mailbox;
  gauge.set(-1);
  for (message_id id = 1; id <= 20; ++id)
    caf::anon_send(registry, route_atom::value, offline_message(id),
                   session_actor{});
  for (int handled = 1; handled <= 7; ++handled)
    sched.run_once();
  CHECK(gauge.value() == -1); // not sampled yet
  sched.run_once();
  CHECK(gauge.value() == 12); // sampled while handling the 8th
  sched.run();
  CHECK(gauge.value() == 4); // the 16th saw four behind it
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
  sched.run();
}
