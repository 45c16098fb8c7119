// The WebSocket connection. Everything here runs on the connection's strand
// except deliver/frame_done/close, which only post to it. Inbound text
// frames go to the session actor. Outbound frames are encoded as WebSocket
// frames straight into one byte buffer, bounded in bytes, with at most one
// write in flight: every frame that queued while a write ran, or that was
// posted to the strand together, leaves in one send call (a send per frame
// was a large share of the node's CPU). Beast's own frames (handshake
// reply, pongs, close) join the same buffer through coalescing_socket, so
// they are never interleaved with ours.
//
// Backpressure: each frame handed to the session counts as unfinished until
// the session calls frame_done (after the writer answered). With too many
// unfinished frames the connection stops reading, so a slow database slows
// the client down through TCP instead of growing mailboxes.
#include "gateway/server/ws_connection.hpp"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <caf/all.hpp>

#include "actors/metrics/node_metrics.hpp"
#include "gateway/server/coalescing_socket.hpp"
#include "proto/json/http_body.hpp"
#include "proto/json/server_frame.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

/// Frames read but not yet finished by the session before reading pauses.
constexpr std::size_t max_unfinished_frames = 32;

/// Outbound bytes queued for one client (written or waiting); beyond this
/// the client is too slow and is closed with 1008 (it can resume with
/// ?since= later).
constexpr std::size_t max_queued_bytes = 1024 * 1024;

/// A catch-up waiting to send its next chunk goes on once the queue is
/// below this (actors/user_catch_up.cpp sends chunks of 256 KiB).
constexpr std::size_t drained_bytes = 256 * 1024;

/// First byte of an unfragmented text frame (FIN + opcode 1), RFC 6455 5.2.
constexpr unsigned char final_text_frame = 0x81;

/// The client has this long to complete the WebSocket handshake.
constexpr auto handshake_timeout = std::chrono::seconds(10);

/// Dead peers are found by TCP keepalive, in the kernel, instead of by
/// WebSocket pings: a ping needs a pending WebSocket read, and that read
/// costs ~1.2 KiB per idle connection. Probes start after 60 s of silence
/// and give up after 3 unanswered ones, 10 s apart.
constexpr int keepalive_idle_seconds = 60;
constexpr int keepalive_interval_seconds = 10;
constexpr int keepalive_probes = 3;

constexpr std::uint16_t close_policy = 1008;

class ws_connection final : public connection_port,
                            public outbound_sink,
                            public std::enable_shared_from_this<ws_connection> {
public:
  ws_connection(net::ip::tcp::socket socket, node_context& node,
                connection_set& connections)
      : ws_(std::move(socket))
      , node_(node)
      , connections_(connections) {
    ws_.next_layer().set_sink(this);
    beast::error_code ignored; // a socket already reset shows no address
    remote_ = tcp_socket().remote_endpoint(ignored);
  }

  /// The claims and cursor ride in the accept handler rather than in
  /// members: after the handshake the connection no longer needs them.
  void run(beast::http::request<beast::http::string_body> upgrade,
           auth::token_claims who, stream_options stream) {
    ws_.set_option(websocket::stream_base::timeout{
        handshake_timeout, websocket::stream_base::none(), false});
    enable_keepalive();
    ws_.set_option(
        websocket::stream_base::decorator([](websocket::response_type& res) {
          res.set(beast::http::field::server, "parley");
          // Beast refuses a bad handshake (wrong version, no key) with a
          // text body; every HTTP error of Parley is the JSON error body.
          if (res.result() != beast::http::status::switching_protocols) {
            res.set(beast::http::field::content_type, "application/json");
            res.body() = json::encode_error_body(error_code::invalid_request,
                                                 res.body());
            res.prepare_payload();
          }
        }));
    ws_.read_message_max(node_.opts.max_frame_bytes);
    ws_.async_accept(upgrade, beast::bind_front_handler(
                                  &ws_connection::on_accept, shared_from_this(),
                                  std::move(who), std::move(stream)));
  }

  // -- connection_port: callable from any thread --------------------------

  void deliver(std::shared_ptr<const std::string> frame,
               message_id id) override {
    net::post(ws_.get_executor(),
              [self = shared_from_this(), frame = std::move(frame),
               id]() mutable { self->enqueue(*frame, id); });
  }

  void notify_when_drained() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      self->drain_wanted_ = true;
      self->report_drained();
    });
  }

  void frame_done() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->finished_) return; // finish() released its frames already
      --self->unfinished_;
      self->node_.pending.finish();
      self->resume_reading();
    });
  }

  void close(std::uint16_t code, std::string reason) override {
    net::post(ws_.get_executor(),
              [self = shared_from_this(), code, reason = std::move(reason)] {
                self->start_close(code, reason);
              });
  }

  connection_info info() const override {
    connection_info result;
    result.remote =
        remote_.address().to_string() + ":" + std::to_string(remote_.port());
    result.opened_at = opened_at_;
    result.last_frame_in = last_frame_in_.load(std::memory_order_relaxed);
    result.last_frame_out = last_frame_out_.load(std::memory_order_relaxed);
    result.queued_bytes = queued_.load(std::memory_order_relaxed);
    return result;
  }

  // -- outbound_sink: on the strand, from coalescing_socket ---------------

  void append(const char* data, std::size_t size) override {
    pending_.insert(pending_.end(), data, data + size);
    schedule_flush();
  }

  void when_flushed(std::function<void()> then) override {
    if (!writing_ && pending_.empty()) {
      then();
      return;
    }
    after_flush_ = std::make_unique<std::function<void()>>(std::move(then));
  }

