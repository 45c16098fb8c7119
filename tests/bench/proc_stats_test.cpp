// /proc readers, on the test process itself and on text with known fields.
#include <algorithm>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>

#include "bench/proc_stats.hpp"

namespace {

using namespace parley::bench;

/// Burns CPU until this process has used `seconds` more of it.
void burn_cpu(double seconds) {
  auto until = own_cpu_seconds() + seconds;
  volatile std::uint64_t sink = 0;
  while (own_cpu_seconds() < until)
    for (int i = 0; i < 100000; ++i)
      sink = sink + i;
}

constexpr const char* sample_stat =
    "1234 (post gres: a) b) S 77 1234 1234 0 -1 4194560 100 0 0 0 "
    "250 30 12 8 20 0 1 0 100 1000000 500 18446744073709551615";

} // namespace

TEST_CASE("the test process has a resident set size") {
  auto rss = rss_kib(getpid());
  REQUIRE(rss);
  CHECK(*rss > 100);
}

TEST_CASE("CPU seconds of the test process grow while it computes") {
  auto before = cpu_seconds(getpid());
  REQUIRE(before);
  burn_cpu(0.1);
  auto after = cpu_seconds(getpid());
  REQUIRE(after);
  CHECK(*after - *before >= 0.05); // clock ticks are 10 ms
  CHECK(own_cpu_seconds() >= *after - 0.02);
}

TEST_CASE("a tree's CPU includes children that have exited and been reaped") {
  auto before = tree_cpu_seconds(getpid());
  REQUIRE(before);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    burn_cpu(0.2);
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  auto after = tree_cpu_seconds(getpid());
  REQUIRE(after);
  CHECK(*after - *before >= 0.15);
}

TEST_CASE("a tree's CPU includes live children") {
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    burn_cpu(0.2);
    if (write(ready[1], "x", 1) != 1) _exit(1);
    pause(); // stays alive until killed
    _exit(0);
  }
  char byte;
  REQUIRE(read(ready[0], &byte, 1) == 1);
  auto own = cpu_seconds(getpid());
  auto tree = tree_cpu_seconds(getpid());
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(ready[0]);
  close(ready[1]);
  REQUIRE(own);
  REQUIRE(tree);
  CHECK(*tree - *own >= 0.15);
}

TEST_CASE("a process that does not exist has no figures") {
  constexpr int no_such_pid = 0x3fffffff; // above pid_max
  CHECK_FALSE(rss_kib(no_such_pid));
  CHECK_FALSE(cpu_seconds(no_such_pid));
  CHECK_FALSE(tree_cpu_seconds(no_such_pid));
}

TEST_CASE("stat fields are counted from the last parenthesis") {
  auto stat = parse_stat(sample_stat);
  REQUIRE(stat);
  CHECK(stat->pid == 1234);
  CHECK(stat->ppid == 77);
  CHECK(stat->utime == 250);
  CHECK(stat->stime == 30);
  CHECK(stat->cutime == 12);
  CHECK(stat->cstime == 8);
}

TEST_CASE("malformed stat text is rejected") {
  CHECK_FALSE(parse_stat(""));
  CHECK_FALSE(parse_stat("1234 (x"));
  CHECK_FALSE(parse_stat("abc (x) S 1 2 3"));
  CHECK_FALSE(parse_stat("1234 (x) S 77 1 1 0 -1 4194560 100 0 0 0 250"));
  CHECK_FALSE(parse_stat("1234 (x) S 77 1 1 0 -1 4194560 100 0 0 0 2x0 30 "
                         "12 8 20"));
  CHECK_FALSE(parse_stat("1234 (x) S  77 1 1 0 -1 4194560 100 0 0 0 250 30 "
                         "12 8 20"));
}

TEST_CASE("VmRSS is read from status text and malformed lines are not") {
  CHECK(parse_vm_rss_kib("Name:\tx\nVmRSS:\t   5120 kB\nThreads:\t1\n") ==
        5120u);
  CHECK_FALSE(parse_vm_rss_kib("Name:\tx\n"));
  CHECK_FALSE(parse_vm_rss_kib("VmRSS:\t5120 MB\n"));
  CHECK_FALSE(parse_vm_rss_kib("VmRSS:\t  kB\n"));
  CHECK_FALSE(parse_vm_rss_kib("XVmRSS:\t5120 kB\n"));
}

TEST_CASE("descendants are found at every depth, and only those") {
  std::vector<std::pair<int, int>> parents{{10, 1},  {11, 10}, {12, 10},
                                           {13, 12}, {20, 1},  {21, 20}};
  auto found = descendants(10, parents);
  std::sort(found.begin(), found.end());
  CHECK(found == std::vector<int>{11, 12, 13});
  CHECK(descendants(21, parents).empty());
}
