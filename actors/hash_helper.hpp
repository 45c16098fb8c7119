// Password hashing in a helper process: the node's own executable, started
// with hash_helper_flag, in a session of its own at the lowest CPU
// priority, answering argon2id requests over a socket.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace parley {

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