private:
  net::ip::tcp::socket& tcp_socket() { return ws_.next_layer().next_layer(); }

  /// Publishes the queue's size for info(); on the strand.
  void note_queued() {
    queued_.store(queued_bytes(), std::memory_order_relaxed);
  }

  void on_accept(auth::token_claims who, stream_options stream,
                 beast::error_code ec) {
    if (ec) return; // handshake failed: no session was ever spawned
    opened_at_ = wall_clock_ms();
    connections_.add(shared_from_this());
    session_config config;
    config.connection = shared_from_this();
    config.user = who.user;
    config.username = std::move(who.username);
    user_ = who.user;
    reports_writes_ = !stream.acks;
    config.stream = std::move(stream);
    config.max_content_bytes = node_.opts.max_content_bytes;
    config.registry = node_.actors.registry;
    config.writer = node_.actors.writer;
    session_ = node_.sessions.spawn(node_.system, std::move(config));
    do_read();
  }

  /// Reads the next message. The first read waits for readability before
  /// starting a WebSocket read, so that a connection that never sends
  /// holds only a small wait operation (~1.2 KiB less per idle connection).
  /// Later reads go straight to Beast: it may already hold the next frames
  /// in its own buffer, which a socket wait would never report.
  void do_read() {
    if (has_read_) {
      ws_.async_read(buffer_, beast::bind_front_handler(&ws_connection::on_read,
                                                        shared_from_this()));
      return;
    }
    has_read_ = true;
    tcp_socket().async_wait(net::ip::tcp::socket::wait_read,
                            [self = shared_from_this()](beast::error_code ec) {
                              if (ec) {
                                self->finish();
                                return;
                              }
                              self->do_read();
                            });
  }

  void enable_keepalive() {
    auto& socket = tcp_socket();
    beast::error_code ignored; // a socket without keepalive still works
    socket.set_option(net::socket_base::keep_alive(true), ignored);
    auto fd = socket.native_handle();
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive_idle_seconds,
                 sizeof(int));
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &keepalive_interval_seconds,
                 sizeof(int));
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &keepalive_probes, sizeof(int));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      finish(); // closed by the peer, 1009 (too big), timeout or reset
      return;
    }
    if (!ws_.got_text()) {
      buffer_.consume(buffer_.size());
      enqueue(
          json::encode_error_frame(error_code::binary_frame,
                                   default_message(error_code::binary_frame)),
          0);
      do_read();
      return;
    }
    auto text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    last_frame_in_.store(wall_clock_ms(), std::memory_order_relaxed);
    caf::anon_send(session_, frame_atom::value, std::move(text));
    ++unfinished_;
    auto node_has_room = node_.pending.add();
    if (unfinished_ < max_unfinished_frames && node_has_room &&
        !node_.pending.full()) {
      do_read();
      return;
    }
    read_paused_ = true;
    if (!node_has_room || node_.pending.full()) wait_for_node();
  }

  /// Reads again once this connection and the node are below their bounds.
  void resume_reading() {
    if (!read_paused_ || closing_ || finished_ ||
        unfinished_ >= max_unfinished_frames)
      return;
    if (node_.pending.full()) {
      wait_for_node();
      return;
    }
    read_paused_ = false;
    do_read();
  }

  /// The node is at its bound: read again when it has room.
  void wait_for_node() {
    if (waiting_for_node_) return;
    waiting_for_node_ = true;
    node_.pending.when_below([weak = weak_from_this()] {
      auto self = weak.lock();
      if (!self) return;
      net::post(self->ws_.get_executor(), [self] {
        self->waiting_for_node_ = false;
        self->resume_reading();
      });
    });
  }

  /// Appends one text frame; ws_.is_open() is false once the peer's close
  /// frame was read, and nothing may follow the close reply.
  /// Frames dropped here are not reported as written, so they count as
  /// undelivered and are pushed again on the client's next connection.
  void enqueue(const std::string& frame, message_id id) {
    if (closing_ || finished_ || !ws_.is_open()) return;
    if (queued_bytes() + frame.size() > max_queued_bytes) {
      std::cerr << "parley: closing a connection of user " << user_
                << " with 1008: client too slow, " << queued_bytes()
                << " bytes queued and a frame of " << frame.size() << " waiting"
                << std::endl;
      metrics::node().slow_consumer_closes.add();
      start_close(close_policy, "client too slow; reconnect with since");
      return;
    }
    append_text_header(frame.size());
    append(frame.data(), frame.size());
    pending_id_ = std::max(pending_id_, id);
    ++pending_frames_;
    note_queued();
  }

  std::size_t queued_bytes() const {
    return pending_.size() + in_flight_.size();
  }

  /// Tells the session, once, that a catch-up may send its next chunk.
  void report_drained() {
    if (!drain_wanted_ || queued_bytes() >= drained_bytes || !session_) return;
    drain_wanted_ = false;
    caf::anon_send(session_, drained_atom::value);
  }

  /// RFC 6455 5.2: a server's frames are unmasked; the length takes 1, 3
  /// or 9 bytes.
  void append_text_header(std::size_t size) {
    unsigned char header[10];
    std::size_t n = 0;
    header[n++] = final_text_frame;
    if (size < 126) {
      header[n++] = static_cast<unsigned char>(size);
    } else if (size <= 0xFFFF) {
      header[n++] = 126;
      header[n++] = static_cast<unsigned char>(size >> 8);
      header[n++] = static_cast<unsigned char>(size);
    } else {
      header[n++] = 127;
      for (int shift = 56; shift >= 0; shift -= 8)
        header[n++] = static_cast<unsigned char>(size >> shift);
    }
    pending_.insert(pending_.end(), header, header + n);
  }

  /// Posted rather than started at once: frames already posted to the
  /// strand append theirs first, and all leave in one send.
  void schedule_flush() {
    if (flush_scheduled_ || writing_) return; // on_flushed sends the rest
    flush_scheduled_ = true;
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      self->flush_scheduled_ = false;
      self->start_flush();
    });
  }

  void start_flush() {
    if (writing_) return;
    if (pending_.empty()) {
      run_after_flush();
      return;
    }
    writing_ = true;
    in_flight_.swap(pending_);
    in_flight_id_ = pending_id_;
    in_flight_frames_ = std::exchange(pending_frames_, 0);
    net::async_write(tcp_socket(), net::buffer(in_flight_),
                     beast::bind_front_handler(&ws_connection::on_flushed,
                                               shared_from_this()));
  }

  void on_flushed(beast::error_code ec, std::size_t written) {
    writing_ = false;
    in_flight_.clear();
    if (!ec) {
      auto& counts = metrics::node();
      counts.frames_written.add(std::exchange(in_flight_frames_, 0));
      counts.bytes_written.add(written);
      last_frame_out_.store(wall_clock_ms(), std::memory_order_relaxed);
    }
    note_queued();
    if (!ec && reports_writes_ && in_flight_id_ > written_id_ && session_) {
      // Everything up to this frame is with the kernel now.
      written_id_ = in_flight_id_;
      caf::anon_send(session_, written_atom::value, written_id_);
    }
    if (ec) {
      pending_.clear();
      pending_frames_ = 0;
      in_flight_frames_ = 0;
      run_after_flush(); // a teardown waiting for us fails on its own
      finish();
      return;
    }
    if (!pending_.empty()) {
      start_flush();
      report_drained();
      return;
    }
    // An idle connection holds no buffer.
    pending_ = std::vector<char>{};
    in_flight_ = std::vector<char>{};
    report_drained();
    run_after_flush();
  }

  void run_after_flush() {
    if (!after_flush_) return;
    auto then = std::move(*after_flush_);
    after_flush_.reset();
    then();
  }

  void start_close(std::uint16_t code, const std::string& reason) {
    if (closing_ || finished_) return;
    closing_ = true;
    close_reason_.code = code;
    close_reason_.reason = reason.c_str();
    // A client too slow to read loses the frames not yet handed to the
    // kernel (they are stored, unconfirmed, and come again on its next
    // connection); any other close lets queued frames go first, so that a
    // shutdown delivers what it can. The close frame follows them.
    if (code == close_policy) {
      pending_.clear();
      pending_frames_ = 0;
      // The close frame's own write must not report the dropped frames.
      pending_id_ = in_flight_id_;
    }
    ws_.async_close(close_reason_, [self = shared_from_this()](
                                       beast::error_code) { self->finish(); });
  }

  /// The socket is done: tell the session (once) and leave the set.
  void finish() {
    if (finished_) return;
    finished_ = true;
    // Frames the session will never finish now must not hold the node's
    // bound forever.
    for (; unfinished_ > 0; --unfinished_)
      node_.pending.finish();
    if (session_) caf::anon_send(session_, closed_atom::value);
    connections_.remove(this);
  }

  // A plain socket underneath: Beast's tcp_stream would add two timers per
  // connection, and the WebSocket layer has its own handshake timeout.
  websocket::stream<coalescing_socket> ws_;
  beast::flat_buffer buffer_;
  // Outbound bytes: waiting for the next send, and being sent. Two buffers
  // because appending may reallocate, which the send in flight must not see.
  std::vector<char> pending_;
  std::vector<char> in_flight_;
  std::unique_ptr<std::function<void()>> after_flush_; ///< Beast's teardown
  std::size_t unfinished_ = 0;
  message_id pending_id_ = 0;          ///< highest message id in pending_
  std::uint64_t pending_frames_ = 0;   ///< frames in pending_
  std::uint64_t in_flight_frames_ = 0; ///< frames in in_flight_
  message_id in_flight_id_ = 0;        ///< highest message id in in_flight_
  message_id written_id_ = 0;          ///< highest reported to the session
  user_id user_ = 0;                   ///< for log lines
  bool drain_wanted_ = false;          ///< the session waits for drained_atom
  /// Writes confirm delivery only for clients that do not ack (?acks=1
  /// clients confirm with their acks), so only those report them.
  bool reports_writes_ = false;
  bool has_read_ = false;
  bool writing_ = false;
  bool flush_scheduled_ = false;
  bool read_paused_ = false;
  bool waiting_for_node_ = false;
  bool closing_ = false;
  bool finished_ = false;
  websocket::close_reason close_reason_;
  // What info() reports: written on the strand, read from any thread.
  net::ip::tcp::endpoint remote_;
  timestamp_ms opened_at_ = 0;
  std::atomic<timestamp_ms> last_frame_in_{0};
  std::atomic<timestamp_ms> last_frame_out_{0};
  std::atomic<std::size_t> queued_{0};
  node_context& node_;
  connection_set& connections_;
  session_actor session_;
};

} // namespace

void start_ws_connection(net::ip::tcp::socket socket,
                         beast::http::request<beast::http::string_body> upgrade,
                         node_context& node, connection_set& connections,
                         auth::token_claims who, stream_options stream) {
  std::make_shared<ws_connection>(std::move(socket), node, connections)
      ->run(std::move(upgrade), std::move(who), std::move(stream));
}

} // namespace parley
