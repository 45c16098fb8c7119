// The admin actor (see admin.hpp). Requests that span the cluster go to
// every node's admin actor, this one's included, each with a short timeout:
// a node that does not answer in time is listed as unreachable, never left
// out, and a slow one cannot hold the operator's request for long.
#include "actors/admin/admin.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include <caf/all.hpp>

#include "actors/actor_census.hpp"
#include "actors/admin/admin_reports.hpp"
#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = caf::stateful_actor<admin_state>*;

/// The node's own actors answer at once unless they are busy (the writer
/// in a long commit).
constexpr auto local_timeout = std::chrono::seconds(2);

/// Each step to another node (its peers actor, then its admin actor).
constexpr auto peer_timeout = std::chrono::seconds(2);

template <class T>
using answers = std::vector<admin::node_answer<T>>;

std::string problem_of(const caf::error& err) {
  if (err == caf::sec::request_timeout) return "no answer in time";
  if (err.category() == parley_error_atom::value) return message_of(err);
  return caf::to_string(err);
}

/// Answers of every node to one request, handed on once the last is in.
template <class T>
struct gathering {
  answers<T> collected;
  std::size_t waiting = 0;
  std::function<void(answers<T>)> then;

  void add(admin::node_answer<T> x) {
    collected.push_back(std::move(x));
    done_one();
  }

  void done_one() {
    if (--waiting > 0) return;
    std::sort(collected.begin(), collected.end(),
              [](const auto& x, const auto& y) { return x.node < y.node; });
    then(std::move(collected));
  }
};

template <class T, class... Ts>
void ask_peer(self_pointer self, const std::string& name,
              const caf::actor& peer, std::shared_ptr<gathering<T>> all,
              Ts... request) {
  auto failed = [all, name](caf::error& err) {
    all->add({name, std::nullopt, problem_of(err)});
  };
  self->request(peer, peer_timeout, admin_atom::value)
      .then(
          [self, all, name, failed, request...](caf::actor& admin) {
            if (!admin) {
              all->add({name, std::nullopt, "no admin actor there"});
              return;
            }
            self->request(admin, peer_timeout, request...)
                .then(
                    [all, name](T& x) {
                      all->add({name, std::move(x), {}});
                    },
                    failed);
          },
          failed);
}

/// Sends `request` to the admin actor of every node, this one included,
/// and calls `then` with every node's answer, by node name. Members of the
/// table this node has no link to are listed as unreachable.
template <class T, class... Ts>
void ask_every_node(self_pointer self, std::function<void(answers<T>)> then,
                    Ts... request) {
  auto& config = self->state.config;
  auto all = std::make_shared<gathering<T>>();
  all->then = std::move(then);
  all->waiting = 2; // this node, and the list of peers
  auto me = config.node;
  self->request(caf::actor{self}, local_timeout, request...)
      .then(
          [all, me](T& x) {
            all->add({me, std::move(x), {}});
          },
          [all, me](caf::error& err) {
            all->add({me, std::nullopt, problem_of(err)});
          });
  if (!config.peers) {
    all->done_one();
    return;
  }
  self->request(config.peers, local_timeout, admin_atom::value,
                links_atom::value)
      .then(
          [self, all, request...](std::vector<std::string>& names,
                                  std::vector<caf::actor>& peers) {
            auto view = self->state.config.view->read();
            for (const auto& row : view.table)
              if (row.name != view.node && std::find(names.begin(), names.end(),
                                                     row.name) == names.end())
                all->collected.push_back(
                    {row.name, std::nullopt, "no link from this node"});
            all->waiting += names.size();
            for (std::size_t i = 0; i < names.size() && i < peers.size(); ++i)
              ask_peer<T>(self, names[i], peers[i], all, request...);
            all->done_one();
          },
          [all](caf::error&) { all->done_one(); });
}

admin::node_facts facts_of(self_pointer self) {
  auto& st = self->state;
  auto& config = st.config;
  auto view = config.view->read();
  admin::node_facts facts;
  facts.node = config.node;
  facts.version = config.version;
  facts.backend = config.backend;
  facts.cluster = view.enabled;
  facts.incarnation = view.incarnation;
  facts.started_at = st.started_at;
  facts.draining = config.hooks.draining();
  facts.connections = config.hooks.connections();
  facts.limits = config.hooks.limits();
  return facts;
}

