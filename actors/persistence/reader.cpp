// The reader actor: thin adapter from requests to store queries.
#include "actors/persistence/reader.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include "actors/actor_census.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "actors/persistence/reply.hpp"
#include "proto/error_code.hpp"
#include "proto/limits.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = reader_actor::stateful_pointer<reader_state>;

} // namespace

reader_actor::behavior_type
reader_impl(self_pointer self, std::shared_ptr<persistence::store> db) {
  enter_census(self, metrics::actor_kind::reader);
  self->state.db = std::move(db);
  self->state.db->on_reconnect(
      [] { metrics::node().database_reconnects.add(); });
  return {
      [self](account_atom,
             const std::string& username) -> caf::result<account> {
        auto found = self->state.db->find_account(username);
        if (!found) return std::move(found.error());
        if (!*found) return make_error(error_code::not_found, "no such user");
        return std::move(**found);
      },
      [self](history_atom, user_id a, user_id b, message_id before,
             std::uint32_t limit) -> caf::result<std::vector<chat_message>> {
        auto cursor =
            before > 0 ? std::optional<message_id>{before} : std::nullopt;
        auto rows = std::min<std::size_t>(limit, limits::max_history_limit);
        return reply(self->state.db->conversation(a, b, cursor, rows));
      },
      [self](probe_atom) { return !self->state.db->probe(); },
      [self](last_atom, user_id user) -> caf::result<message_id> {
        return reply(self->state.db->last_message_of(user));
      },
      [self](backlog_atom, user_id user) -> caf::result<std::int64_t> {
        return reply(self->state.db->undelivered_count(user));
      },
      [self](replay_atom, user_id user, message_id after,
             std::uint32_t limit) -> caf::result<std::vector<chat_message>> {
        return reply(self->state.db->messages_after(user, after, limit));
      },
      [self](receipts_atom, user_id sender,
             std::uint32_t limit) -> caf::result<std::vector<receipt>> {
        return reply(self->state.db->receipts_for(sender, limit));
      },
      [self](inbox_atom, user_id user, message_id before, std::uint32_t limit)
          -> caf::result<std::vector<conversation_summary>> {
        auto cursor =
            before > 0 ? std::optional<message_id>{before} : std::nullopt;
        auto rows =
            std::min<std::size_t>(limit, limits::max_conversations_limit);
        return reply(self->state.db->conversations(user, cursor, rows));
      },
      [self](peers_atom, user_id user,
             std::uint32_t limit) -> caf::result<std::vector<user_id>> {
        auto rows = std::min<std::size_t>(limit, limits::max_presence_peers);
        return reply(self->state.db->conversation_peers(user, rows));
      },
      [self](search_atom, const std::string& prefix, user_id exclude,
             std::uint32_t limit) -> caf::result<std::vector<user_record>> {
        auto rows =
            std::min<std::size_t>(limit, limits::max_user_search_results);
        return reply(self->state.db->users_by_prefix(prefix, exclude, rows));
      },
  };
}

} // namespace parley
