// One SCAN-family walk (SCAN, SSCAN, HSCAN, ZSCAN), one page at a time. The cursor only builds
// each page's request and takes its reply, so a caller can pipeline per-page work behind it or
// overlap the next SCAN with it (the audit walk), and resume a walk from a saved cursor.
//
// SCAN's guarantees, which every caller inherits: an element present for the whole walk is
// returned at least once; it may be returned more than once (after a rehash); an element added
// or removed meanwhile may or may not be; a page may be empty while the walk goes on; COUNT is
// a hint. A keyspace SCAN covers one node: on a cluster, walk every master (redis/node_walk.hpp).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/connection.hpp"

namespace redisops {

class Client;

struct ScanOptions {
    std::string match{};  // MATCH glob; empty: everything
    std::string type{};   // TYPE (keyspace SCAN only): "string", "hash" …
    size_t count = 0;     // COUNT hint; 0: the server's default (10)
};

/// One page of a walk. It owns the reply, so its elements are views into it (no copies for
/// a million keys). HSCAN and ZSCAN pages alternate field (member) and value (score).
class ScanPage {
  public:
    /// `reply` has been checked to be [cursor, [element …]].
    explicit ScanPage(Reply reply);
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::string_view operator[](size_t i) const { return ReplyView(elements_)[i].str(); }
    /// The elements as strings (for callers that keep them past the page).
    std::vector<std::string> strings() const { return ReplyView(elements_).strings(); }

  private:
    Reply reply_;
    const redisReply* elements_;  // inside reply_, which owns it
    size_t size_;
};

class ScanCursor {
  public:
    /// SCAN over the keyspace of the db the connection has selected.
    static ScanCursor keys(ScanOptions opts = {});
    /// SSCAN, HSCAN or ZSCAN over the elements of one key.
    static ScanCursor set(std::string key, ScanOptions opts = {});
    static ScanCursor hash(std::string key, ScanOptions opts = {});
    static ScanCursor zset(std::string key, ScanOptions opts = {});

    /// Continues a walk from a cursor an earlier one reached (position()). The server judges
    /// it: a cursor it never handed out may skip or repeat, one that is not a number is an
    /// error reply ("ERR invalid cursor").
    ScanCursor& resume(std::string cursor);
    /// The cursor the next request sends: "0" before the first page and after the last.
    const std::string& position() const { return cursor_; }
    /// True once the server returned cursor 0: the walk is complete.
    bool done() const { return done_; }
    /// The key an SSCAN/HSCAN/ZSCAN walks; empty for a keyspace SCAN.
    const std::string& key() const { return key_; }

    /// The next page's command, for callers that pipeline it.
    Args request() const;
    /// Takes the reply to request() and advances. An error reply throws ReplyError ("SSCAN
    /// k: WRONGTYPE …", the server's kind kept); a reply that is not a SCAN page throws
    /// ReplyTypeError. After done(), a reply is a redis-ops bug (std::logic_error).
    ScanPage accept(Reply reply);
    /// request() and accept() in one round trip on `conn` (one node, e.g. a cluster master).
    ScanPage next(Connection& conn);
    /// The same through the client: an SSCAN/HSCAN/ZSCAN goes to its key's owner (following
    /// MOVED and ASK on a cluster), a keyspace SCAN to the master of a standalone or Sentinel
    /// deployment (on a cluster walk each master, redis/node_walk.hpp: there is no one keyspace to
    /// walk).
    ScanPage next(Client& client);

  private:
    ScanCursor(std::string command, std::string key, ScanOptions opts);
    /// "SCAN" or "SSCAN <key>", for messages.
    std::string what() const;
    std::string command_;
    std::string key_;
    ScanOptions opts_;
    std::string cursor_ = "0";
    bool done_ = false;
};

}  // namespace redisops
