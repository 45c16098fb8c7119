// deploy/grafana/parley-dashboard.json is a well-formed Grafana dashboard
// whose every query names only metrics a running node exports, and which a
// real Prometheus scraping that node evaluates to data. The node here runs
// alone; the Cluster row's panels are evaluated against a real cluster in
// tests/cluster/dashboard_test.cpp.
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/deploy/command.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/dashboard_queries.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/prometheus_server.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/token_key_file.hpp"

using namespace parley::testing;

namespace {

const std::string dashboard_file = "deploy/grafana/parley-dashboard.json";

/// A node on a fresh database, with its admin listener on a free port,
/// that has answered a sign-up and a login (the HTTP requests panel's
/// series appear with the first request).
struct admin_node {
  admin_node() { register_and_login(process.port(), "dashboard", "password1"); }

  test_database database;
  token_key_file key;
  node_process process{
      {"--db", database.url(), "--token-key-file", key.path()}};

  /// HOST:PORT of its admin listener.
  std::string admin_address() const {
    auto port = process.admin_port();
    if (!port) throw std::runtime_error("the node has no admin listener");
    return "127.0.0.1:" + std::to_string(*port);
  }
};

/// A small /metrics page: a gauge, a counter and a histogram.
const std::string sample_page = R"(# HELP parley_open_connections Open.
# TYPE parley_open_connections gauge
parley_open_connections 2
# TYPE parley_messages_stored_total counter
parley_messages_stored_total 5
# TYPE parley_commit_duration_seconds histogram
parley_commit_duration_seconds_bucket{le="0.001"} 1
parley_commit_duration_seconds_bucket{le="+Inf"} 1
parley_commit_duration_seconds_sum 0.0004
parley_commit_duration_seconds_count 1
)";

/// A dashboard with one row holding `panel`, for the malformed cases.
std::string dashboard_with(const std::string& panel) {
  return R"({"templating":{"list":[{"type":"datasource","name":"ds",
    "query":"prometheus"}]},"panels":[{"type":"row","id":1,"title":"Row",
    "panels":[)" +
         panel + "]}]}";
}

/// True for the panels a node without cluster mode can fill.
bool single_node_panel(const dashboard_panel& panel) {
  return panel.row != cluster_row;
}

bool has_problem(const dashboard& board, const std::string& text) {
  for (const auto& problem : board.problems)
    if (problem.find(text) != std::string::npos) return true;
  return false;
}

} // namespace

TEST_CASE("the dashboard is well-formed: every panel has a title and queries "
          "the datasource variable") {
  auto board = read_dashboard(read_text(repo_file(dashboard_file)));
  for (const auto& problem : board.problems)
    FAIL_CHECK(problem);
  CHECK(board.panels.size() >= 12);
  std::set<std::string> rows;
  for (const auto& panel : board.panels) {
    INFO("panel '" << panel.title << "'");
    CHECK_FALSE(panel.title.empty());
    CHECK_FALSE(panel.row.empty());
    CHECK_FALSE(panel.exprs.empty());
    rows.insert(panel.row);
  }
  CHECK(rows.count(cluster_row) == 1);
  CHECK(rows.size() >= 5);
}

TEST_CASE("the Cluster row's panels, and only they, query the cluster's "
          "metrics") {
  auto board = read_dashboard(read_text(repo_file(dashboard_file)));
  REQUIRE(board.problems.empty());
  int cluster_panels = 0;
  for (const auto& panel : board.panels) {
    INFO("panel '" << panel.title << "' in row '" << panel.row << "'");
    bool in_cluster_row = !single_node_panel(panel);
    cluster_panels += in_cluster_row ? 1 : 0;
    for (const auto& expr : panel.exprs)
      for (const auto& name : metric_names(expr))
        CHECK((name.rfind("parley_cluster_", 0) == 0) == in_cluster_row);
  }
  CHECK(cluster_panels >= 4);
}

