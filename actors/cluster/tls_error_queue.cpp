// SSL_read and SSL_write with the error queue cleared first (see
// tls_error_queue.hpp). They forward to the next definition in the lookup
// order, libssl's; libpq's TLS calls pass through them too, harmlessly
// (libpq clears the queue itself).
#include "actors/cluster/tls_error_queue.hpp"

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

using read_function = int (*)(SSL*, void*, int);
using write_function = int (*)(SSL*, const void*, int);

read_function libssl_read() {
  static const auto next =
      reinterpret_cast<read_function>(dlsym(RTLD_NEXT, "SSL_read"));
  return next;
}

write_function libssl_write() {
  static const auto next =
      reinterpret_cast<write_function>(dlsym(RTLD_NEXT, "SSL_write"));
  return next;
}

} // namespace

extern "C" int SSL_read(SSL* ssl, void* buffer, int size) {
  ERR_clear_error();
  return libssl_read()(ssl, buffer, size);
}

extern "C" int SSL_write(SSL* ssl, const void* buffer, int size) {
  ERR_clear_error();
  return libssl_write()(ssl, buffer, size);
}

namespace parley {

bool tls_error_queue_cleared() {
  // What a call from a shared library (CAF's) binds to.
  auto bound = dlsym(RTLD_DEFAULT, "SSL_read");
  return bound == reinterpret_cast<void*>(&SSL_read) &&
         libssl_read() != nullptr && libssl_write() != nullptr;
}

} // namespace parley
