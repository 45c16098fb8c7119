#include "gateway/admin/process_stats.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace parley::admin {

namespace {

/// The fields of /proc/self/stat after the command name (which may hold
/// spaces and parentheses): field 3 of proc(5) comes first.
std::vector<std::string> stat_fields() {
  std::ifstream in{"/proc/self/stat"};
  std::string text{std::istreambuf_iterator<char>{in},
                   std::istreambuf_iterator<char>{}};
  auto close = text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest{text.substr(close + 1)};
  std::vector<std::string> fields;
  for (std::string field; rest >> field;)
    fields.push_back(field);
  return fields;
}

/// The boot time in seconds since the epoch (/proc/stat "btime").
double boot_time() {
  std::ifstream in{"/proc/stat"};
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double seconds = 0;
      in >> seconds;
      return seconds;
    }
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

std::int64_t open_fds() {
  std::error_code ec;
  std::int64_t count = 0;
  for (std::filesystem::directory_iterator i{"/proc/self/fd", ec}, end;
       !ec && i != end; i.increment(ec))
    ++count;
  return ec ? -1 : count;
}

} // namespace

void write_process_metrics(prometheus_text& out) {
  auto fields = stat_fields();
  // proc(5) numbers fields from 1; fields[0] is field 3 (state).
  auto field = [&](std::size_t number) -> double {
    return number - 3 < fields.size() ? std::stod(fields[number - 3]) : -1;
  };
  auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  auto page = static_cast<double>(sysconf(_SC_PAGESIZE));
  if (fields.size() >= 22) {
    out.family("process_cpu_seconds_total",
               "Total user and system CPU time spent in seconds.", "counter");
    out.sample("process_cpu_seconds_total", (field(14) + field(15)) / ticks);
    out.family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
               "gauge");
    out.sample("process_virtual_memory_bytes", field(23));
    out.family("process_resident_memory_bytes",
               "Resident memory size in bytes.", "gauge");
    out.sample("process_resident_memory_bytes", field(24) * page);
    if (auto boot = boot_time(); boot > 0) {
      out.family("process_start_time_seconds",
                 "Start time of the process since unix epoch in seconds.",
                 "gauge");
      out.sample("process_start_time_seconds", boot + field(22) / ticks);
    }
  }
  if (auto fds = open_fds(); fds >= 0)
    out.gauge("process_open_fds", "Number of open file descriptors.", fds);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
    out.gauge("process_max_fds", "Maximum number of open file descriptors.",
              static_cast<std::int64_t>(limit.rlim_cur));
}

} // namespace parley::admin
