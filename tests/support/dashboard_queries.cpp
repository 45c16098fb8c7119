// What a Grafana dashboard asks Prometheus (see dashboard_queries.hpp).
#include "tests/support/dashboard_queries.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "tests/support/prometheus_server.hpp"

namespace parley::testing {

namespace {

/// The prefixes of the names the node exports; other identifiers in a query
/// are functions, label names or keywords.
constexpr const char* metric_prefixes[] = {"parley_", "process_"};

bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}

std::string string_of(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject() || !object.HasMember(name) || !object[name].IsString())
    return {};
  return object[name].GetString();
}

/// The uid of a `datasource` member ({"type":..,"uid":..}), "" if none.
std::string datasource_uid(const rapidjson::Value& object) {
  if (!object.IsObject() || !object.HasMember("datasource")) return {};
  return string_of(object["datasource"], "uid");
}

/// Walks the panels, rows' nested panels included, into `out`.
class panel_reader {
public:
  panel_reader(dashboard& out, std::string datasource)
      : out_(out)
      , datasource_(std::move(datasource)) {}

  void read_all(const rapidjson::Value& panels) {
    for (const auto& panel : panels.GetArray())
      read(panel);
  }

private:
  void read(const rapidjson::Value& panel) {
    if (!panel.IsObject()) return problem("a panel that is not an object");
    auto title = string_of(panel, "title");
    auto where = "panel '" + title + "'";
    if (!panel.HasMember("id") || !panel["id"].IsInt())
      problem(where + " has no id");
    else if (!ids_.insert(panel["id"].GetInt()).second)
      problem(where + " reuses id " + std::to_string(panel["id"].GetInt()));
    if (title.empty()) problem("a panel without a title");
    if (string_of(panel, "type") == "row") {
      // A row holds its panels when collapsed; an open row is followed by
      // them at the top level, up to the next row.
      row_ = title;
      if (panel.HasMember("panels") && panel["panels"].IsArray())
        read_all(panel["panels"]);
      return;
    }
    if (datasource_uid(panel) != datasource_)
      problem(where + " does not query the datasource variable " + datasource_);
    dashboard_panel read{title, row_, {}};
    if (panel.HasMember("targets") && panel["targets"].IsArray())
      for (const auto& target : panel["targets"].GetArray()) {
        auto expr = string_of(target, "expr");
        if (expr.empty())
          problem(where + " has a target without expr");
        else
          read.exprs.push_back(expr);
      }
    if (read.exprs.empty()) problem(where + " has no target");
    out_.panels.push_back(std::move(read));
  }

  void problem(const std::string& text) { out_.problems.push_back(text); }

  dashboard& out_;
  std::string datasource_; ///< "${name}" of the datasource variable
  std::set<int> ids_;
  std::string row_; ///< the row the panels read next are under
};

/// Fills the variable queries and returns "${name}" of the Prometheus
/// datasource variable, or "" when the dashboard has none.
std::string read_variables(const rapidjson::Value& doc, dashboard& out) {
  if (!doc.HasMember("templating") || !doc["templating"].IsObject() ||
      !doc["templating"].HasMember("list") ||
      !doc["templating"]["list"].IsArray())
    return {};
  std::string datasource;
  for (const auto& variable : doc["templating"]["list"].GetArray()) {
    auto type = string_of(variable, "type");
    if (type == "datasource" && string_of(variable, "query") == "prometheus")
      datasource = "${" + string_of(variable, "name") + "}";
    if (type != "query" || !variable.HasMember("query")) continue;
    // Grafana writes a query variable's query as a string or, since 9.x,
    // as an object holding it.
    const auto& query = variable["query"];
    auto text =
        query.IsString() ? query.GetString() : string_of(query, "query");
    if (!text.empty()) out.variable_queries.push_back(text);
  }
  return datasource;
}

} // namespace

