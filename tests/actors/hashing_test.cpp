// The hashing pool: real argon2id on detached workers, bounded queue.
#include <string>

#include <caf/all.hpp>
#include <doctest/doctest.h>

#include "actors/hashing.hpp"
#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

using namespace parley;

namespace {

struct parley_config : caf::actor_system_config {
  parley_config() { add_message_types<caf::id_block::parley>(); }
};

constexpr auto hashing_wait = std::chrono::seconds(30);

struct hashing_fixture {
  parley_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};

  std::string hash(hasher_actor& pool, const std::string& password) {
    std::string result;
    self->request(pool, hashing_wait, hash_atom::value, password)
        .receive([&](std::string& x) { result = std::move(x); },
                 [&](caf::error& err) { FAIL(to_string(err)); });
    return result;
  }

  bool verify(hasher_actor& pool, const std::string& hash,
              const std::string& password) {
    bool result = false;
    self->request(pool, hashing_wait, verify_atom::value, hash, password)
        .receive([&](bool x) { result = x; },
                 [&](caf::error& err) { FAIL(to_string(err)); });
    return result;
  }
};

} // namespace

TEST_CASE_FIXTURE(hashing_fixture,
                  "a hashed password verifies and a wrong one does not") {
  auto pool = sys.spawn(hashing_impl, hashing_config{1, 4});
  auto stored = hash(pool, "correct horse");
  CHECK(stored.rfind("$argon2id$", 0) == 0);
  CHECK(stored.find("correct horse") == std::string::npos);
  CHECK(verify(pool, stored, "correct horse"));
  CHECK_FALSE(verify(pool, stored, "correct horsf"));
  CHECK_FALSE(verify(pool, stored, ""));
  CHECK_FALSE(verify(pool, "not a hash", "correct horse"));
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(hashing_fixture,
                  "a full hashing queue answers overloaded instead of "
                  "growing") {
  // One worker busy, one job queued: the third request finds no room.
  auto pool = sys.spawn(hashing_impl, hashing_config{1, 1});
  for (int i = 0; i < 3; ++i)
    self->send(pool, hash_atom::value, std::string{"password"});
  int hashed = 0;
  int overloaded = 0;
  for (int i = 0; i < 3; ++i)
    self->receive([&](std::string&) { ++hashed; },
                  [&](caf::error& err) {
                    if (code_of(err) == error_code::overloaded) ++overloaded;
                  },
                  caf::after(hashing_wait) >> [] { FAIL("no answer"); });
  CHECK(hashed == 2);
  CHECK(overloaded == 1);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}
