// Plain TCP connections to a node over POSIX sockets, and WebSocket frames
// framed by hand (RFC 6455 section 5.2).
#include "tests/integration/raw_connection.hpp"

#include <arpa/inet.h>
#include <cstdint>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace parley::testing {

namespace {

using clock_type = std::chrono::steady_clock;

/// Clients must mask their frames; the key's value does not matter.
constexpr unsigned char mask_key[4] = {0x37, 0xFA, 0x21, 0x3D};

/// A fixed Sec-WebSocket-Key; the node only has to answer it.
constexpr const char* upgrade_key = "dGhlIHNhbXBsZSBub25jZQ==";

/// How long the upgrade may take.
constexpr std::chrono::seconds upgrade_timeout{10};

std::chrono::milliseconds left_until(clock_type::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - clock_type::now());
  return left.count() > 0 ? left : std::chrono::milliseconds{0};
}

/// A frame header: FIN, the opcode, the mask bit and the length in 7, 16
/// or 64 bits.
std::string frame_header(int opcode, std::size_t length, bool final,
                         bool masked) {
  std::string header;
  header += static_cast<char>((final ? 0x80 : 0) | opcode);
  const int mask_bit = masked ? 0x80 : 0;
  if (length < 126) {
    header += static_cast<char>(mask_bit | static_cast<int>(length));
  } else if (length <= 0xFFFF) {
    header += static_cast<char>(mask_bit | 126);
    for (int shift = 8; shift >= 0; shift -= 8)
      header += static_cast<char>((length >> shift) & 0xFF);
  } else {
    header += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      header += static_cast<char>(
          (static_cast<std::uint64_t>(length) >> shift) & 0xFF);
  }
  return header;
}

/// Takes one whole frame off the front of `bytes`, if there is one.
std::optional<ws_frame> take_frame(std::string& bytes) {
  if (bytes.size() < 2) return std::nullopt;
  auto byte = [&](std::size_t i) {
    return static_cast<unsigned char>(bytes[i]);
  };
  std::size_t length = byte(1) & 0x7F;
  std::size_t header = 2;
  if (length == 126 || length == 127) {
    std::size_t extra = length == 126 ? 2 : 8;
    if (bytes.size() < 2 + extra) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < extra; ++i)
      length = (length << 8) | byte(2 + i);
    header += extra;
  }
  if (bytes.size() < header + length) return std::nullopt;
  ws_frame frame{byte(0) & 0x0F, bytes.substr(header, length)};
  bytes.erase(0, header + length);
  return frame;
}

} // namespace

raw_connection::raw_connection(unsigned short port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("raw_connection: socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) !=
      0) {
    ::close(fd_);
    throw std::runtime_error("raw_connection: cannot connect to port " +
                             std::to_string(port));
  }
}

raw_connection::~raw_connection() {
  ::close(fd_);
}

bool raw_connection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    // MSG_NOSIGNAL: a node that hangs up must not kill the test with SIGPIPE.
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void raw_connection::shutdown_write() {
  ::shutdown(fd_, SHUT_WR);
}

bool raw_connection::receive(std::chrono::milliseconds timeout) {
  pollfd readable{fd_, POLLIN, 0};
  if (::poll(&readable, 1, static_cast<int>(timeout.count())) <= 0)
    return true; // nothing yet
  char chunk[16 * 1024];
  auto n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false; // closed or reset
  received.append(chunk, static_cast<std::size_t>(n));
  return true;
}

bool raw_connection::receive_to_end(std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  while (clock_type::now() < deadline)
    if (!receive(left_until(deadline))) return true;
  return false;
}

std::optional<std::string> raw_exchange(unsigned short port,
                                        std::string_view request,
                                        std::chrono::milliseconds timeout) {
  raw_connection connection{port};
  connection.send(request);
  connection.shutdown_write();
  if (!connection.receive_to_end(timeout)) return std::nullopt;
  return std::move(connection.received);
}

std::optional<int> ws_frame::close_code() const {
  if (opcode != 8 || payload.size() < 2) return std::nullopt;
  return static_cast<unsigned char>(payload[0]) << 8 |
         static_cast<unsigned char>(payload[1]);
}

raw_ws_connection::raw_ws_connection(unsigned short port,
                                     const std::string& token,
                                     const std::string& query)
    : tcp_(port) {
  auto target = query.empty() ? std::string{"/ws"} : "/ws?" + query;
  tcp_.send("GET " + target +
            " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " +
            upgrade_key + "\r\nAuthorization: Bearer " + token + "\r\n\r\n");
  auto deadline = clock_type::now() + upgrade_timeout;
  std::size_t end;
  while ((end = tcp_.received.find("\r\n\r\n")) == std::string::npos)
    if (clock_type::now() >= deadline || !tcp_.receive(left_until(deadline)))
      throw std::runtime_error("raw_ws_connection: no upgrade response");
  if (tcp_.received.compare(0, 12, "HTTP/1.1 101") != 0)
    throw std::runtime_error("raw_ws_connection: upgrade refused: " +
                             tcp_.received);
  tcp_.received.erase(0, end + 4);
}

bool raw_ws_connection::send_frame(int opcode, std::string_view payload,
                                   bool final, bool masked) {
  auto frame = frame_header(opcode, payload.size(), final, masked);
  if (!masked) return tcp_.send(frame + std::string(payload));
  frame.append(reinterpret_cast<const char*>(mask_key), 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    frame += static_cast<char>(payload[i] ^ mask_key[i % 4]);
  return tcp_.send(frame);
}

std::optional<ws_frame>
raw_ws_connection::read_frame(std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    if (auto frame = take_frame(tcp_.received)) return frame;
    if (clock_type::now() >= deadline || !tcp_.receive(left_until(deadline)))
      return std::nullopt;
  }
}

} // namespace parley::testing
