// Debian's Prometheus server as a test's child process (see
// prometheus_server.hpp): fork/exec with its output in a log file, readiness
// by polling /-/ready, and a stop that always reaps.
#include "tests/support/prometheus_server.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <netinet/in.h>
#include <optional>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "tests/support/http_client.hpp"
#include "tests/support/json_body.hpp"
#include "tests/support/temp_dir.hpp"

namespace parley::testing {

namespace {

using clock_type = std::chrono::steady_clock;

/// How often readiness, exit and query results are polled.
constexpr std::chrono::milliseconds poll_interval{100};

/// How long Prometheus may take to shut down its storage after SIGTERM
/// before it gets SIGKILL.
constexpr std::chrono::seconds stop_timeout{10};

/// What Prometheus logs once its web listener is bound.
constexpr const char* listening_line = "msg=\"Listening on\"";

/// How many ports are tried when another process takes the chosen one
/// between choosing and binding.
constexpr int port_attempts = 5;

/// `binary` as execv needs it: itself when it holds a '/', else the first
/// executable of that name in PATH; nullopt when there is none.
std::optional<std::string> resolve(const std::string& binary) {
  if (binary.find('/') != std::string::npos)
    return access(binary.c_str(), X_OK) == 0 ? std::optional(binary)
                                             : std::nullopt;
  auto path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (std::size_t begin = 0; begin <= dirs.size();) {
    auto end = dirs.find(':', begin);
    if (end == std::string::npos) end = dirs.size();
    auto candidate = dirs.substr(begin, end - begin) + "/" + binary;
    if (end > begin && access(candidate.c_str(), X_OK) == 0) return candidate;
    begin = end + 1;
  }
  return std::nullopt;
}

/// A loopback port nobody listened on a moment ago.
unsigned short free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  close(fd);
  if (!ok) throw std::runtime_error("cannot bind a loopback port");
  return ntohs(address.sin_port);
}

/// The configuration: one job scraping every target. The scrape timeout
/// must not exceed the interval, so it equals it.
std::string config_text(const prometheus_options& options) {
  auto interval = std::to_string(options.scrape_interval.count()) + "s";
  std::string text = "global:\n  scrape_interval: " + interval +
                     "\n  scrape_timeout: " + interval +
                     "\nscrape_configs:\n  - job_name: " + prometheus_job +
                     "\n    static_configs:\n      - targets: [";
  for (std::size_t i = 0; i < options.targets.size(); ++i)
    text += (i > 0 ? ", '" : "'") + options.targets[i] + "'";
  return text + "]\n";
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>(in), {}};
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
std::string url_encoded(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

/// One sample of a vector result: {"metric":{...},"value":[time,"text"]}.
prometheus_sample sample_of(const rapidjson::Value& item) {
  if (!item.IsObject() || !item.HasMember("metric") ||
      !item["metric"].IsObject() || !item.HasMember("value") ||
      !item["value"].IsArray() || item["value"].Size() != 2 ||
      !item["value"][1].IsString())
    throw std::runtime_error("prometheus: a sample without metric and value");
  prometheus_sample sample;
  for (const auto& label : item["metric"].GetObject())
    if (label.value.IsString())
      sample.labels[label.name.GetString()] = label.value.GetString();
  // strtod reads "NaN" and "+Inf" as Prometheus writes them.
  sample.value = std::strtod(item["value"][1].GetString(), nullptr);
  return sample;
}

} // namespace

/// The child and the files it uses. Only the owning thread touches it.
struct prometheus_server::state {
  temp_dir dir{"parley-prometheus"};
  int pid = -1;
  bool reaped = false;
  unsigned short port = 0;

  ~state() { stop(); }
  void spawn(const std::string& binary, unsigned short port);
  bool exited();
  void stop();
  std::string log() const { return read_file(dir.file("prometheus.log")); }
};

void prometheus_server::state::spawn(const std::string& binary,
                                     unsigned short listen_port) {
  port = listen_port;
  reaped = false;
  // Everything the child needs is prepared before fork: between fork and
  // exec only async-signal-safe calls are allowed in a threaded process.
  std::vector<std::string> args{
      binary,
      "--config.file=" + dir.file("prometheus.yml"),
      "--storage.tsdb.path=" + dir.file("data"),
      "--web.listen-address=127.0.0.1:" + std::to_string(port),
  };
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  // Each attempt's log replaces the last, so log() shows this one.
  int log_fd = open(dir.file("prometheus.log").c_str(),
                    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0)
    throw std::runtime_error("prometheus_server: cannot open its log");
  auto parent = getpid();
  pid = fork();
  if (pid == 0) {
    // A test that dies must not leave a server behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    static constexpr char message[] = "prometheus_server: exec failed\n";
    [[maybe_unused]] auto ignored =
        write(STDERR_FILENO, message, sizeof(message) - 1);
    _exit(127);
  }
  auto error = errno;
  close(log_fd);
  close(null_fd);
  if (pid < 0)
    throw std::runtime_error(std::string("fork: ") + std::strerror(error));
}

bool prometheus_server::state::exited() {
  if (reaped) return true;
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == pid) reaped = true;
  return reaped;
}