TEST_CASE("every metric the dashboard queries outside the Cluster row is one "
          "a single running node exports") {
  auto board = read_dashboard(read_text(repo_file(dashboard_file)));
  REQUIRE(board.problems.empty());
  admin_node node;
  auto page =
      http_request("127.0.0.1", *node.process.admin_port(), "GET", "/metrics");
  REQUIRE(page.status == 200);
  auto queries = queries_of(board, single_node_panel);
  std::set<std::string> used;
  for (const auto& query : queries)
    for (const auto& name : metric_names(query))
      used.insert(name);
  // The reader found the dashboard's names at all, or the next check would
  // pass on nothing.
  CHECK(used.size() >= 15);
  auto missing = missing_names(queries, exported_series(page.body));
  CHECK_MESSAGE(missing.empty(),
                "the node does not export: " << joined(missing));
}

TEST_CASE("Prometheus scraping a single node evaluates every query outside "
          "the Cluster row to data") {
  auto board = read_dashboard(read_text(repo_file(dashboard_file)));
  REQUIRE(board.problems.empty());
  admin_node node;
  prometheus_server prometheus{{{node.admin_address()}}};
  {
    // Three successful scrapes inside the 10 s that $__rate_interval
    // stands for: every rate() below has samples to work with.
    INFO("prometheus log:\n" << prometheus.log());
    auto scrapes = prometheus.wait_for(
        "sum_over_time(up[10s])", [](const prometheus_vector& s) {
          return s.size() == 1 && s[0].value >= 3;
        });
    REQUIRE(scrapes.size() == 1);
    REQUIRE(scrapes[0].value >= 3);
  }
  for (const auto& panel : board.panels) {
    if (!single_node_panel(panel)) continue;
    for (const auto& expr : panel.exprs) {
      auto query = with_variables(expr, test_variables());
      INFO("panel '" << panel.title << "': " << query);
      try {
        CHECK_FALSE(prometheus.query(query).empty());
      } catch (const std::runtime_error& refused) {
        FAIL_CHECK(refused.what());
      }
    }
  }
}

TEST_CASE("a name the node does not export is caught and named: an unknown "
          "metric, a gauge's _bucket, a histogram's bare family name") {
  auto exported = exported_series(sample_page);
  CHECK(exported == std::set<std::string>{
                        "parley_commit_duration_seconds_bucket",
                        "parley_commit_duration_seconds_count",
                        "parley_commit_duration_seconds_sum",
                        "parley_messages_stored_total",
                        "parley_open_connections",
                    });
  CHECK(missing_names({"rate(parley_messages_lost_total[1m])"}, exported) ==
        std::set<std::string>{"parley_messages_lost_total"});
  CHECK(missing_names({"parley_open_connections_bucket"}, exported) ==
        std::set<std::string>{"parley_open_connections_bucket"});
  CHECK(missing_names({"rate(parley_commit_duration_seconds[1m])"}, exported) ==
        std::set<std::string>{"parley_commit_duration_seconds"});
  CHECK(missing_names({"histogram_quantile(0.9, sum by (le) "
                       "(rate(parley_commit_duration_seconds_bucket[1m])))",
                       "parley_open_connections"},
                      exported)
            .empty());
}

TEST_CASE("metric names are whole identifiers found outside quotes, each "
          "once") {
  CHECK(metric_names("sum by (instance) (rate(parley_acks_received_total"
                     "{job=\"parley_nodes\", code='process_x'}[5m])) / "
                     "process_open_fds + my_parley_thing + "
                     "parley_acks_received_total") ==
        std::vector<std::string>{"parley_acks_received_total",
                                 "process_open_fds"});
  CHECK(metric_names("up{job=\"a \\\" parley_quoted\"} + vector(1)").empty());
  CHECK(metric_names(
            "label_values(parley_open_connections{job=\"$job\"}, instance)") ==
        std::vector<std::string>{"parley_open_connections"});
}