caf::result<std::string> node_status(self_pointer self) {
  auto promise = self->make_response_promise<std::string>();
  self->request(self->state.config.actors.writer, local_timeout,
                status_atom::value)
      .then(
          [self, promise](std::string& writer) mutable {
            promise.deliver(admin::encode_node(facts_of(self), writer));
          },
          [self, promise](caf::error&) mutable {
            promise.deliver(admin::encode_node(facts_of(self), std::nullopt));
          });
  return promise;
}

caf::result<std::string> cluster_status(self_pointer self) {
  auto promise = self->make_response_promise<std::string>();
  ask_every_node<std::string>(
      self,
      [self, promise](answers<std::string> nodes) mutable {
        auto& view = *self->state.config.view;
        auto seen = view.read();
        if (!seen.enabled) seen.node = self->state.config.node;
        promise.deliver(
            admin::encode_cluster(seen, view.history.events(), nodes));
      },
      status_atom::value);
  return promise;
}

/// Looks the user up, then calls `found` with the account; an unknown
/// name answers not_found.
void with_account(self_pointer self, const std::string& username,
                  caf::response_promise promise,
                  std::function<void(account&)> found) {
  self->request(self->state.config.actors.reader, local_timeout,
                account_atom::value, username)
      .then([found](account& x) { found(x); },
            [promise, username](caf::error& err) mutable {
              if (code_of(err) == error_code::not_found)
                promise.deliver(make_error(error_code::not_found,
                                           "no user named " + username));
              else
                promise.deliver(std::move(err));
            });
}

caf::result<std::string> user_status(self_pointer self,
                                     const std::string& username) {
  auto promise = self->make_response_promise();
  with_account(self, username, promise, [self, promise](account& user) {
    auto id = user.id;
    auto name = user.username;
    self->request(self->state.config.actors.reader, local_timeout,
                  backlog_atom::value, id)
        .then(
            [self, promise, id, name](std::int64_t undelivered) {
              ask_every_node<std::string>(
                  self,
                  [promise, id, name,
                   undelivered](answers<std::string> nodes) mutable {
                    promise.deliver(
                        admin::encode_user(name, id, undelivered, nodes));
                  },
                  describe_atom::value, id);
            },
            [self, promise, id, name](caf::error&) {
              ask_every_node<std::string>(
                  self,
                  [promise, id, name](answers<std::string> nodes) mutable {
                    promise.deliver(
                        admin::encode_user(name, id, std::nullopt, nodes));
                  },
                  describe_atom::value, id);
            });
  });
  return promise;
}

caf::result<std::string> disconnect_user(self_pointer self,
                                         const std::string& username) {
  auto promise = self->make_response_promise();
  with_account(self, username, promise, [self, promise](account& user) {
    auto id = user.id;
    auto name = user.username;
    ask_every_node<std::uint32_t>(
        self,
        [promise, id, name](answers<std::uint32_t> nodes) mutable {
          promise.deliver(admin::encode_kick(name, id, nodes));
        },
        kick_atom::value, id);
  });
  return promise;
}

} // namespace

caf::behavior admin_impl(self_pointer self, admin_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.started_at = wall_clock_ms();
  enter_census(self, metrics::actor_kind::admin);
  return {
      [self](status_atom) { return node_status(self); },
      [self](cluster_atom) { return cluster_status(self); },
      [self](user_atom, const std::string& username) {
        return user_status(self, username);
      },
      [self](kick_atom, const std::string& username) {
        return disconnect_user(self, username);
      },
      [self](describe_atom, user_id user) {
        return self->delegate(self->state.config.actors.registry,
                              describe_atom::value, user);
      },
      [self](kick_atom, user_id user) {
        return self->delegate(self->state.config.actors.registry,
                              kick_atom::value, user);
      },
      [self](drain_atom) {
        auto& config = self->state.config;
        return admin::encode_drain(config.node, config.hooks.drain());
      },
      [self](metrics_atom) { return self->state.config.hooks.metrics_page(); },
  };
}

} // namespace parley
