// Password hashing in a helper process: the node's own executable, started
// with hash_helper_flag, in a session of its own at the lowest CPU
// priority, answering argon2id requests over a socket.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace parley {

/// The helper's nice value, for its session (autogroup) and its thread.
/// What keeps messages fast is mostly the session of its own: Linux
/// schedules a session as one unit, so a waking message thread no longer
/// waits behind the helper's use of the node's share. The nice value then
/// decides the rest. Measured in one run, 150 logins in flight next to a
/// 1,000 msgs/s stream (bench/README.md, "Logins next to messages"): the
/// stream's p99 rose 1.3-1.8x at nice 10 and 2.3-2.4x at nice 5, at the
/// same login rate on an otherwise idle machine. At 19 (and SCHED_IDLE)
/// a helper got ~1 % of a busy machine, and sign-ups in the test suite,
/// on two cores shared with a compiler, took longer than a client waits
/// (10 s); at 10 that suite ran 3.4x slower than with hashing inside the
/// node, at 5 2.2x: a busy node serves logins more slowly, by design.
inline constexpr int hash_helper_nice = 10;

/// argv[1] that turns the node's executable into a hashing helper.
inline constexpr const char* hash_helper_flag = "--hash-helper";

/// For main(), before anything else: when argv asks for a helper, serves
/// requests until the node closes the socket and returns the exit status;
/// nullopt otherwise.
std::optional<int> run_hash_helper_if_asked(int argc, char** argv);

/// argon2id hash of `password` on the calling thread; "" without memory.
std::string argon2id_hash(const std::string& password);

/// Whether `password` matches the argon2id `hash`, on the calling thread.
bool argon2id_verify(const std::string& hash, const std::string& password);

/// One helper process and the socket to it: blocking calls, one at a time,
/// from the thread that started it (the helper dies with that thread).
class hash_helper {
public:
  /// Starts `executable` as a helper; null (and `error`) when it cannot.
  static std::unique_ptr<hash_helper> start(const std::string& executable,
                                            std::string& error);

  /// Kills the helper and reaps it.
  ~hash_helper();
  hash_helper(const hash_helper&) = delete;
  hash_helper& operator=(const hash_helper&) = delete;

  /// argon2id hash of `password` ("" without memory); nullopt when the
  /// helper is gone or the call was interrupted.
  std::optional<std::string> hash(const std::string& password);

  /// Whether `password` matches `hash`; nullopt as for hash().
  std::optional<bool> verify(const std::string& hash,
                             const std::string& password);

  /// Makes a call blocked on this helper return nullopt; any thread.
  void interrupt();

  /// The helper's process id.
  pid_t pid() const { return pid_; }

private:
  hash_helper(pid_t pid, int fd)
      : pid_(pid)
      , fd_(fd) {}

  pid_t pid_;
  int fd_;
};

} // namespace parley
