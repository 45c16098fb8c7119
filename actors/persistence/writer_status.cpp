// What the writer tells operators (see writer_status.hpp).
#include "actors/persistence/writer_status.hpp"

#include <algorithm>
#include <chrono>

#include "proto/json/compact_writer.hpp"

namespace parley {

std::string describe_writer(const writer_state& st, std::size_t mailbox) {
  json::detail::compact_writer out{512};
  out.open_object();
  out.member("mailbox", static_cast<std::int64_t>(mailbox));
  out.member("queued_messages", static_cast<std::int64_t>(st.stores.size()));
  out.member("database", st.outage.active ? "unavailable" : "ok");
  if (st.outage.active) {
    auto down = std::chrono::steady_clock::now() - st.outage.since;
    out.member(
        "unavailable_for_ms",
        std::chrono::duration_cast<std::chrono::milliseconds>(down).count());
    out.member("refused_meanwhile",
               static_cast<std::int64_t>(st.outage.refused));
    out.member("in_doubt",
               static_cast<std::int64_t>(st.outage.in_doubt.size()));
  }
  out.member("batches_committed",
             static_cast<std::int64_t>(st.last_batches.count));
  // Newest first: what an operator looks at first.
  out.open_array("last_batches");
  const auto& recent = st.last_batches;
  auto shown = std::min<std::uint64_t>(recent.count, recent_batches::size);
  for (std::uint64_t i = 1; i <= shown; ++i) {
    const auto& x = recent.ring[(recent.count - i) % recent_batches::size];
    out.open_object();
    out.member("at_ms", x.at);
    out.member("messages", static_cast<std::int64_t>(x.messages));
    out.member("commit_us", static_cast<std::int64_t>(x.commit_us));
    out.close_object();
  }
  out.close_array();
  out.close_object();
  return out.text();
}

} // namespace parley
