// /proc readers. /proc/PID/stat puts the command name in parentheses and
// the name may itself hold spaces and parentheses, so fields are counted
// from the last ')'.
#include "bench/proc_stats.hpp"

#include <charconv>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>

namespace parley::bench {

namespace {

/// Field numbers of proc(5), counting from 1 (pid) and 3 (state).
constexpr int field_ppid = 4;
constexpr int field_utime = 14;
constexpr int field_cstime = 17;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

template <class Number>
bool parse_number(std::string_view text, Number& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

double ticks_to_seconds(std::uint64_t ticks) {
  static const long ticks_per_second = sysconf(_SC_CLK_TCK);
  return static_cast<double>(ticks) / static_cast<double>(ticks_per_second);
}

/// (pid, ppid) of every process readable now.
std::vector<std::pair<int, int>> all_parents() {
  std::vector<std::pair<int, int>> parents;
  DIR* dir = opendir("/proc");
  if (!dir) return parents;
  while (auto* entry = readdir(dir)) {
    int pid = 0;
    if (!parse_number(std::string_view{entry->d_name}, pid)) continue;
    // Processes may vanish between readdir and the read: skip them.
    auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
    if (!text) continue;
    if (auto stat = parse_stat(*text))
      parents.emplace_back(stat->pid, stat->ppid);
  }
  closedir(dir);
  return parents;
}

std::optional<stat_fields> read_stat(int pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  return parse_stat(*text);
}

} // namespace

std::optional<stat_fields> parse_stat(std::string_view text) {
  stat_fields out;
  auto open = text.find(" (");
  auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos ||
      close < open || !parse_number(text.substr(0, open), out.pid))
    return std::nullopt;
  // After ") " comes field 3 (state); split the rest on single spaces.
  auto rest = text.substr(close + 1);
  int field = 2;
  std::size_t pos = 0;
  while (field < field_cstime) {
    if (pos >= rest.size() || rest[pos] != ' ') return std::nullopt;
    auto start = pos + 1;
    auto end = rest.find(' ', start);
    if (end == std::string_view::npos) end = rest.size();
    auto value = rest.substr(start, end - start);
    ++field;
    bool ok = true;
    if (field == field_ppid)
      ok = parse_number(value, out.ppid);
    else if (field == field_utime)
      ok = parse_number(value, out.utime);
    else if (field == field_utime + 1)
      ok = parse_number(value, out.stime);
    else if (field == field_utime + 2)
      ok = parse_number(value, out.cutime);
    else if (field == field_cstime)
      ok = parse_number(value, out.cstime);
    if (!ok || value.empty()) return std::nullopt;
    pos = end;
  }
  return out;
}

std::optional<std::uint64_t> parse_vm_rss_kib(std::string_view text) {
  constexpr std::string_view key = "VmRSS:";
  auto at = text.find(key);
  if (at == std::string_view::npos || (at > 0 && text[at - 1] != '\n'))
    return std::nullopt;
  auto line = text.substr(at + key.size());
  line = line.substr(0, line.find('\n'));
  auto digits_start = line.find_first_not_of(" \t");
  if (digits_start == std::string_view::npos) return std::nullopt;
  line.remove_prefix(digits_start);
  auto digits_end = line.find(' ');
  if (digits_end == std::string_view::npos || line.substr(digits_end) != " kB")
    return std::nullopt;
  std::uint64_t kib = 0;
  if (!parse_number(line.substr(0, digits_end), kib)) return std::nullopt;
  return kib;
}

std::optional<std::uint64_t> rss_kib(int pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/status");
  if (!text) return std::nullopt;
  return parse_vm_rss_kib(*text);
}

std::optional<double> cpu_seconds(int pid) {
  auto stat = read_stat(pid);
  if (!stat) return std::nullopt;
  return ticks_to_seconds(stat->utime + stat->stime);
}

std::vector<int> descendants(int root,
                             const std::vector<std::pair<int, int>>& parents) {
  std::vector<int> found;
  std::vector<int> frontier{root};
  // Breadth first; a pid is added once since every process has one parent.
  while (!frontier.empty()) {
    int parent = frontier.back();
    frontier.pop_back();
    for (auto [pid, ppid] : parents)
      if (ppid == parent && pid != root) {
        found.push_back(pid);
        frontier.push_back(pid);
      }
  }
  return found;
}

std::optional<double> tree_cpu_seconds(int root) {
  auto root_stat = read_stat(root);
  if (!root_stat) return std::nullopt;
  std::uint64_t ticks = root_stat->utime + root_stat->stime +
                        root_stat->cutime + root_stat->cstime;
  for (int pid : descendants(root, all_parents()))
    if (auto stat = read_stat(pid)) ticks += stat->utime + stat->stime;
  return ticks_to_seconds(ticks);
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

} // namespace parley::bench
