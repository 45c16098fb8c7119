#include "actors/actor_census.hpp"

#include <cstddef>

#include <caf/actor_ostream.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/exit_reason.hpp>
#include <caf/local_actor.hpp>
#include <caf/type_erased_tuple.hpp>
#include <caf/type_nr.hpp>

#include "actors/unexpected_messages.hpp"

namespace parley {

namespace {

/// A log line names this much of a message at most: a stray message may be
/// big (a page of chat messages), and a log line should stay a line.
constexpr std::size_t max_logged_content = 300;

std::size_t index_of(metrics::actor_kind kind) {
  return static_cast<std::size_t>(kind);
}

/// The content as "(a, b, ...)": every element's value, or for the hashing
/// actors only the type names and atoms (a password never reaches a log).
std::string describe(caf::actor_system& sys, metrics::actor_kind kind,
                     const caf::type_erased_tuple& content) {
  if (kind != metrics::actor_kind::hashing) return content.stringify();
  std::string result = "(";
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (i > 0) result += ", ";
    auto type = content.type(i);
    if (type.first == caf::type_nr<caf::atom_value>::value)
      result += content.stringify(i);
    else
      result += sys.types().portable_name(type);
  }
  return result + ")";
}

std::string one_line(std::string text) {
  if (text.size() > max_logged_content) {
    text.resize(max_logged_content);
    text += "...";
  }
  for (auto& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

} // namespace

std::string unexpected_message_line(caf::actor_system& sys,
                                    metrics::actor_kind kind,
                                    const caf::type_erased_tuple& content,
                                    const caf::strong_actor_ptr& sender) {
  return std::string{"parley: "} + metrics::kind_label(kind) +
         " actor dropped an unexpected message from " +
         (sender ? caf::to_string(sender)
                 : std::string{"an anonymous sender"}) +
         ": " + one_line(describe(sys, kind, content));
}

void enter_census(caf::scheduled_actor* self, metrics::actor_kind kind) {
  auto& alive = metrics::node().actors[index_of(kind)];
  alive.add();
  self->attach_functor([&alive] { alive.sub(); });
  self->set_default_handler([kind](caf::scheduled_actor* me,
                                   caf::message_view& view) {
    metrics::node().unexpected_messages[index_of(kind)].add();
    caf::aout(me) << unexpected_message_line(me->system(), kind, view.content(),
                                             me->current_sender())
                  << std::endl;
    return drop_unexpected(me, view);
  });
}

bool is_abnormal(const caf::error& reason) {
  return reason && reason != caf::exit_reason::user_shutdown;
}

bool note_exit(caf::local_actor* self, metrics::actor_kind kind,
               const caf::actor_addr& source, const caf::error& reason) {
  if (!is_abnormal(reason)) return false;
  metrics::node().abnormal_exits[index_of(kind)].add();
  caf::aout(self) << "parley: " << metrics::kind_label(kind) << " actor saw "
                  << caf::to_string(source)
                  << " end abnormally: " << self->system().render(reason)
                  << std::endl;
  return true;
}

} // namespace parley
