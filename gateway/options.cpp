// Command-line parsing: strict, with one-line errors that name the flag.
#include "gateway/options.hpp"

#include <charconv>
#include <limits>
#include <string_view>

namespace parley {

namespace {

/// Parses a whole decimal string into [min, max]; nullopt otherwise.
std::optional<std::int64_t> parse_integer(std::string_view text,
                                          std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
      value < min || value > max)
    return std::nullopt;
  return value;
}

/// HOST:PORT with an IPv4 address or name; [v6]:PORT is also accepted.
bool parse_listen(std::string_view text, options& out) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  auto host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = parse_integer(text.substr(colon + 1), 0, 65535);
  if (!port) return false;
  out.listen_host = std::string{host};
  out.listen_port = static_cast<std::uint16_t>(*port);
  return true;
}

bool valid_db_url(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    return url.substr(0, prefix.size()) == prefix;
  };
  if (starts("sqlite:")) return url.size() > 7;
  return starts("postgresql://") || starts("postgres://");
}

} // namespace

std::string usage_text() {
  return R"(Usage: parley [options]

Parley chat node: HTTP API and WebSocket messaging on one port.

Options:
  --listen HOST:PORT         address to serve on (default 127.0.0.1:8080;
                             port 0 picks a free port)
  --db URL                   sqlite:PATH (default sqlite:var/parley.db) or
                             postgresql://user[:password]@host[:port]/dbname
  --token-key-file PATH      file with 64 hex characters (32-byte token key);
                             without it a random key is made and tokens do
                             not survive a restart
  --token-ttl SECONDS        lifetime of access tokens (default 86400)
  --max-content-bytes N      largest message content in UTF-8 bytes
                             (default 4096)
  --max-frame-bytes N        largest WebSocket message; larger ones close
                             the connection with 1009 (default 65536)
  --net-threads N            threads serving sockets (default 1)
  --actor-threads N          CAF scheduler threads (default 2)
  --hash-workers N           concurrent password hashes (default 2)
  --max-pending-frames N     frames all sessions may have unanswered before
                             the node stops reading from clients (default
                             4096)
  --help                     show this text
)";
}

std::variant<options, help_requested, std::string> parse_options(int argc,
                                                                 char** argv) {
  options result;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    std::string_view value;
    if (auto eq = flag.find('=');
        flag.substr(0, 2) == "--" && eq != std::string_view::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (flag != "--help" && flag != "-h") {
      if (i + 1 >= argc) return "missing value for " + std::string{flag};
      value = argv[++i];
    }
    auto bad = [&](const char* what) {
      return "invalid value '" + std::string{value} + "' for " +
             std::string{flag} + ": " + what;
    };
    auto count = [&](std::int64_t min,
                     std::int64_t max) -> std::optional<std::int64_t> {
      return parse_integer(value, min, max);
    };
    if (flag == "--help" || flag == "-h") return help_requested{};
    if (flag == "--listen") {
      if (!parse_listen(value, result))
        return bad("expected HOST:PORT with PORT in 0-65535");
    } else if (flag == "--db") {
      if (!valid_db_url(value))
        return bad("expected sqlite:PATH or postgresql://...");
      result.db_url = std::string{value};
    } else if (flag == "--token-key-file") {
      if (value.empty()) return bad("expected a path");
      result.token_key_file = std::string{value};
    } else if (flag == "--token-ttl") {
      auto n = count(1, std::int64_t{10} * 365 * 86400);
      if (!n) return bad("expected seconds, 1 to 10 years");
      result.token_ttl_seconds = *n;
    } else if (flag == "--max-content-bytes") {
      auto n = count(1, 1024 * 1024);
      if (!n) return bad("expected bytes, 1 to 1048576");
      result.max_content_bytes = static_cast<std::size_t>(*n);
    } else if (flag == "--max-frame-bytes") {
      auto n = count(256, 16 * 1024 * 1024);
      if (!n) return bad("expected bytes, 256 to 16777216");
      result.max_frame_bytes = static_cast<std::size_t>(*n);
    } else if (flag == "--net-threads" || flag == "--actor-threads" ||
               flag == "--hash-workers") {
      auto n = count(1, 64);
      if (!n) return bad("expected a count, 1 to 64");
      auto& field = flag == "--net-threads"     ? result.net_threads
                    : flag == "--actor-threads" ? result.actor_threads
                                                : result.hash_workers;
      field = static_cast<std::size_t>(*n);
    } else if (flag == "--max-pending-frames") {
      auto n = count(1, 1000000);
      if (!n) return bad("expected a count, 1 to 1000000");
      result.max_pending_frames = static_cast<std::size_t>(*n);
    } else {
      return "unknown option " + std::string{flag} + " (see --help)";
    }
  }
  return result;
}

} // namespace parley
