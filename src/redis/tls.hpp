// TLS over a connected socket, with OpenSSL (hiredis 0.14 has none).
#pragma once

#include <memory>

#include "redis/options.hpp"
#include "redis/transport.hpp"

namespace redisops {

/// Runs the TLS handshake on `socket` within the deadline and returns a transport that
/// encrypts. Verifies the peer (chain and host name) unless tls.insecure. Throws
/// ConnectionError saying why verification failed.
std::unique_ptr<Transport> start_tls(std::unique_ptr<SocketTransport> socket,
                                     const ServerAddress& addr, const TlsOptions& tls,
                                     Deadline deadline);

}  // namespace redisops
