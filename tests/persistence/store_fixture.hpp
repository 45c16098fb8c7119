// What every store test needs: a migrated store on a fresh database of the
// backend under test, and short ways to make users and messages.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include <doctest/doctest.h>

#include "persistence/store.hpp"
#include "proto/error_code.hpp"
#include "tests/support/test_database.hpp"

namespace doctest {

template <>
struct StringMaker<parley::error_code> {
  static String convert(parley::error_code x) { return parley::wire_code(x); }
};

} // namespace doctest

namespace parley::testing {

/// "code: message" of an error, for test failure output.
inline std::string describe(const caf::error& x) {
  return std::string{wire_code(code_of(x))} + ": " + message_of(x);
}

/// The value inside `x`; fails the test with the error otherwise.
template <class T>
T value_of(caf::expected<T> x) {
  REQUIRE_MESSAGE(x.engaged(), describe(x.error()));
  return std::move(*x);
}

/// The error inside `x`; fails the test when there is none.
template <class T>
caf::error error_of(caf::expected<T> x) {
  REQUIRE_FALSE(x.engaged());
  return std::move(x.error());
}

/// A fresh database with a store open on it.
struct store_fixture {
  test_database db;
  std::unique_ptr<persistence::store> store =
      value_of(persistence::open_store(db.url()));

  /// Registers `name` and returns its id.
  user_id add_user(const std::string& name) {
    auto id = value_of(store->create_user(name, "$argon2id$" + name)).id;
    names_[id] = name;
    return id;
  }

  /// A message about to be stored (id 0), with sent_at_ms derived from the
  /// content's length so that every field round-trips something distinct.
  chat_message draft(user_id sender, user_id recipient, std::string content,
                     std::string client_msg_id = {}) {
    chat_message result;
    result.sender_id = sender;
    result.sender_username = names_[sender];
    result.recipient_id = recipient;
    result.sent_at_ms =
        1700000000000 + static_cast<timestamp_ms>(content.size());
    result.content = std::move(content);
    result.client_msg_id = std::move(client_msg_id);
    return result;
  }

  /// Stores `batch` and returns the outcomes; fails the test on an error.
  std::vector<persistence::insert_outcome>
  insert(const std::vector<chat_message>& batch) {
    return value_of(store->insert_messages(batch));
  }

  /// Stores one message that must be accepted, returning it as stored.
  chat_message send(user_id sender, user_id recipient, std::string content,
                    std::string client_msg_id = {}) {
    auto outcomes = insert({draft(sender, recipient, std::move(content),
                                  std::move(client_msg_id))});
    REQUIRE_MESSAGE(!outcomes.at(0).error, describe(outcomes.at(0).error));
    return outcomes.at(0).message;
  }

private:
  std::map<user_id, std::string> names_;
};

/// The contents of `messages`, in order, for compact assertions.
inline std::vector<std::string>
contents(const std::vector<chat_message>& messages) {
  std::vector<std::string> result;
  for (const auto& message : messages)
    result.push_back(message.content);
  return result;
}

} // namespace parley::testing
