// Resource use of processes, read from /proc: resident memory of one
// process, CPU time of one process or of a process tree (a PostgreSQL
// postmaster and its backends), and of parley-bench itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::bench {

/// The fields of /proc/PID/stat parley-bench uses, in clock ticks.
struct stat_fields {
  int pid = 0;
  int ppid = 0;
  std::uint64_t utime = 0;
  std::uint64_t stime = 0;
  std::uint64_t cutime = 0; ///< reaped children's user time
  std::uint64_t cstime = 0; ///< reaped children's system time
};

/// Parses the text of /proc/PID/stat; nullopt when it is malformed.
std::optional<stat_fields> parse_stat(std::string_view text);

/// The VmRSS line of /proc/PID/status text, in KiB; nullopt when absent.
std::optional<std::uint64_t> parse_vm_rss_kib(std::string_view text);

/// Resident set size of `pid` in KiB; nullopt when it cannot be read.
std::optional<std::uint64_t> rss_kib(int pid);

/// User plus system CPU seconds of `pid` (all its threads).
std::optional<double> cpu_seconds(int pid);

/// CPU seconds of `root` and every live descendant, plus what `root` has
/// reaped from exited children, so that backends that come and go during a
/// window are still counted.
std::optional<double> tree_cpu_seconds(int root);

/// The process ids that descend from `root`, given (pid, ppid) pairs.
std::vector<int> descendants(int root,
                             const std::vector<std::pair<int, int>>& parents);

/// User plus system CPU seconds this process has used so far.
double own_cpu_seconds();

} // namespace parley::bench
