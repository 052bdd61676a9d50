// scan-audit's report files: --output (atomic replace, exit 74 with the old file intact),
// Prometheus exposition checked by promtool and against the JSON report, the JSON header
// fields, and the HTML page's escaping and size.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "deploy_fixture.hpp"
#include "fixture.hpp"
#include "hostile_keyspace.hpp"
#include "redis/pipeline.hpp"
#include "util/text.hpp"

using namespace redisops;
using namespace redisops::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void spit(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

size_t entries(const fs::path& dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

json audit_json(const std::vector<std::string>& global, std::vector<std::string> args = {}) {
    std::vector<std::string> argv = global;
    argv.insert(argv.end(), {"scan-audit", "--format", "json"});
    argv.insert(argv.end(), args.begin(), args.end());
    CliResult r = run_cli(argv);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
}

/// One sample of a Prometheus exposition: name, labels (unescaped) and value.
struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

std::vector<Sample> parse_exposition(const std::string& text) {
    std::vector<Sample> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        Sample s;
        size_t i = line.find_first_of("{ ");
        s.name = line.substr(0, i);
        if (line[i] == '{') {
            ++i;
            while (line[i] != '}') {
                size_t eq = line.find('=', i);
                std::string name = line.substr(i, eq - i);
                std::string value;
                i = eq + 2;  // past ="
                while (line[i] != '"') {
                    if (line[i] == '\\') {
                        ++i;
                        value += line[i] == 'n' ? '\n' : line[i];
                    } else {
                        value += line[i];
                    }
                    ++i;
                }
                ++i;
                if (line[i] == ',') ++i;
                s.labels[name] = value;
            }
            ++i;
        }
        s.value = std::stod(line.substr(i + 1));
        out.push_back(std::move(s));
    }
    return out;
}

/// The value of the series `name` with exactly these labels; -1 when absent.
double series(const std::vector<Sample>& samples, const std::string& name,
              const std::map<std::string, std::string>& labels = {}) {
    for (const auto& s : samples) {
        if (s.name == "redis_ops_audit_" + name && s.labels == labels) return s.value;
    }
    return -1;
}

void check_promtool(const std::string& exposition) {
    CliResult r = run_command({"promtool", "check", "metrics"}, cli_options(exposition));
    INFO("promtool: " << r.out << r.err);
    CHECK(r.exit_code == 0);
}

/// Prometheus and JSON of the same keyspace agree series by series (the merged ones).
void check_matches_json(const std::vector<Sample>& prom, const json& j) {
    CHECK(series(prom, "complete") == (j["complete"] == true ? 1 : 0));
    CHECK(series(prom, "keys_scanned") == j["keys_scanned"].get<double>());
    CHECK(series(prom, "big_keys") == j["big_keys_count"].get<double>());
    CHECK(series(prom, "keys_command_calls") == j["keys_command"]["calls"].get<double>());
    for (const auto& [type, n] : j["types"].items())
        CHECK(series(prom, "keys", {{"type", type}}) == n.get<double>());
    for (const auto& [type, n] : j["memory"]["by_type"].items())
        CHECK(series(prom, "memory_bytes", {{"type", type}}) == n.get<double>());
    double sum = 0;
    for (const auto& p : j["no_ttl"]["patterns"]) {
        std::string pattern = p["pattern"];
        INFO("pattern " << pattern);
        CHECK(series(prom, "no_ttl_keys", {{"pattern", pattern}}) == p["keys"].get<double>());
        CHECK(series(prom, "no_ttl_bytes", {{"pattern", pattern}}) == p["bytes"].get<double>());
        sum += p["keys"].get<double>();
    }
    CHECK(sum == j["no_ttl"]["count"].get<double>());
}

}  // namespace

