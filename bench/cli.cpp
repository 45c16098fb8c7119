// parley-bench's command line: a table of options, each with a parser that
// reports a one-line error instead of throwing.
#include "bench/cli.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string_view>

namespace parley::bench {

namespace {

/// Parses one option value into the options; returns an error or "".
using value_parser =
    std::function<std::string(bench_options&, const std::string&)>;

struct option_spec {
  const char* name;
  bool takes_value;
  value_parser parse;
};

/// Whole-string unsigned integer in [min, max].
std::optional<std::uint64_t>
parse_unsigned(const std::string& text, std::uint64_t min, std::uint64_t max) {
  std::uint64_t value = 0;
  auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

/// Whole-string finite decimal number in [min, max].
std::optional<double> parse_number(const std::string& text, double min,
                                   double max) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])))
    return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (errno != 0 || end != text.c_str() + text.size()) return std::nullopt;
  if (!std::isfinite(value) || value < min || value > max) return std::nullopt;
  return value;
}

/// An option taking an unsigned count in [min, max].
template <class Field>
value_parser count_option(Field bench_options::*field, std::uint64_t min,
                          std::uint64_t max) {
  return [field, min, max](bench_options& o, const std::string& v) {
    auto n = parse_unsigned(v, min, max);
    if (!n)
      return "expects a whole number from " + std::to_string(min) + " to " +
             std::to_string(max) + ", got '" + v + "'";
    o.*field = static_cast<Field>(*n);
    return std::string{};
  };
}

/// An option taking seconds (fractions allowed) in [min, max].
value_parser seconds_option(double bench_options::*field, double min,
                            double max) {
  return [field, min, max](bench_options& o, const std::string& v) {
    auto s = parse_number(v, min, max);
    if (!s)
      return "expects seconds (a number >= " + std::to_string(min) +
             "), got '" + v + "'";
    o.*field = *s;
    return std::string{};
  };
}

/// The comma-separated entries of `v` ("" gives one empty entry).
std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> entries;
  std::size_t begin = 0;
  while (true) {
    auto comma = v.find(',', begin);
    if (comma == std::string::npos) {
      entries.push_back(v.substr(begin));
      return entries;
    }
    entries.push_back(v.substr(begin, comma - begin));
    begin = comma + 1;
  }
}

/// --server-pid PID[,PID...]: every node of a cluster.
std::string parse_server_pids(bench_options& o, const std::string& v) {
  std::vector<int> pids;
  for (const auto& entry : split_list(v)) {
    auto n = parse_unsigned(entry, 1, std::numeric_limits<int>::max());
    if (!n)
      return "expects a process id or a list PID,PID,..., got '" + v + "'";
    pids.push_back(static_cast<int>(*n));
  }
  if (pids.size() > max_targets)
    return "names more than " + std::to_string(max_targets) + " processes";
  o.server_pids = std::move(pids);
  return {};
}

/// An option taking a process id.
value_parser pid_option(std::optional<int> bench_options::*field) {
  return [field](bench_options& o, const std::string& v) {
    auto n = parse_unsigned(v, 1, std::numeric_limits<int>::max());
    if (!n) return "expects a process id, got '" + v + "'";
    o.*field = static_cast<int>(*n);
    return std::string{};
  };
}

/// Whether every character of `host` may appear in it: a name or IPv4
/// address, or (`bracketed`) an IPv6 address. Keeps a mistyped list such
/// as "h:1;h:2" from reading as the host "h:1;h".
bool plausible_host(const std::string& host, bool bracketed) {
  for (char c : host) {
    auto ok = bracketed ? std::isxdigit(static_cast<unsigned char>(c)) ||
                              c == ':' || c == '.'
                        : std::isalnum(static_cast<unsigned char>(c)) ||
                              c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return !host.empty();
}

/// One HOST:PORT (IPv6 as [HOST]:PORT); nullopt when malformed.
std::optional<target_address> parse_address(const std::string& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  auto host = v.substr(0, colon);
  bool bracketed =
      host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  auto port = parse_unsigned(v.substr(colon + 1), 1, 65535);
  if (!plausible_host(host, bracketed) || !port) return std::nullopt;
  return target_address{host == "localhost" ? "127.0.0.1" : host,
                        static_cast<std::uint16_t>(*port)};
}

std::string parse_target(bench_options& o, const std::string& v) {
  auto address = parse_address(v);
  if (!address) return "expects HOST:PORT, got '" + v + "'";
  o.targets = {*address};
  return {};
}

/// HOST:PORT,HOST:PORT,... with no empty entry; repeats are allowed (two
/// entries for one node put "different nodes" traffic on that node).
std::string parse_targets(bench_options& o, const std::string& v) {
  std::vector<target_address> targets;
  for (const auto& entry : split_list(v)) {
    auto address = parse_address(entry);
    if (!address)
      return "expects HOST:PORT,HOST:PORT,..., got '" + entry + "' in '" + v +
             "'";
    targets.push_back(*address);
  }
  if (targets.size() > max_targets)
    return "names " + std::to_string(targets.size()) + " nodes, at most " +
           std::to_string(max_targets);
  o.targets = std::move(targets);
  return {};
}

std::string parse_prefix(bench_options& o, const std::string& v) {
  if (v.size() > max_user_prefix_chars)
    return "is longer than " + std::to_string(max_user_prefix_chars) +
           " characters";
  for (char c : v) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
              c == '.' || c == '-';
    if (!ok) return "may only hold A-Z a-z 0-9 _ . -, got '" + v + "'";
  }
  o.user_prefix = v;
  return {};
}

