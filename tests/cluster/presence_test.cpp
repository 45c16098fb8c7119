// users.status across nodes: online while any node holds a connection of
// the user, offline once none does, also when the node that held it dies.
#include <csignal>
#include <thread>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/integration/db_rows.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// Polls `user`'s presence rows until they are exactly `nodes`.
bool await_presence(db_rows& db, std::int64_t user,
                    const std::vector<std::string>& nodes) {
  auto deadline = std::chrono::steady_clock::now() + membership_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (db.presence_nodes(user) == nodes) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

} // namespace

TEST_CASE("a user stays online while a connection on any node remains") {
  test_cluster cluster{2};
  db_rows db{cluster.db_url()};
  auto alice = cluster.make_user(0, "alice");
  auto on_0 = cluster.connect(0, alice);
  auto on_1 = cluster.connect(1, alice);
  REQUIRE(await_presence(db, alice.id, {"node0", "node1"}));
  CHECK(db.user_status(alice.id) == "online");
  on_0->close();
  REQUIRE(await_presence(db, alice.id, {"node1"}));
  CHECK(db.user_status(alice.id) == "online");
  on_1->close();
  REQUIRE(await_presence(db, alice.id, {}));
  CHECK(db.user_status(alice.id) == "offline");
}

TEST_CASE("the users of a node killed with SIGKILL go offline") {
  test_cluster cluster{3};
  db_rows db{cluster.db_url()};
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(0, "bob");
  auto alice_ws = cluster.connect(2, alice);
  auto bob_2 = cluster.connect(2, bob);
  auto bob_1 = cluster.connect(1, bob);
  REQUIRE(await_presence(db, alice.id, {"node2"}));
  REQUIRE(await_presence(db, bob.id, {"node1", "node2"}));
  cluster.signal(2, SIGKILL);
  CHECK(await_presence(db, alice.id, {}));
  CHECK(db.user_status(alice.id) == "offline");
  CHECK(await_presence(db, bob.id, {"node1"}));
  CHECK(db.user_status(bob.id) == "online");
}
