// Hashing helpers. Why a process: Linux schedules each session (autogroup)
// or service (cgroup) as one entity, so argon2id on threads of the node,
// at whatever thread priority, spends the node's own share of the CPU and
// the message path waits behind it (measured on two cores during 150
// logins: message p99 ~0.7 s with the workers at normal priority, ~0.7 s at
// nice 19, ~1.2 s at SCHED_IDLE). The same work in a session of its own
// kept the stream's p99 within ~2x of its quiet value (bench/README.md,
// "Logins next to messages"). A process also keeps argon2id's 64 MiB
// mappings out of the node's address space.
//
// Protocol on the socket, one request at a time, native byte order (both
// ends are the same executable): a request is an op byte ('h' hash, 'v'
// verify) and length-prefixed fields (password; hash then password); the
// answer to 'h' is one field ("" without memory), to 'v' one byte (1 match).
#include "actors/hash_helper.hpp"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sodium.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace parley {

namespace {

/// The helper's end of the socket.
constexpr int helper_fd = 3;

/// How helpers show in ps and top.
constexpr const char* helper_name = "parley-hasher";

/// Fields are passwords (at most limits::max_password_bytes) and hashes;
/// anything larger means the two ends disagree.
constexpr std::uint32_t max_field_bytes = 64 * 1024;

bool write_all(int fd, const void* data, std::size_t size) {
  auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    // MSG_NOSIGNAL: a dead helper is an error to handle, not a SIGPIPE.
    auto n = ::send(fd, bytes, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool read_all(int fd, void* data, std::size_t size) {
  auto* bytes = static_cast<char*>(data);
  while (size > 0) {
    auto n = ::read(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool write_field(int fd, const std::string& text) {
  auto size = static_cast<std::uint32_t>(text.size());
  return text.size() <= max_field_bytes && write_all(fd, &size, sizeof size) &&
         write_all(fd, text.data(), text.size());
}

bool read_field(int fd, std::string& text) {
  std::uint32_t size = 0;
  if (!read_all(fd, &size, sizeof size) || size > max_field_bytes) return false;
  text.resize(size);
  return read_all(fd, text.data(), size);
}

/// Lowers this process's session and its thread below the node's. Not
/// SCHED_IDLE: where the helper shares a cgroup with the node (a service
/// with CPU accounting), an idle thread's tiny load weight shrinks the
/// group's share of the CPU, which starved the node's own threads when
/// they hashed that way (p99 1.2 s against 0.67 s at normal priority).
/// Failures leave the priority as it is: the helper still works.
void lower_priority() {
  if (auto* group = std::fopen("/proc/self/autogroup", "w")) {
    std::fprintf(group, "%d", hash_helper_nice);
    std::fclose(group);
  }
  setpriority(PRIO_PROCESS, 0, hash_helper_nice);
}

/// Answers requests until the node closes the socket.
int serve(int fd) {
  for (;;) {
    char op = 0;
    if (!read_all(fd, &op, 1)) return 0; // the node is done with us
    std::string first;
    std::string second;
    if (!read_field(fd, first)) return 1;
    if (op == 'h') {
      if (!write_field(fd, argon2id_hash(first))) return 1;
    } else if (op == 'v') {
      if (!read_field(fd, second)) return 1;
      char match = argon2id_verify(first, second) ? 1 : 0;
      if (!write_all(fd, &match, 1)) return 1;
    } else {
      return 1;
    }
  }
}

} // namespace

std::optional<int> run_hash_helper_if_asked(int argc, char** argv) {
  if (argc != 3 || std::strcmp(argv[1], hash_helper_flag) != 0)
    return std::nullopt;
  // Die with the node's thread that started us, also on SIGKILL; a node
  // that died before this line is caught by the parent check.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != std::atoi(argv[2])) return 1;
  prctl(PR_SET_NAME, helper_name);
  // The node's sockets must not stay open in here.
  close_range(helper_fd + 1, ~0U, 0);
  setsid(); // a session of its own is a scheduling group of its own
  lower_priority();
  if (sodium_init() < 0) return 1;
  return serve(helper_fd);
}

std::string argon2id_hash(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return {};
  return out;
}

bool argon2id_verify(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(),
                                  password.size()) == 0;
}

std::unique_ptr<hash_helper> hash_helper::start(const std::string& executable,
                                                std::string& error) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    error = std::string("socketpair: ") + std::strerror(errno);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], helper_fd);
  // A clean signal state whatever the spawning thread had blocked.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t signals;
  sigemptyset(&signals);
  posix_spawnattr_setsigmask(&attributes, &signals);
  for (int signal : {SIGPIPE, SIGINT, SIGTERM})
    sigaddset(&signals, signal);
  posix_spawnattr_setsigdefault(&attributes, &signals);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  auto parent = std::to_string(getpid());
  std::string flag = hash_helper_flag;
  std::string name = helper_name;
  char* argv[] = {name.data(), flag.data(), parent.data(), nullptr};
  pid_t pid = -1;
  auto status = posix_spawn(&pid, executable.c_str(), &actions, &attributes,
                            argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(fds[1]);
  if (status != 0) {
    ::close(fds[0]);
    error = "cannot start " + executable + ": " + std::strerror(status);
    return nullptr;
  }
  return std::unique_ptr<hash_helper>(new hash_helper(pid, fds[0]));
}

hash_helper::~hash_helper() {
  ::close(fd_);
  ::kill(pid_, SIGKILL);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

std::optional<std::string> hash_helper::hash(const std::string& password) {
  char op = 'h';
  std::string result;
  if (!write_all(fd_, &op, 1) || !write_field(fd_, password) ||
      !read_field(fd_, result))
    return std::nullopt;
  return result;
}

std::optional<bool> hash_helper::verify(const std::string& hash,
                                        const std::string& password) {
  char op = 'v';
  char match = 0;
  if (!write_all(fd_, &op, 1) || !write_field(fd_, hash) ||
      !write_field(fd_, password) || !read_all(fd_, &match, 1))
    return std::nullopt;
  return match == 1;
}

void hash_helper::interrupt() {
  ::shutdown(fd_, SHUT_RDWR);
}

} // namespace parley