void prometheus_server::state::stop() {
  if (pid <= 0 || exited()) return;
  // SIGTERM lets it close its storage; the directory goes away anyway, so
  // SIGKILL after the timeout loses nothing.
  ::kill(pid, SIGTERM);
  auto deadline = clock_type::now() + stop_timeout;
  while (!exited() && clock_type::now() < deadline)
    std::this_thread::sleep_for(poll_interval);
  if (exited()) return;
  ::kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  reaped = true;
}

prometheus_server::prometheus_server(prometheus_options options)
    : self_(std::make_unique<state>()) {
  auto binary = resolve(options.binary);
  if (!binary)
    throw std::runtime_error(
        "prometheus_server: '" + options.binary +
        "' is not installed (not an executable, nor found in PATH); install "
        "Debian's prometheus package (./dev test does)");
  std::ofstream{self_->dir.file("prometheus.yml")} << config_text(options);
  auto port = options.first_port != 0 ? options.first_port : free_port();
  for (int attempt = 1;; ++attempt) {
    self_->spawn(*binary, port);
    auto deadline = clock_type::now() + prometheus_start_timeout;
    while (!self_->exited() && clock_type::now() < deadline) {
      try {
        // Another server holding the port would answer /-/ready too; only
        // this one's log says that it bound the port.
        if (self_->log().find(listening_line) != std::string::npos &&
            http_request("127.0.0.1", port, "GET", "/-/ready").status == 200)
          return;
      } catch (const std::runtime_error&) {
        // Not listening yet (or the port's other owner hung up on us).
      }
      std::this_thread::sleep_for(poll_interval);
    }
    auto log = self_->log();
    self_->stop();
    if (log.find("address already in use") != std::string::npos &&
        attempt < port_attempts) {
      port = free_port();
      continue;
    }
    throw std::runtime_error("prometheus did not get ready on 127.0.0.1:" +
                             std::to_string(port) + "; its log:\n" + log);
  }
}

prometheus_server::~prometheus_server() = default;

unsigned short prometheus_server::port() const {
  return self_->port;
}

int prometheus_server::pid() const {
  return self_->pid;
}

std::string prometheus_server::log() const {
  return self_->log();
}

prometheus_vector prometheus_server::query(const std::string& expr) const {
  auto response = http_request("127.0.0.1", self_->port, "GET",
                               "/api/v1/query?query=" + url_encoded(expr));
  auto doc = parse_json(response.body);
  auto status = string_member(doc, "status");
  if (!status || *status != "success")
    throw std::runtime_error(
        "prometheus refused '" + expr + "' (HTTP " +
        std::to_string(response.status) +
        "): " + string_member(doc, "errorType").value_or("?") + ": " +
        string_member(doc, "error").value_or(response.body));
  if (!doc.HasMember("data") || !doc["data"].IsObject() ||
      string_member(doc["data"], "resultType") != "vector" ||
      !doc["data"].HasMember("result") || !doc["data"]["result"].IsArray())
    throw std::runtime_error("prometheus: '" + expr +
                             "' is not an instant vector: " + response.body);
  prometheus_vector samples;
  for (const auto& item : doc["data"]["result"].GetArray())
    samples.push_back(sample_of(item));
  return samples;
}

prometheus_vector prometheus_server::wait_for(
    const std::string& expr,
    const std::function<bool(const prometheus_vector&)>& done,
    std::chrono::milliseconds timeout) const {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    auto samples = query(expr);
    if (done(samples) || clock_type::now() >= deadline) return samples;
    std::this_thread::sleep_for(poll_interval);
  }
}

double value_where(const prometheus_vector& samples, const std::string& name,
                   const std::string& value) {
  for (const auto& sample : samples) {
    auto label = sample.labels.find(name);
    if (label != sample.labels.end() && label->second == value)
      return sample.value;
  }
  return std::nan("");
}

} // namespace parley::testing