TEST_CASE("the JSON report names when it was made, how long it took and the server's version") {
    RedisServer server;
    server.connect().command({"SET", "k", "v"});
    json j = audit_json(server.port_args());
    std::string info(server.connect().command({"INFO", "server"}).str());
    std::smatch m;
    REQUIRE(std::regex_search(info, m, std::regex("redis_version:([0-9.]+)")));
    std::string version = m[1];
    if (std::regex_search(info, m, std::regex("valkey_version:([0-9.]+)"))) {
        CHECK(j["server"]["software"] == "valkey");
        CHECK(j["server"]["version"] == std::string(m[1]));
        CHECK(j["server"]["redis_version"] == version);
    } else {
        CHECK(j["server"]["software"] == "redis");
        CHECK(j["server"]["version"] == version);
    }
    CHECK(j["server"]["mode"] == "standalone");
    CHECK(j["server"]["db"] == 0);
    CHECK(std::regex_match(j["generated_at"].get<std::string>(),
                           std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    CHECK(j["duration_ms"].is_number_integer());
    CHECK(j["nodes"][0]["server_version"] == j["server"]["version"]);
    uint64_t keys = 0, bytes = 0;
    for (const auto& p : j["patterns"]) {
        keys += p["keys"].get<uint64_t>();
        bytes += p["bytes"].get<uint64_t>();
    }
    CHECK(keys == j["keys_scanned"].get<uint64_t>());
    CHECK(bytes == j["memory"]["total_bytes"].get<uint64_t>());
    CHECK(j["memory"]["by_type"]["string"] == j["memory"]["total_bytes"]);
}

TEST_CASE("Prometheus output passes promtool and equals the JSON report, hostile keys included") {
    RedisServer server({"--slowlog-log-slower-than", "0"});
    load_hostile_keyspace(server);
    CliResult r = run_cli(server, {"scan-audit", "--format", "prometheus"});
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    check_promtool(r.out);
    CHECK(is_valid_utf8(r.out));
    CHECK(r.out.find("\xff") == std::string::npos);  // never a raw invalid byte
    for (const char* family :
         {"complete", "duration_seconds", "keys_scanned", "keys", "memory_bytes", "no_ttl_keys",
          "no_ttl_bytes", "big_keys", "keys_command_calls", "last_run_timestamp_seconds"}) {
        CHECK(r.out.find(std::string("# TYPE redis_ops_audit_") + family + " gauge") !=
              std::string::npos);
    }
    std::vector<Sample> prom = parse_exposition(r.out);
    json j = audit_json(server.port_args());
    check_matches_json(prom, j);
    CHECK(series(prom, "no_ttl_keys", {{"pattern", "<img src=x onerror=alert(*)>"}}) == 1);
    CHECK(series(prom, "keys_command_calls") >= 1);
    CHECK(series(prom, "big_keys") == 1);
}

TEST_CASE("--max-patterns caps the pattern label's values, the rest summed as other") {
    RedisServer server;
    Connection c = server.connect();
    for (int i = 0; i < 30; ++i)
        c.command({"SET",
                   "kind" + std::string(1, char('a' + i % 26)) + std::to_string(i / 26) + ":1",
                   "v"});
    CliResult r = run_cli(server, {"scan-audit", "--format", "prometheus", "--max-patterns", "5"});
    REQUIRE(r.exit_code == 0);
    check_promtool(r.out);
    std::vector<Sample> prom = parse_exposition(r.out);
    size_t labels = 0;
    double sum = 0;
    for (const auto& s : prom) {
        if (s.name != "redis_ops_audit_no_ttl_keys") continue;
        ++labels;
        sum += s.value;
    }
    CHECK(labels == 6);  // 5 patterns and "other"
    CHECK(sum == 30);
    CHECK(series(prom, "no_ttl_keys", {{"pattern", "other"}}) == 25);
}

TEST_CASE("Prometheus on a cluster: a node label per node plus merged series without it") {
    TestCluster cluster(3);
    Client client(cluster.options());
    for (int i = 0; i < 300; ++i)
        client.command_for_key("k" + std::to_string(i), {"SET", "k" + std::to_string(i), "v"});
    std::vector<std::string> args = cluster.cli_args();
    args.insert(args.end(), {"scan-audit", "--format", "prometheus"});
    CliResult r = run_cli(args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    check_promtool(r.out);
    std::vector<Sample> prom = parse_exposition(r.out);
    CHECK(series(prom, "keys_scanned") == 300);
    double per_node = 0;
    size_t nodes = 0;
    for (const auto& s : prom) {
        if (s.name == "redis_ops_audit_keys_scanned" && s.labels.contains("node")) {
            per_node += s.value;
            ++nodes;
        }
    }
    CHECK(nodes == 3);
    CHECK(per_node == 300);
    double no_ttl_nodes = 0;
    for (const auto& s : prom) {
        if (s.name == "redis_ops_audit_no_ttl_keys" && s.labels.contains("node"))
            no_ttl_nodes += s.value;
    }
    CHECK(no_ttl_nodes == 300);
    CHECK(series(prom, "keys", {{"type", "string"}}) == 300);

    // The HTML report of the same cluster has a row per master, pointing at the JSON's nodes.
    args = cluster.cli_args();
    args.insert(args.end(), {"scan-audit", "--format", "html"});
    CliResult page = run_cli(args);
    REQUIRE(page.exit_code == 0);
    CHECK(page.out.find("id=\"nodes-table\"") != std::string::npos);
    CHECK(page.out.find("cluster of 3 masters") != std::string::npos);
    for (int i = 0; i < 3; ++i)
        CHECK(page.out.find("data-json=\"/nodes/" + std::to_string(i) + "/keys_scanned\"") !=
              std::string::npos);
}

TEST_CASE("--output replaces the file atomically: a reader polling it never sees half a report") {
    RedisServer server({"--slowlog-log-slower-than", "0"});
    load_hostile_keyspace(server);
    TempDir dir;
    fs::path file = fs::path(dir.path()) / "audit.json";
    CliResult first =
        run_cli(server, {"scan-audit", "--format", "json", "--output", file.string()});
    REQUIRE(first.exit_code == 0);
    CHECK(first.out.empty());
    json j = json::parse(slurp(file));
    CHECK(j["keys_scanned"].get<int>() > 100);

    std::atomic<bool> stop{false};
    std::atomic<int> reads{0}, torn{0};
    std::thread reader([&] {
        while (!stop) {
            std::string text = slurp(file);
            if (!json::accept(text)) ++torn;
            ++reads;
        }
    });
    for (int i = 0; i < 15; ++i) {
        for (const char* format : {"json", "prometheus", "html"}) {
            fs::path target = format == std::string("json")
                                  ? file
                                  : fs::path(dir.path()) / (std::string("audit.") + format);
            CliResult r =
                run_cli(server, {"scan-audit", "--format", format, "--output", target.string()});
            CHECK(r.exit_code == 0);
        }
    }
    stop = true;
    reader.join();
    CHECK(reads > 0);
    CHECK(torn == 0);
    CHECK(entries(dir.path()) == 3);  // audit.json, audit.prometheus, audit.html: no temp files
}

TEST_CASE("--output into a read-only directory exits 74 before the walk, the old file intact") {
    RedisServer server;
    server.connect().command({"SET", "k", "v"});
    TempDir dir;
    std::string ro = dir.path() + "/ro";
    SmallMount mount(ro, "size=64k,mode=0755");
    if (!mount.mounted()) {
        MESSAGE("cannot mount a tmpfs (not root?): using a directory without write permission");
        fs::create_directories(ro);
    }
    fs::path file = fs::path(ro) / "audit.prom";
    spit(file, "old report\n");
    if (mount.mounted())
        REQUIRE(mount.remount_read_only());
    else
        fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
    if (!mount.mounted() && ::geteuid() == 0) {
        MESSAGE("root ignores directory permissions and no tmpfs could be mounted: skipped");
        return;
    }
    CliResult r =
        run_cli(server, {"scan-audit", "--format", "prometheus", "--output", file.string()});
    CHECK(r.exit_code == 74);
    CHECK(r.err.find("cannot write output: " + file.string()) != std::string::npos);
    CHECK(slurp(file) == "old report\n");
    CHECK(entries(ro) == 1);
    if (!mount.mounted()) fs::permissions(ro, fs::perms::owner_all);
}

TEST_CASE("--output on a full device exits 74, removes its temp file and keeps the old file") {
    RedisServer server({"--slowlog-log-slower-than", "0"});
    load_hostile_keyspace(server);
    TempDir dir;
    std::string full = dir.path() + "/full";
    SmallMount mount(full, "size=64k");
    if (!mount.mounted()) {
        MESSAGE("cannot mount a 64 KiB tmpfs (not root?): the full-device case is skipped");
        return;
    }
    fs::path file = fs::path(full) / "audit.json";
    spit(file, "old report\n");
    // 16 pages of 4 KiB: the old file takes one, the filler the other fifteen.
    spit(fs::path(full) / "filler", std::string(60 * 1024, 'f'));
    CliResult r = run_cli(server, {"scan-audit", "--format", "json", "--output", file.string()});
    CHECK(r.exit_code == 74);
    CHECK(r.err.find("No space left on device") != std::string::npos);
    CHECK(slurp(file) == "old report\n");
    CHECK(entries(full) == 2);  // the old file and the filler: the temp file is gone
}

TEST_CASE("--output through a symlink replaces the file it names and keeps the link") {
    RedisServer server;
    server.connect().command({"SET", "k", "v"});
    TempDir dir;
    fs::create_directories(fs::path(dir.path()) / "reports");
    fs::path real = fs::path(dir.path()) / "reports" / "audit.prom";
    spit(real, "old report\n");
    fs::path link = fs::path(dir.path()) / "current.prom";  // what a collector is pointed at
    fs::create_symlink("reports/audit.prom", link);
    CliResult r =
        run_cli(server, {"scan-audit", "--format", "prometheus", "--output", link.string()});
    REQUIRE(r.exit_code == 0);
    CHECK(fs::is_symlink(link));
    CHECK(slurp(real).find("redis_ops_audit_keys_scanned") != std::string::npos);
    CHECK(entries(fs::path(dir.path()) / "reports") == 1);  // no temp file left beside it
}

TEST_CASE("a report to a full stdout (/dev/full) exits 74, --output refuses a device") {
    RedisServer server;
    server.connect().command({"SET", "k", "v"});

    CliResult r =
        run_command({"sh", "-c", "exec \"$0\" -p \"$1\" scan-audit --format prometheus > /dev/full",
                     cli_path(), std::to_string(server.port())});
    CHECK(r.exit_code == 74);
    CHECK(r.err.find("cannot write output") != std::string::npos);
    CliResult dev = run_cli(server, {"scan-audit", "--format", "json", "--output", "/dev/null"});
    CHECK(dev.exit_code == 74);
    CHECK(dev.err.find("not a regular file") != std::string::npos);
    CHECK(fs::is_character_file("/dev/null"));
}

TEST_CASE(
    "the HTML report escapes every hostile key, allows no fetch, and carries the JSON numbers") {
    RedisServer server({"--slowlog-log-slower-than", "0"});
    load_hostile_keyspace(server);
    CliResult r = run_cli(server, {"scan-audit", "--format", "html"});
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const std::string& page = r.out;
    CHECK(is_valid_utf8(page));
    CHECK(page.find("Content-Security-Policy") != std::string::npos);
    CHECK(page.find("default-src 'none'") != std::string::npos);
    CHECK(page.find("unsafe-inline") == std::string::npos);
    // Exactly the two script elements the page brings: the JSON island and the filter script.
    size_t scripts = 0;
    for (size_t at = page.find("<script"); at != std::string::npos;
         at = page.find("<script", at + 1))
        ++scripts;
    CHECK(scripts == 2);
    for (const char* raw : {"<img", "<svg onload", "onerror=alert(1)>", "<b>feed</b>",
                            "\" onmouseover=\"", "]]><!--"}) {
        INFO("raw markup " << raw);
        CHECK(page.find(raw) == std::string::npos);
    }
    CHECK(page.find("&lt;img src=x onerror=alert(*)&gt;") != std::string::npos);
    CHECK(page.find("&lt;img src=x onerror=alert(7)&gt;*") != std::string::npos);  // slow log
    CHECK(page.find("http://") == std::string::npos);
    CHECK(page.find("https://") == std::string::npos);

    std::string open = "<script type=\"application/json\" id=\"report-data\">";
    size_t from = page.find(open);
    REQUIRE(from != std::string::npos);
    from += open.size();
    json island = json::parse(page.substr(from, page.find("</script>", from) - from));
    json j = audit_json(server.port_args());
    // TTLs count down between the two audits; the rest of each pattern row must match.
    for (json* report : {&island, &j}) {
        for (auto& p : (*report)["patterns"]) {
            for (const char* f : {"ttl_min_ms", "ttl_p50_ms", "ttl_max_ms"}) p.erase(f);
        }
    }
    for (const char* path :
         {"/keys_scanned", "/memory/total_bytes", "/no_ttl/count", "/no_ttl/bytes",
          "/big_keys_count", "/keys_command/calls", "/ttl", "/types", "/memory/size_distribution",
          "/no_ttl/patterns/0/keys", "/patterns", "/server"}) {
        INFO("path " << path);
        CHECK(island.at(json::json_pointer(path)) == j.at(json::json_pointer(path)));
    }
    // Every data-json number on the page is the island's number at that path.
    std::regex attr("data-json=\"([^\"]+)\" data-value=\"([0-9]+)\"");
    size_t checked = 0;
    for (auto it = std::sregex_iterator(page.begin(), page.end(), attr);
         it != std::sregex_iterator(); ++it) {
        json at = island.at(json::json_pointer((*it)[1].str()));
        uint64_t shown = std::stoull((*it)[2].str());
        INFO("data-json " << (*it)[1].str());
        CHECK((at.is_boolean() ? uint64_t{at.get<bool>()} : at.get<uint64_t>()) == shown);
        ++checked;
    }
    CHECK(checked > 30);
}

TEST_CASE("the HTML report stays small when every key is its own long pattern") {
    RedisServer server;
    Connection c = server.connect();
    Pipeline p(c);
    // 4000 keys of 180 bytes, each a pattern of its own (letters, no ids): the worst case for
    // the pattern tables, which the page and its island both cap.
    for (int i = 0; i < 4000; ++i) {
        std::string name;
        for (int n = i; name.size() < 180; n = n / 26 + 7) name += static_cast<char>('a' + n % 26);
        p.add({"SET", name + ":k", "v"});
    }
    for (const auto& r : p.exec()) REQUIRE_FALSE(r.is_error());
    for (const char* cap : {"1000", "100000"}) {
        CliResult r = run_cli(server, {"scan-audit", "--format", "html", "--max-patterns", cap});
        REQUIRE(r.exit_code == 0);
        INFO("--max-patterns " << std::string(cap) << ": " << r.out.size() << " bytes");
        CHECK(r.out.size() < 2u * 1024 * 1024);
        CHECK(r.out.size() < 1024u * 1024);
    }
}
