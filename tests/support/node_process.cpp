// A parley node running as a child process: fork/exec with piped output,
// drained by threads, and a reaper that never leaves a zombie or an orphan.
#include "tests/support/node_process.hpp"

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace parley::testing {

namespace {

using clock_type = std::chrono::steady_clock;

/// What a ready node prints on stdout, followed by HOST:PORT.
constexpr std::string_view ready_prefix = "parley listening on ";

/// What it prints first when its admin listener runs.
constexpr std::string_view admin_prefix = "parley admin listening on ";

/// What a cluster node prints before it listens: "parley cluster node NAME
/// (incarnation N) links on HOST:PORT ...".
constexpr std::string_view cluster_prefix = "parley cluster node ";
constexpr std::string_view cluster_links = " links on ";

/// How often wait_exit looks for the exit; waitpid has no timeout.
constexpr std::chrono::milliseconds reap_poll_interval{5};

/// Adds `flag` 127.0.0.1:0 unless the arguments name it.
void add_default_address(std::vector<std::string>& args,
                         const std::string& flag) {
  for (const auto& arg : args)
    if (arg == flag || arg.rfind(flag + "=", 0) == 0) return;
  args.push_back(flag);
  args.emplace_back("127.0.0.1:0");
}

/// A free port for the node and for its admin listener: nodes of parallel
/// tests must not compete for the admin listener's default port.
std::vector<std::string>
with_default_listen(std::vector<std::string> args,
                    admin_address admin = admin_address::free_port) {
  if (!args.empty() && args.front() == "ctl") return args; // not a node
  add_default_address(args, "--listen");
  if (admin == admin_address::free_port)
    add_default_address(args, "--admin-listen");
  return args;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

/// The port in a "PREFIX HOST:PORT" line of `text`, if any.
std::optional<unsigned short>
listening_port(const std::string& text,
               std::string_view prefix = ready_prefix) {
  for (std::size_t begin = 0; begin < text.size();) {
    auto end = text.find('\n', begin);
    if (end == std::string::npos)
      return std::nullopt; // a line counts once it is complete
    auto line = std::string_view(text).substr(begin, end - begin);
    begin = end + 1;
    if (line.rfind(prefix, 0) != 0) continue;
    auto colon = line.rfind(':');
    if (colon == std::string_view::npos) continue;
    auto port = std::atoi(std::string(line.substr(colon + 1)).c_str());
    if (port > 0 && port < 65536) return static_cast<unsigned short>(port);
  }
  return std::nullopt;
}

/// The cluster port a cluster node announced, if it is one.
std::optional<unsigned short> cluster_link_port(const std::string& text) {
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(cluster_prefix, 0) != 0) continue;
    auto at = line.find(cluster_links);
    if (at == std::string::npos) continue;
    auto address = line.substr(at + cluster_links.size());
    address = address.substr(0, address.find(' '));
    auto colon = address.rfind(':');
    if (colon == std::string::npos) continue;
    auto port = std::atoi(address.c_str() + colon + 1);
    if (port > 0 && port < 65536) return static_cast<unsigned short>(port);
  }
  return std::nullopt;
}

/// The child and its two drain threads. `mutex` guards the output texts and
/// the end-of-file flags; the pid is only touched by the owning thread.
struct child_process {
  int pid = -1;
  std::optional<int> exit_code; ///< set once reaped
  mutable std::mutex mutex;
  std::condition_variable output_changed;
  std::string out_text;
  std::string err_text;
  bool out_closed = false;
  std::thread out_drain;
  std::thread err_drain;

  child_process() = default;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() { kill_and_reap(); }

  void spawn(const std::vector<std::string>& args);
  void drain(int fd, std::string& text, bool* closed);
  std::optional<int> reap(clock_type::time_point deadline);
  void kill_and_reap();
};

void child_process::spawn(const std::vector<std::string>& args) {
  auto binary = node_binary();
  // Everything the child needs is prepared before fork: between fork and
  // exec only async-signal-safe calls are allowed in a threaded process.
  std::vector<std::string> argv_text{binary};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  int out_pipe[2];
  int err_pipe[2];
  // O_CLOEXEC keeps these pipes out of other children, whose copies would
  // otherwise hold them open and hide this child's end of file.
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  auto parent = getpid();
  pid = fork();
  if (pid < 0) {
    auto error = errno;
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], null_fd})
      close(fd);
    throw std::runtime_error(std::string("fork: ") + std::strerror(error));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(127); // the parent died before prctl took effect
    dup2(null_fd, STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    execv(argv[0], argv.data());
    static constexpr char message[] = "node_process: exec failed\n";
    [[maybe_unused]] auto ignored =
        write(STDERR_FILENO, message, sizeof(message) - 1);
    _exit(127);
  }
  close(null_fd);
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_drain = std::thread(
      [this, fd = out_pipe[0]] { drain(fd, out_text, &out_closed); });
  err_drain =
      std::thread([this, fd = err_pipe[0]] { drain(fd, err_text, nullptr); });
}

