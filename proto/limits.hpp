// Named limits of the protocol; every bound a client can hit is here.
#pragma once

#include <chrono>
#include <cstddef>

namespace parley::limits {

/// Default for --max-content-bytes: UTF-8 bytes of one message's content.
constexpr std::size_t max_content_bytes = 4096;

/// Default for --max-frame-bytes: one WebSocket message, after reassembly.
constexpr std::size_t max_frame_bytes = 64 * 1024;

/// Longest client_msg_id, in bytes.
constexpr std::size_t max_client_msg_id_bytes = 64;

/// Usernames are 3-32 characters of [A-Za-z0-9_.-].
constexpr std::size_t min_username_chars = 3;
constexpr std::size_t max_username_chars = 32;

/// Passwords have at least 8 characters (code points); the byte bound
/// keeps hashing cost independent of what a client sends.
constexpr std::size_t min_password_chars = 8;
constexpr std::size_t max_password_bytes = 1024;

/// History paging: default and cap of `limit`.
constexpr std::size_t default_history_limit = 50;
constexpr std::size_t max_history_limit = 200;

/// GET /conversations paging: default and cap of `limit`.
constexpr std::size_t default_conversations_limit = 20;
constexpr std::size_t max_conversations_limit = 100;

/// GET /users?prefix=: a prefix of 2-32 username characters, at most this
/// many users in the answer.
constexpr std::size_t min_user_search_prefix_chars = 2;
constexpr std::size_t max_user_search_results = 20;

/// Presence: a user hears of this many of their most recent conversation
/// peers coming and going (and of each, once, on connect).
constexpr std::size_t max_presence_peers = 500;

/// Typing frames a connection may send: a burst of this many, then one
/// per typing_refill; more are dropped (typing is advisory).
constexpr std::size_t typing_burst = 5;
constexpr std::chrono::milliseconds typing_refill{1000};

/// A "start" that no "stop" follows ends by itself after this long: the
/// server sends the "stop" (also when the connection closes).
constexpr std::chrono::seconds typing_expiry{5};

/// Receipts replayed to a client that resumes: for this many readers of
/// the user's messages, the most recent first.
constexpr std::size_t max_replayed_receipt_readers = 200;

/// JSON nesting accepted from clients; anything deeper is rejected early so
/// that a hostile frame cannot exhaust the parser's stack.
constexpr std::size_t max_json_depth = 16;

/// HTTP request bodies (register/login) are tiny.
constexpr std::size_t max_http_body_bytes = 16 * 1024;

} // namespace parley::limits