const std::vector<option_spec>& option_table() {
  using o = bench_options;
  constexpr std::uint64_t big = 10'000'000;
  static const std::vector<option_spec> table{
      {"target", true, parse_target},
      {"targets", true, parse_targets},
      {"users", true, count_option(&o::users, 2, big)},
      {"conns-per-user", true,
       count_option(&o::conns_per_user, 1, max_conns_per_user)},
      {"users-file", true,
       [](o& opts, const std::string& v) {
         if (v.empty()) return std::string{"expects a path"};
         opts.users_file = v;
         return std::string{};
       }},
      {"signup-parallelism", true,
       count_option(&o::signup_parallelism, 1, 1024)},
      {"connect-parallelism", true,
       count_option(&o::connect_parallelism, 1, 100'000)},
      {"user-prefix", true, parse_prefix},
      {"source-addresses", true, count_option(&o::source_addresses, 1, 254)},
      {"server-pid", true, parse_server_pids},
      {"db-pid", true, pid_option(&o::db_pid)},
      {"warmup", true, seconds_option(&o::warmup_s, 0, 86400)},
      {"window", true, seconds_option(&o::window_s, 0.001, 86400)},
      {"inflight", true, count_option(&o::inflight, 1, 1'000'000)},
      {"pairing", true,
       [](o& opts, const std::string& v) {
         if (v == "pairs")
           opts.pairing = pairing_kind::pairs;
         else if (v == "random")
           opts.pairing = pairing_kind::random;
         else
           return "expects pairs or random, got '" + v + "'";
         return std::string{};
       }},
      {"rate", true,
       [](o& opts, const std::string& v) {
         auto r = parse_number(v, 0, 1e9);
         if (!r || *r <= 0)
           return "expects messages per second (> 0), got '" + v + "'";
         opts.rate_per_s = *r;
         return std::string{};
       }},
      {"login-burst", true, count_option(&o::login_burst, 0, 10'000)},
      {"hold", true, seconds_option(&o::hold_s, 0, 86400)},
      {"drain", true, seconds_option(&o::drain_s, 0, 86400)},
      {"db-url", true,
       [](o& opts, const std::string& v) {
         if (v.rfind("postgresql://", 0) != 0 && v.rfind("postgres://", 0) != 0)
           return "expects a postgresql:// URL, got '" + v + "'";
         opts.db_url = v;
         return std::string{};
       }},
      {"protocol", true,
       [](o& opts, const std::string& v) {
         if (v == "parley")
           opts.protocol = protocol_kind::parley;
         else if (v == "seed")
           opts.protocol = protocol_kind::seed;
         else
           return "expects parley or seed, got '" + v + "'";
         return std::string{};
       }},
      {"ack-every", true, count_option(&o::ack_every, 0, 1'000'000)},
      {"quiet", false,
       [](o& opts, const std::string&) {
         opts.quiet = true;
         return std::string{};
       }},
  };
  return table;
}

const option_spec* find_option(std::string_view name) {
  for (auto& spec : option_table())
    if (name == spec.name) return &spec;
  return nullptr;
}

parse_result failure(std::string message) {
  parse_result result;
  result.error = std::move(message);
  return result;
}

} // namespace

parse_result parse_command_line(const std::vector<std::string>& args) {
  for (auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      parse_result result;
      result.help = true;
      return result;
    }
  if (args.empty()) return failure("missing MODE (conns, throughput or rate)");
  bench_options opts;
  // --target and --targets both set the list; naming both is a mistake
  // whichever comes last.
  bool single_target = false, several_targets = false;
  if (args[0] == "conns")
    opts.mode = bench_mode::conns;
  else if (args[0] == "throughput")
    opts.mode = bench_mode::throughput;
  else if (args[0] == "rate")
    opts.mode = bench_mode::rate;
  else
    return failure("unknown MODE '" + args[0] +
                   "' (expected conns, throughput or rate)");
  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg.rfind("--", 0) != 0)
      return failure("unexpected argument '" + arg + "'");
    auto name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const auto* spec = find_option(name);
    if (!spec) return failure("unknown option --" + name);
    if (spec->takes_value && !value) {
      if (i + 1 >= args.size()) return failure("--" + name + " needs a value");
      value = args[++i];
    }
    if (!spec->takes_value && value)
      return failure("--" + name + " takes no value");
    single_target |= name == "target";
    several_targets |= name == "targets";
    if (single_target && several_targets)
      return failure("give --target HOST:PORT or --targets "
                     "HOST:PORT,HOST:PORT,..., not both");
    if (auto err = spec->parse(opts, value.value_or("")); !err.empty())
      return failure("--" + name + " " + err);
  }
  if (opts.mode == bench_mode::rate && opts.rate_per_s <= 0)
    return failure("rate mode needs --rate R (messages per second)");
  if (opts.login_burst > 0 && opts.mode != bench_mode::rate)
    return failure("--login-burst applies to rate mode only");
  if (opts.ack_every > 0 && opts.protocol == protocol_kind::seed)
    return failure("--ack-every needs --protocol parley: the seed design has "
                   "no acks");
  parse_result result;
  result.options = std::move(opts);
  return result;
}

std::string usage_text() {
  return R"(Usage: parley-bench MODE [options]

Modes:
  conns        open USERS x C connections, hold them idle, check each is open
  throughput   closed loop: each user keeps at most --inflight messages in flight
  rate         open loop: --rate messages per second in total

Options (defaults in brackets):
  --target HOST:PORT        server to drive [127.0.0.1:8080]
  --targets H:P,H:P,...     nodes of one cluster: each user's connections
                            go to other nodes than its sender's first one
                            (bench/README.md, "Several nodes")
  --users U                 number of users, at least 2 [1000]
  --conns-per-user C        WebSocket connections per user, 1-64 [1]
  --users-file PATH         reuse users and tokens saved by an earlier run
  --signup-parallelism N    concurrent sign-ups and logins [8]
  --connect-parallelism N   concurrent WebSocket handshakes [64]
  --user-prefix P           username prefix [bench_]
  --source-addresses N      spread sources over 127.0.0.1..127.0.0.N [16]
  --server-pid PID[,PID...] measure the server's RSS and CPU (summed over
                            the processes, e.g. the nodes of --targets)
  --db-pid PID              measure the database's CPU (PID and descendants)
  --warmup S                seconds before the measuring window [2]
  --window S                seconds of the measuring window [10]
  --inflight W              throughput: messages in flight per user [10]
  --pairing pairs|random    pairs: 2k <-> 2k+1; random: any other user [pairs]
  --rate R                  rate: messages per second in total (required)
  --login-burst N           rate: N logins kept in flight during the window [0]
  --hold S                  conns: seconds to hold idle before checking [5]
  --drain S                 seconds to wait for outstanding messages [5]
  --db-url URL              postgresql:// URL: count rows in messages
  --protocol parley|seed    server dialect [parley]
  --ack-every N             parley: connect with ?acks=1 and a device per
                            connection, ack after every N incoming messages
                            and at the end; 0 = no acks [0]
  --quiet                   no progress and no table, only the JSON line
  --help                    this text

The last line of output is one JSON object with every figure. The exit
status is 1 when a message was lost, duplicated, reordered, corrupted or
misattributed, 2 when the run could not be made, 0 otherwise.
)";
}

const char* mode_name(bench_mode mode) {
  switch (mode) {
  case bench_mode::conns:
    return "conns";
  case bench_mode::throughput:
    return "throughput";
  case bench_mode::rate:
    return "rate";
  }
  return "?";
}

const char* pairing_name(pairing_kind pairing) {
  return pairing == pairing_kind::pairs ? "pairs" : "random";
}

const char* protocol_name(protocol_kind protocol) {
  return protocol == protocol_kind::parley ? "parley" : "seed";
}

std::string target_text(const target_address& target) {
  auto port = std::to_string(target.port);
  if (target.host.find(':') != std::string::npos)
    return "[" + target.host + "]:" + port;
  return target.host + ":" + port;
}

std::string targets_text(const std::vector<target_address>& targets) {
  std::string text;
  for (const auto& target : targets) {
    if (!text.empty()) text += ',';
    text += target_text(target);
  }
  return text;
}

} // namespace parley::bench
