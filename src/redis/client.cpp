#include "redis/client.hpp"

#include "redis/errors.hpp"

namespace redisops {

Client::Client(ConnectionOptions opts) : opts_(std::move(opts)) {}

Connection& Client::connection() {
    if (!main_ || main_->broken()) {
        main_.reset();
        main_.emplace(Connection::open(opts_));
    }
    return *main_;
}

Connection& Client::connection_for_key(std::string_view) { return connection(); }

Reply Client::command(const Args& argv) { return connection().command(argv); }

Reply Client::command_for_key(std::string_view key, const Args& argv) {
    return connection_for_key(key).command(argv);
}

Reply Client::eval(const Script& script, const Args& keys, const Args& args) {
    std::string_view key = keys.empty() ? std::string_view() : std::string_view(keys.front());
    return script.run(connection_for_key(key), keys, args);
}

std::vector<ServerAddress> Client::masters() { return {connection().address()}; }

Connection& Client::connection_to(const ServerAddress&) { return connection(); }

void Client::reset() { main_.reset(); }

}  // namespace redisops
