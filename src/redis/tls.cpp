#include "redis/tls.hpp"

#include "redis/errors.hpp"

namespace redisops {

std::unique_ptr<Transport> start_tls(std::unique_ptr<SocketTransport>, const ServerAddress&,
                                     const TlsOptions&, Deadline) {
    throw UsageError("TLS connections are not supported yet (rediss:// and --tls)");
}

}  // namespace redisops
