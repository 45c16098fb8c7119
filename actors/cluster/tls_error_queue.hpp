// CAF 0.17's OpenSSL transport never clears OpenSSL's per-thread error
// queue, and all links share one thread (the middleman's multiplexer). A
// failed handshake (a node with another CA's certificate) leaves errors
// there; the next SSL_read on a healthy link, which ends every read with
// "would block", then sees them through SSL_get_error, and CAF closes that
// link: every failed handshake cut the other nodes' links once (measured:
// a link lost about every second while one wrong node was up). The fix is
// the call OpenSSL asks for before each I/O call, ERR_clear_error; this
// executable puts it in front of libssl's SSL_read and SSL_write
// (tls_error_queue.cpp defines both, the dynamic linker binds CAF's calls
// to them, and they forward to libssl).
#pragma once

namespace parley {

/// Whether CAF's calls reach the clearing SSL_read/SSL_write of this
/// executable; false when they go straight to libssl (then a refused
/// handshake can drop healthy links, and the node says so at start).
bool tls_error_queue_cleared();

} // namespace parley
