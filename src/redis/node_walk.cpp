#include "redis/node_walk.hpp"

#include <atomic>
#include <exception>
#include <thread>

#include "redis/errors.hpp"

namespace redisops {

std::vector<MasterLink> connect_masters(Client& client) {
    std::vector<MasterLink> links;
    for (const ServerAddress& addr : client.masters()) {
        MasterLink& link = links.emplace_back();
        link.address = addr;
        try {
            link.connection = &client.connection_to(addr);
        } catch (const ConnectionError& e) {
            link.connect_error = e.what();
        }
    }
    return links;
}

void for_each_master(Client& client, const std::function<void(Connection& node)>& walk) {
    for (const ServerAddress& addr : client.masters()) walk(client.connection_to(addr));
}

void run_per_node(size_t jobs, const std::function<void(size_t)>& job,
                  const std::function<void()>& tick, std::chrono::milliseconds period) {
    std::vector<std::exception_ptr> failures(jobs);
    std::atomic<size_t> running{jobs};
    std::vector<std::thread> threads;
    threads.reserve(jobs);
    for (size_t i = 0; i < jobs; ++i) {
        threads.emplace_back([&, i] {
            try {
                job(i);
            } catch (...) {
                failures[i] = std::current_exception();
            }
            running.fetch_sub(1);
        });
    }
    if (tick) {
        while (running.load() > 0) {
            std::this_thread::sleep_for(period);
            tick();
        }
    }
    for (auto& t : threads) t.join();
    for (const auto& f : failures) {
        if (f) std::rethrow_exception(f);
    }
}

}  // namespace redisops
