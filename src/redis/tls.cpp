#include "redis/tls.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

#include "redis/errors.hpp"

namespace redisops {
namespace {

struct CtxDeleter {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslDeleter {
    void operator()(SSL* s) const { SSL_free(s); }
};
using CtxUPtr = std::unique_ptr<SSL_CTX, CtxDeleter>;
using SslUPtr = std::unique_ptr<SSL, SslDeleter>;

/// The oldest queued OpenSSL error as text, and the queue emptied (it is per thread and
/// would otherwise leak into the next connection's diagnosis).
std::string drain_errors() {
    std::string first;
    while (unsigned long e = ERR_get_error()) {
        if (first.empty()) {
            char buf[256];
            ERR_error_string_n(e, buf, sizeof buf);
            const char* reason = ERR_reason_error_string(e);
            first = reason ? reason : buf;
        }
    }
    return first;
}

bool is_ip_literal(const std::string& host) {
    unsigned char buf[sizeof(in6_addr)];
    return inet_pton(AF_INET, host.c_str(), buf) == 1 ||
           inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

/// Verification results in the words an operator searches for: expired, unknown CA,
/// hostname mismatch. The OpenSSL text follows for the details.
std::string describe_verify_failure(long result, const std::string& name) {
    std::string detail = X509_verify_cert_error_string(result);
    switch (result) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return "certificate has expired (" + detail + ")";
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return "certificate is not yet valid (" + detail + ")";
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return "unknown CA: the server's certificate is not signed by a trusted CA (" + detail +
                   "; pass the right --cacert or --cacertdir)";
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            return "hostname mismatch: the server's certificate is not valid for '" + name + "' (" +
                   detail + "; --sni NAME sets the name to check)";
        default:
            return "certificate verification failed: " + detail;
    }
}

CtxUPtr make_context(const TlsOptions& tls) {
    CtxUPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) throw ConnectionError("TLS: cannot create a context: " + drain_errors());
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    // Partial writes let write_some() behave like send(); the buffer may move between retries
    // because Connection's output string can grow while a write is pending.
    SSL_CTX_set_mode(ctx.get(),
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (!tls.cacert.empty() || !tls.cacertdir.empty()) {
        const char* file = tls.cacert.empty() ? nullptr : tls.cacert.c_str();
        const char* dir = tls.cacertdir.empty() ? nullptr : tls.cacertdir.c_str();
        if (SSL_CTX_load_verify_locations(ctx.get(), file, dir) != 1) {
            throw ConnectionError(fmt::format("TLS: cannot load CA certificates from {}: {}",
                                              file ? tls.cacert : tls.cacertdir, drain_errors()));
        }
    } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
        throw ConnectionError("TLS: cannot load the system CA store: " + drain_errors());
    }
    if (!tls.cert.empty()) {
        if (SSL_CTX_use_certificate_chain_file(ctx.get(), tls.cert.c_str()) != 1) {
            throw ConnectionError(fmt::format("TLS: cannot load client certificate {}: {}",
                                              tls.cert, drain_errors()));
        }
        if (SSL_CTX_use_PrivateKey_file(ctx.get(), tls.key.c_str(), SSL_FILETYPE_PEM) != 1) {
            throw ConnectionError(
                fmt::format("TLS: cannot load client key {}: {}", tls.key, drain_errors()));
        }
        if (SSL_CTX_check_private_key(ctx.get()) != 1) {
            throw ConnectionError(
                fmt::format("TLS: client key {} does not match certificate {}", tls.key, tls.cert));
        }
    }
    SSL_CTX_set_verify(ctx.get(), tls.insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
    return ctx;
}

class TlsTransport : public Transport {
  public:
    TlsTransport(std::unique_ptr<SocketTransport> socket, CtxUPtr ctx, SslUPtr ssl,
                 bool client_cert)
        : socket_(std::move(socket)),
          ctx_(std::move(ctx)),
          ssl_(std::move(ssl)),
          client_cert_(client_cert) {}

    IoResult read_some(char* buf, size_t len) override {
        ERR_clear_error();
        errno = 0;
        size_t n = 0;
        int rc = SSL_read_ex(ssl_.get(), buf, len, &n);
        if (rc == 1) {
            got_data_ = true;
            return {static_cast<ssize_t>(n), IoWait::None};
        }
        return failed(rc, "read");
    }