void child_process::drain(int fd, std::string& text, bool* closed) {
  char buffer[4096];
  for (;;) {
    auto n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard<std::mutex> guard{mutex};
    if (n <= 0) {
      if (closed != nullptr) *closed = true;
      output_changed.notify_all();
      break;
    }
    text.append(buffer, static_cast<std::size_t>(n));
    output_changed.notify_all();
  }
  close(fd);
}

std::optional<int> child_process::reap(clock_type::time_point deadline) {
  while (!exit_code) {
    int status = 0;
    auto result = waitpid(pid, &status, WNOHANG);
    if (result == pid) {
      exit_code = exit_code_of(status);
      break;
    }
    if (result < 0 && errno != EINTR)
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    if (clock_type::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(reap_poll_interval);
  }
  // Once the child is gone its pipes reach end of file, so the drains end.
  if (out_drain.joinable()) out_drain.join();
  if (err_drain.joinable()) err_drain.join();
  return exit_code;
}

void child_process::kill_and_reap() {
  if (pid > 0 && !exit_code) {
    ::kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    exit_code = exit_code_of(status);
  }
  if (out_drain.joinable()) out_drain.join();
  if (err_drain.joinable()) err_drain.join();
}

} // namespace

/// The node: a child process and the port it announced.
struct node_process::state {
  child_process child;
  unsigned short port = 0;
  std::optional<unsigned short> admin_port;
  std::optional<unsigned short> cluster_port;
};

std::string node_binary() {
  auto path = std::getenv("PARLEY_BINARY");
  if (path == nullptr || *path == '\0')
    throw std::runtime_error("PARLEY_BINARY is not set; run through "
                             "`meson test` or set it to build/.../parley");
  return path;
}

node_process::node_process(std::vector<std::string> args,
                           std::chrono::milliseconds timeout,
                           admin_address admin)
    : self_(std::make_unique<state>()) {
  auto& self = self_->child;
  self.spawn(with_default_listen(std::move(args), admin));
  std::optional<unsigned short> port;
  {
    std::unique_lock<std::mutex> guard{self.mutex};
    self.output_changed.wait_for(guard, timeout, [&] {
      port = listening_port(self.out_text);
      return port || self.out_closed;
    });
  }
  if (port) {
    self_->port = *port;
    self_->admin_port = listening_port(self.out_text, admin_prefix);
    self_->cluster_port = cluster_link_port(self.out_text);
    return;
  }
  self.kill_and_reap();
  throw std::runtime_error("node did not start listening (exit code " +
                           std::to_string(*self.exit_code) + "); stderr:\n" +
                           self.err_text);
}

node_process::~node_process() = default;

unsigned short node_process::port() const {
  return self_->port;
}

std::optional<unsigned short> node_process::admin_port() const {
  return self_->admin_port;
}

std::optional<unsigned short> node_process::cluster_port() const {
  return self_->cluster_port;
}

int node_process::pid() const {
  return self_->child.pid;
}

void node_process::send_signal(int signal) {
  if (!self_->child.exit_code) ::kill(self_->child.pid, signal);
}

std::optional<int> node_process::wait_exit(std::chrono::milliseconds timeout) {
  return self_->child.reap(clock_type::now() + timeout);
}

std::string node_process::stderr_text() const {
  std::lock_guard<std::mutex> guard{self_->child.mutex};
  return self_->child.err_text;
}

bool node_process::wait_for_stderr(const std::string& text,
                                   std::chrono::milliseconds timeout) {
  auto& child = self_->child;
  std::unique_lock<std::mutex> guard{child.mutex};
  // stdout's end of file stands for both: the node closes them together.
  child.output_changed.wait_for(guard, timeout, [&] {
    return child.err_text.find(text) != std::string::npos || child.out_closed;
  });
  return child.err_text.find(text) != std::string::npos;
}

bool node_process::wait_for_stdout(const std::string& text,
                                   std::chrono::milliseconds timeout) {
  auto& child = self_->child;
  std::unique_lock<std::mutex> guard{child.mutex};
  child.output_changed.wait_for(guard, timeout, [&] {
    return child.out_text.find(text) != std::string::npos || child.out_closed;
  });
  return child.out_text.find(text) != std::string::npos;
}

std::string node_process::stdout_text() const {
  std::lock_guard<std::mutex> guard{self_->child.mutex};
  return self_->child.out_text;
}

process_result run_to_exit(std::vector<std::string> args,
                           std::chrono::milliseconds timeout) {
  child_process child;
  child.spawn(with_default_listen(std::move(args)));
  auto code = child.reap(clock_type::now() + timeout);
  if (!code) {
    child.kill_and_reap();
    throw std::runtime_error("node did not exit in time; stderr:\n" +
                             child.err_text);
  }
  return {*code, child.out_text, child.err_text};
}

} // namespace parley::testing