dashboard read_dashboard(const std::string& json) {
  dashboard out;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    out.problems.push_back(std::string("not JSON: ") +
                           rapidjson::GetParseError_En(doc.GetParseError()) +
                           " at offset " +
                           std::to_string(doc.GetErrorOffset()));
    return out;
  }
  if (!doc.IsObject()) {
    out.problems.push_back("not a JSON object");
    return out;
  }
  auto datasource = read_variables(doc, out);
  if (datasource.empty())
    out.problems.push_back("no datasource variable of type prometheus");
  if (!doc.HasMember("panels") || !doc["panels"].IsArray() ||
      doc["panels"].Empty()) {
    out.problems.push_back("no panels");
    return out;
  }
  panel_reader{out, datasource}.read_all(doc["panels"]);
  return out;
}

dashboard read_parley_dashboard() {
  auto root = std::getenv("PARLEY_SOURCE_ROOT");
  if (root == nullptr || *root == '\0')
    throw std::runtime_error("PARLEY_SOURCE_ROOT is not set (meson test "
                             "sets it)");
  auto path = std::string{root} + "/deploy/grafana/parley-dashboard.json";
  std::ifstream in{path, std::ios::binary};
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return read_dashboard(text.str());
}

std::vector<std::string> all_queries(const dashboard& board) {
  return queries_of(board, [](const dashboard_panel&) { return true; });
}

std::set<std::string> missing_names(const std::vector<std::string>& queries,
                                    const std::set<std::string>& exported) {
  std::set<std::string> missing;
  for (const auto& query : queries)
    for (const auto& name : metric_names(query))
      if (exported.count(name) == 0) missing.insert(name);
  return missing;
}

std::string joined(const std::set<std::string>& names) {
  std::string text;
  for (const auto& name : names)
    text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::map<std::string, std::string> test_variables() {
  return {
      {"job", prometheus_job}, {"instance", ".*"}, {"__rate_interval", "10s"}};
}

std::vector<std::string> metric_names(const std::string& expr) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < expr.size();) {
    char c = expr[i];
    if (c == '"' || c == '\'' || c == '`') {
      // A string literal: skip to its unescaped end.
      for (++i; i < expr.size() && expr[i] != c; ++i)
        if (expr[i] == '\\') ++i;
      ++i;
      continue;
    }
    if (!identifier_char(c)) {
      ++i;
      continue;
    }
    auto end = i;
    while (end < expr.size() && identifier_char(expr[end]))
      ++end;
    auto word = expr.substr(i, end - i);
    i = end;
    for (auto prefix : metric_prefixes)
      if (word.rfind(prefix, 0) == 0 &&
          std::find(names.begin(), names.end(), word) == names.end())
        names.push_back(word);
  }
  return names;
}

std::set<std::string> exported_series(const std::string& page) {
  std::set<std::string> series;
  std::istringstream lines{page};
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words{line.substr(7)};
      std::string name;
      std::string type;
      words >> name >> type;
      if (type == "histogram")
        for (auto suffix : {"_bucket", "_sum", "_count"})
          series.insert(name + suffix);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    series.insert(line.substr(0, line.find_first_of("{ ")));
  }
  return series;
}

std::string with_variables(const std::string& expr,
                           const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < expr.size(); ++i) {
    if (expr[i] != '$') {
      out += expr[i];
      continue;
    }
    std::string name;
    if (i + 1 < expr.size() && expr[i + 1] == '{') {
      auto close = expr.find('}', i);
      if (close == std::string::npos)
        throw std::runtime_error("unclosed ${ in: " + expr);
      name = expr.substr(i + 2, close - i - 2);
      i = close;
    } else {
      while (i + 1 < expr.size() && identifier_char(expr[i + 1]) &&
             expr[i + 1] != ':')
        name += expr[++i];
    }
    auto value = values.find(name);
    if (value == values.end())
      throw std::runtime_error("unknown Grafana variable $" + name +
                               " in: " + expr);
    out += value->second;
  }
  return out;
}

} // namespace parley::testing