    IoResult write_some(const char* buf, size_t len) override {
        ERR_clear_error();
        errno = 0;
        size_t n = 0;
        int rc = SSL_write_ex(ssl_.get(), buf, len, &n);
        if (rc == 1) return {static_cast<ssize_t>(n), IoWait::None};
        return failed(rc, "write");
    }

    bool has_buffered() const override { return SSL_pending(ssl_.get()) > 0; }
    int fd() const override { return socket_->fd(); }

  private:
    /// Maps SSL_get_error to the transport contract. A renegotiation or TLS 1.3 key update
    /// can make a read wait for writability and the reverse, which IoWait expresses.
    IoResult failed(int rc, const char* what) {
        switch (SSL_get_error(ssl_.get(), rc)) {
            case SSL_ERROR_WANT_READ:
                return {0, IoWait::Readable};
            case SSL_ERROR_WANT_WRITE:
                return {0, IoWait::Writable};
            case SSL_ERROR_ZERO_RETURN:
                return {0, IoWait::None};  // close_notify: a clean end of stream
            case SSL_ERROR_SYSCALL:
                if (errno == 0) return {0, IoWait::None};  // EOF without close_notify
                throw ClosedError(
                    fmt::format("TLS {} failed: {}{}", what, std::strerror(errno), hint()));
            default: {
                // Under TLS 1.3 the server checks our certificate after our handshake is done,
                // so a refused client certificate shows up here, as an alert on the first read.
                std::string why = drain_errors();
                throw ClosedError(fmt::format("TLS {} failed: {}{}", what,
                                              why.empty() ? "protocol error" : why, hint()));
            }
        }
    }

    /// A server that wants a client certificate drops the connection after the handshake
    /// (TLS 1.3), often with a reset that swallows its alert: say what probably happened.
    std::string hint() const {
        if (got_data_) return "";
        return client_cert_ ? " (the server closed the connection after the TLS handshake: "
                              "was the client certificate refused?)"
                            : " (the server closed the connection after the TLS handshake: "
                              "does it require a client certificate? pass --cert and --key)";
    }

    std::unique_ptr<SocketTransport> socket_;
    CtxUPtr ctx_;
    SslUPtr ssl_;
    bool client_cert_;
    bool got_data_ = false;
};

}  // namespace

std::unique_ptr<Transport> start_tls(std::unique_ptr<SocketTransport> socket,
                                     const ServerAddress& addr, const TlsOptions& tls,
                                     Deadline deadline) {
    CtxUPtr ctx = make_context(tls);
    SslUPtr ssl(SSL_new(ctx.get()));
    if (!ssl) throw ConnectionError("TLS: cannot create a session: " + drain_errors());
    SSL_set_fd(ssl.get(), socket->fd());

    const std::string& name = tls.sni.empty() ? addr.host : tls.sni;
    bool ip = is_ip_literal(name);
    // SNI carries host names only (RFC 6066 forbids IP literals).
    if (!ip) SSL_set_tlsext_host_name(ssl.get(), name.c_str());
    if (!tls.insecure) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
        int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                    : SSL_set1_host(ssl.get(), name.c_str());
        if (ok != 1) throw ConnectionError("TLS: cannot set the name to verify: " + name);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }

    std::string display = addr.display();
    for (;;) {
        ERR_clear_error();
        errno = 0;
        int rc = SSL_connect(ssl.get());
        if (rc == 1) break;
        int err = SSL_get_error(ssl.get(), rc);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            try {
                wait_ready(socket->fd(),
                           err == SSL_ERROR_WANT_READ ? IoWait::Readable : IoWait::Writable,
                           deadline, display);
            } catch (const TimeoutError&) {
                throw TimeoutError(fmt::format("TLS handshake with {} timed out", display));
            }
            continue;
        }
        long verify = SSL_get_verify_result(ssl.get());
        if (verify != X509_V_OK) {
            drain_errors();
            throw ConnectionError(fmt::format("TLS handshake with {} failed: {}", display,
                                              describe_verify_failure(verify, name)));
        }
        std::string why = drain_errors();
        if (why.empty() && err == SSL_ERROR_SYSCALL) {
            why = errno ? std::strerror(errno)
                        : "the server closed the connection (is it a TLS port?)";
        }
        throw ConnectionError(fmt::format("TLS handshake with {} failed: {}", display,
                                          why.empty() ? "protocol error" : why));
    }
    return std::make_unique<TlsTransport>(std::move(socket), std::move(ctx), std::move(ssl),
                                          !tls.cert.empty());
}

}  // namespace redisops
