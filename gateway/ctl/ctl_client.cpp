// `parley ctl`'s link to a node (see ctl_client.hpp).
#include "gateway/ctl/ctl_client.hpp"

#include <chrono>
#include <optional>
#include <set>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "actors/cluster/cluster_node.hpp"
#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

namespace parley::ctl {

namespace {

std::string where(const ctl_options& opts) {
  return opts.host + ":" + std::to_string(opts.port);
}

/// The link settings of the cluster as ctl needs them: TLS files only.
cluster_settings link_settings(const ctl_options& opts) {
  cluster_settings settings;
  settings.ca_file = opts.ca_file;
  settings.cert_file = opts.cert_file;
  settings.key_file = opts.key_file;
  return settings;
}

std::string render_error(caf::actor_system& sys, const caf::error& err) {
  if (err == caf::sec::request_timeout) return "no answer in time";
  if (err.category() == parley_error_atom::value) return message_of(err);
  return sys.render(err);
}

/// The command as a message to the admin actor.
caf::message request_of(const ctl_options& opts) {
  switch (opts.what) {
  case command::status:
    return caf::make_message(status_atom::value);
  case command::cluster:
    return caf::make_message(cluster_atom::value);
  case command::user:
    return caf::make_message(user_atom::value, opts.username);
  case command::disconnect:
    return caf::make_message(kick_atom::value, opts.username);
  case command::drain:
    return caf::make_message(drain_atom::value);
  case command::metrics:
    break;
  }
  return caf::make_message(metrics_atom::value);
}

} // namespace

std::variant<std::string, ctl_failure> ask_node(const ctl_options& opts) {
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::parley>();
  auto settings = link_settings(opts);
  configure_cluster_links(cfg, settings);
  cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{cfg};
  auto tls = !opts.ca_file.empty();
  auto connector = tls ? sys.openssl_manager().actor_handle()
                       : sys.middleman().actor_handle();
  auto timeout = std::chrono::seconds(opts.timeout_seconds);
  caf::scoped_actor self{sys};
  std::optional<std::string> failure;
  caf::actor published;
  self->request(connector, timeout, caf::connect_atom::value, opts.host,
                opts.port)
      .receive(
          [&](const caf::node_id&, caf::strong_actor_ptr& ptr,
              const std::set<std::string>&) {
            published = caf::actor_cast<caf::actor>(ptr);
          },
          [&](caf::error& err) {
            failure = "cannot reach a cluster port at " + where(opts) + ": " +
                      render_error(sys, err) +
                      ". --node takes a node's --cluster-listen address; a "
                      "node without cluster mode (e.g. on SQLite) has none: "
                      "use its HTTP admin view (GET /admin/node on "
                      "--admin-listen)";
          });
  if (!published)
    return ctl_failure{failure.value_or("nothing is published at " +
                                        where(opts) +
                                        ": not a Parley cluster port")};
  caf::actor admin;
  self->request(published, timeout, admin_atom::value)
      .receive([&](caf::actor& found) { admin = std::move(found); },
               [&](caf::error& err) {
                 failure = "no admin actor answers at " + where(opts) + " (" +
                           render_error(sys, err) + ")";
               });
  if (!admin)
    return ctl_failure{
        failure.value_or("no admin actor answers at " + where(opts))};
  std::variant<std::string, ctl_failure> result =
      ctl_failure{"no answer from " + where(opts)};
  self->request(admin, timeout, request_of(opts))
      .receive([&](std::string& answer) { result = std::move(answer); },
               [&](caf::error& err) {
                 result = ctl_failure{render_error(sys, err)};
               });
  return result;
}

} // namespace parley::ctl
