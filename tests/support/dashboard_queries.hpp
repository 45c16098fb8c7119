// What a Grafana dashboard asks Prometheus: its panels' queries, the metric
// names in them, and the series a node's /metrics page offers in return.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace parley::testing {

/// One graphing panel (rows' nested panels included; rows themselves not).
struct dashboard_panel {
  std::string title;
  std::string row;                ///< title of the row it is under, or ""
  std::vector<std::string> exprs; ///< each target's PromQL, in order
};

/// A dashboard as read from its JSON model.
struct dashboard {
  std::vector<dashboard_panel> panels;
  std::vector<std::string> variable_queries; ///< query variables' queries
  std::vector<std::string> problems;         ///< empty when well-formed
};

/// Reads Grafana's dashboard model from `json`. Each problem names where it
/// is: not JSON, no panels, a panel without title, targets or datasource,
/// a target without expr, a panel id used twice, no datasource variable.
dashboard read_dashboard(const std::string& json);

/// deploy/grafana/parley-dashboard.json of the repository at
/// $PARLEY_SOURCE_ROOT (which meson test sets); throws when unreadable.
dashboard read_parley_dashboard();

/// The row of the dashboard whose panels need a cluster: a node without
/// cluster mode exports none of their names.
constexpr const char* cluster_row = "Cluster";

/// Every query of `board` (variable queries, then each panel's), or only
/// those of panels for which `include(panel)` is true (variables' queries
/// always).
std::vector<std::string> all_queries(const dashboard& board);
template <class Include>
std::vector<std::string> queries_of(const dashboard& board, Include include) {
  std::vector<std::string> queries = board.variable_queries;
  for (const auto& panel : board.panels)
    if (include(panel))
      queries.insert(queries.end(), panel.exprs.begin(), panel.exprs.end());
  return queries;
}

/// The metric names `queries` use that `exported` lacks, each once.
std::set<std::string> missing_names(const std::vector<std::string>& queries,
                                    const std::set<std::string>& exported);

/// `names` as one comma-separated line, for failure messages.
std::string joined(const std::set<std::string>& names);

/// What Grafana would put for the dashboard's variables when every node of
/// the test Prometheus's job is selected. 10 s holds several 1 s scrapes,
/// so rate() has two samples to work with.
std::map<std::string, std::string> test_variables();

/// The metric names (parley_* and process_*) `expr` uses, each once, in
/// order of appearance; quoted strings (label values) are not searched.
std::vector<std::string> metric_names(const std::string& expr);

/// The series names a Prometheus text page (0.0.4) offers: every sample's
/// name, and for each histogram family its _bucket, _sum and _count.
std::set<std::string> exported_series(const std::string& page);

/// `expr` with Grafana's variables ($name or ${name}) replaced by
/// `values`; throws std::runtime_error naming a variable not in `values`.
std::string with_variables(const std::string& expr,
                           const std::map<std::string, std::string>& values);

} // namespace parley::testing