TEST_CASE("a malformed dashboard is reported by what is wrong where") {
  CHECK(has_problem(read_dashboard("{\"panels\": [,]}"), "not JSON"));
  CHECK(has_problem(read_dashboard("[]"), "not a JSON object"));
  CHECK(has_problem(read_dashboard(R"({"panels":[]})"), "no panels"));
  CHECK(has_problem(read_dashboard(R"({"panels":[{"id":1,"title":"t",
    "type":"timeseries","datasource":{"uid":"${ds}"},"targets":[{"expr":
    "up"}]}]})"),
                    "no datasource variable"));
  const std::string ds = R"("datasource":{"type":"prometheus","uid":"${ds}"})";
  auto untitled =
      read_dashboard(dashboard_with(R"({"id":2,"type":"timeseries",)" + ds +
                                    R"(,"targets":[{"expr":"up"}]})"));
  CHECK(has_problem(untitled, "a panel without a title"));
  auto no_targets = read_dashboard(
      dashboard_with(R"({"id":2,"title":"Empty","type":"stat",)" + ds + "}"));
  CHECK(has_problem(no_targets, "panel 'Empty' has no target"));
  auto no_expr = read_dashboard(
      dashboard_with(R"({"id":2,"title":"Blank","type":"stat",)" + ds +
                     R"(,"targets":[{"refId":"A"}]})"));
  CHECK(has_problem(no_expr, "panel 'Blank' has a target without expr"));
  auto reused =
      read_dashboard(dashboard_with(R"({"id":1,"title":"Twin","type":"stat",)" +
                                    ds + R"(,"targets":[{"expr":"up"}]})"));
  CHECK(has_problem(reused, "panel 'Twin' reuses id 1"));
  auto other_source = read_dashboard(dashboard_with(
      R"({"id":2,"title":"Fixed","type":"stat","datasource":{"uid":"abc"},
      "targets":[{"expr":"up"}]})"));
  CHECK(has_problem(other_source,
                    "panel 'Fixed' does not query the datasource variable"));
  auto fine =
      read_dashboard(dashboard_with(R"({"id":2,"title":"Fine","type":"stat",)" +
                                    ds + R"(,"targets":[{"expr":"up"}]})"));
  CHECK(fine.problems.empty());
  REQUIRE(fine.panels.size() == 1);
  CHECK(fine.panels[0].exprs == std::vector<std::string>{"up"});
  CHECK(fine.panels[0].row == "Row");
}

TEST_CASE("a panel belongs to the row it is nested in or, in an open row, "
          "to the last row before it") {
  const std::string ds = R"("datasource":{"type":"prometheus","uid":"${ds}"})";
  auto panel = [&](int id, const std::string& title) {
    return R"({"id":)" + std::to_string(id) + R"(,"title":")" + title +
           R"(","type":"stat",)" + ds + R"(,"targets":[{"expr":"up"}]})";
  };
  auto board = read_dashboard(
      R"({"templating":{"list":[{"type":"datasource","name":"ds",
      "query":"prometheus"}]},"panels":[)" +
      panel(1, "Loose") + R"(,{"type":"row","id":2,"title":"Open",
      "panels":[]},)" +
      panel(3, "First") + "," + panel(4, "Second") +
      R"(,{"type":"row","id":5,"title":"Closed","panels":[)" +
      panel(6, "Folded") + "]}]}");
  CHECK(board.problems.empty());
  REQUIRE(board.panels.size() == 4);
  CHECK(board.panels[0].row.empty());
  CHECK(board.panels[1].row == "Open");
  CHECK(board.panels[2].row == "Open");
  CHECK(board.panels[3].row == "Closed");
}

TEST_CASE("Grafana variables are replaced, and an unknown one is an error "
          "naming it") {
  CHECK(with_variables("rate(x{job=\"$job\", i=~\"${instance}\"}"
                       "[$__rate_interval])",
                       test_variables()) ==
        "rate(x{job=\"parley\", i=~\".*\"}[10s])");
  CHECK_THROWS_WITH_AS(with_variables("x{node=\"$node\"}", test_variables()),
                       doctest::Contains("$node"), std::runtime_error);
}
