// The YAML files of deploy/ parse (PyYAML, duplicate keys refused), and
// compose.yaml and the Kubernetes files hold together: what one names, the
// other provides.
#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/deploy/command.hpp"
#include "tests/support/json_body.hpp"
#include "tests/support/temp_dir.hpp"

using namespace parley::testing;

namespace {

/// The documents of each file, as JSON lines from yaml_to_json.py.
command_result yaml_as_json(const std::vector<std::string>& files) {
  std::vector<std::string> argv = {"python3",
                                   repo_file("tests/deploy/yaml_to_json.py")};
  argv.insert(argv.end(), files.begin(), files.end());
  return run_command(argv);
}

/// The one document list of a file that must parse.
rapidjson::Document documents_of(const std::string& relative) {
  auto result = yaml_as_json({repo_file(relative)});
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  auto documents = parse_json(result.output);
  REQUIRE(documents.IsArray());
  return documents;
}

/// The member at `path` below `value`, or nullptr.
const rapidjson::Value* at(const rapidjson::Value& value,
                           std::initializer_list<const char*> path) {
  const rapidjson::Value* node = &value;
  for (auto name : path) {
    if (!node->IsObject() || !node->HasMember(name)) return nullptr;
    node = &(*node)[name];
  }
  return node;
}

std::string string_at(const rapidjson::Value& value,
                      std::initializer_list<const char*> path) {
  auto node = at(value, path);
  return node != nullptr && node->IsString() ? node->GetString() : "";
}

/// The strings of an array (non-strings are skipped).
std::vector<std::string> strings_of(const rapidjson::Value* array) {
  std::vector<std::string> result;
  if (array == nullptr || !array->IsArray()) return result;
  for (const auto& item : array->GetArray())
    if (item.IsString()) result.emplace_back(item.GetString());
  return result;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

/// The Kubernetes document of `kind` in `documents`.
const rapidjson::Value& kind_of(const rapidjson::Document& documents,
                                const std::string& kind,
                                const std::string& name = "") {
  for (const auto& document : documents.GetArray())
    if (string_at(document, {"kind"}) == kind &&
        (name.empty() || string_at(document, {"metadata", "name"}) == name))
      return document;
  FAIL("no " << kind << " " << name);
  return documents[0u]; // not reached: FAIL throws
}

std::vector<std::string> yaml_files() {
  std::vector<std::string> files = {repo_file("deploy/compose.yaml")};
  for (const auto& entry :
       std::filesystem::directory_iterator(repo_file("deploy/kubernetes")))
    if (entry.path().extension() == ".yaml")
      files.push_back(entry.path().string());
  return files;
}

} // namespace

TEST_CASE("compose.yaml and every Kubernetes file parse as YAML") {
  auto files = yaml_files();
  REQUIRE(files.size() >= 6);
  auto result = yaml_as_json(files);
  INFO(result.output);
  CHECK(result.exit_code == 0);
}

TEST_CASE("a repeated key and text that is not YAML are refused") {
  temp_dir dir;
  write_text(dir.file("repeated.yaml"),
             "services:\n  node1:\n    image: a\n    image: b\n");
  write_text(dir.file("broken.yaml"), "services: [node1\n");
  auto repeated = yaml_as_json({dir.file("repeated.yaml")});
  CHECK(repeated.exit_code == 1);
  CHECK(repeated.output.find("duplicate key 'image'") != std::string::npos);
  CHECK(yaml_as_json({dir.file("broken.yaml")}).exit_code == 1);
}

TEST_CASE("compose runs three nodes on a healthy PostgreSQL, each with its "
          "own name, address and certificate") {
  auto documents = documents_of("deploy/compose.yaml");
  const auto& compose = documents[0u];
  CHECK(string_at(compose, {"services", "postgres", "image"}) == "postgres:15");
  CHECK(contains(strings_of(at(compose, {"services", "postgres", "healthcheck",
                                         "test"})),
                 "pg_isready"));
  for (std::string name : {"node1", "node2", "node3"}) {
    CAPTURE(name);
    auto node = at(compose, {"services", name.c_str()});
    REQUIRE(node != nullptr);
    CHECK(string_at(*node, {"depends_on", "postgres", "condition"}) ==
          "service_healthy");
    auto command = strings_of(at(*node, {"command"}));
    CHECK(contains(command, "--node-name=" + name));
    CHECK(contains(command, "--cluster-advertise=" + name + ":7000"));
    CHECK(contains(command, "--listen=0.0.0.0:8080"));
    CHECK(contains(command, "--cluster-listen=0.0.0.0:7000"));
    // Every secret a flag names is mounted and declared.
    auto secrets = strings_of(at(*node, {"secrets"}));
    for (const auto& [flag, secret] :
         std::vector<std::pair<std::string, std::string>>{
             {"--token-key-file", "token_key"},
             {"--cluster-ca-file", "cluster_ca"},
             {"--cluster-cert-file", name + "_cert"},
             {"--cluster-key-file", name + "_key"}}) {
      CHECK(contains(command, flag + "=/run/secrets/" + secret));
      CHECK(contains(secrets, secret));
      CHECK(at(compose, {"secrets", secret.c_str(), "file"}) != nullptr);
    }
  }
  CHECK(contains(strings_of(at(compose, {"services", "haproxy", "ports"})),
                 "8080:8080"));
  CHECK(contains(strings_of(at(compose, {"services", "haproxy", "volumes"})),
                 "./haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro"));
}

TEST_CASE("the StatefulSet names itself after its pods, probes /readyz and "
          "/healthz, and drains before it stops") {
  auto documents = documents_of("deploy/kubernetes/statefulset.yaml");
  const auto& set = kind_of(documents, "StatefulSet");
  CHECK(string_at(set, {"spec", "serviceName"}) == "parley-cluster");
  CHECK(string_at(set, {"spec", "podManagementPolicy"}) == "Parallel");
  auto pod = at(set, {"spec", "template", "spec"});
  REQUIRE(pod != nullptr);
  const auto& container = (*pod)["containers"][0u];
  auto args = strings_of(at(container, {"args"}));
  CHECK(contains(args, "--node-name=$(POD_NAME)"));
  CHECK(contains(args, "--cluster-advertise=$(POD_NAME).parley-cluster."
                       "$(NAMESPACE).svc.cluster.local:7000"));
  std::set<std::string> downward;
  for (const auto& variable : container["env"].GetArray())
    if (auto field = at(variable, {"valueFrom", "fieldRef", "fieldPath"}))
      downward.insert(std::string(variable["name"].GetString()) + "=" +
                      field->GetString());
  CHECK(downward == std::set<std::string>{"POD_NAME=metadata.name",
                                          "NAMESPACE=metadata.namespace"});
  CHECK(string_at(container, {"readinessProbe", "httpGet", "path"}) ==
        "/readyz");
  CHECK(string_at(container, {"livenessProbe", "httpGet", "path"}) ==
        "/healthz");
  auto pre_stop = strings_of(at(container, {"lifecycle", "preStop", "exec",
                                            "command"}));
  REQUIRE(pre_stop.size() == 2);
  CHECK(pre_stop[0] == "sleep");
  // The grace period covers the sleep and the node's own shutdown (sessions
  // get 5 s).
  auto grace = at(*pod, {"terminationGracePeriodSeconds"});
  REQUIRE(grace != nullptr);
  CHECK(grace->GetInt() >= std::stoi(pre_stop[1]) + 5);
}

TEST_CASE("the Kubernetes files name only services, secrets and labels that "
          "they define") {
  auto statefulset = documents_of("deploy/kubernetes/statefulset.yaml");
  auto services = documents_of("deploy/kubernetes/services.yaml");
  auto secrets = documents_of("deploy/kubernetes/secret.yaml");
  auto budget = documents_of("deploy/kubernetes/pod-disruption-budget.yaml");
  auto kustomization = documents_of("deploy/kubernetes/kustomization.yaml");
  const auto& set = kind_of(statefulset, "StatefulSet");
  auto labels = at(set, {"spec", "template", "metadata", "labels"});
  REQUIRE(labels != nullptr);
  auto selected_by = [&](const rapidjson::Value* selector) {
    REQUIRE(selector != nullptr);
    for (const auto& member : selector->GetObject())
      CHECK(string_at(*labels, {member.name.GetString()}) ==
            member.value.GetString());
  };
  selected_by(at(set, {"spec", "selector", "matchLabels"}));
  selected_by(at(kind_of(budget, "PodDisruptionBudget"),
                 {"spec", "selector", "matchLabels"}));
  const auto& headless = kind_of(services, "Service", "parley-cluster");
  CHECK(string_at(headless, {"spec", "clusterIP"}) == "None");
  auto publish = at(headless, {"spec", "publishNotReadyAddresses"});
  CHECK((publish != nullptr && publish->IsBool() && publish->GetBool()));
  selected_by(at(headless, {"spec", "selector"}));
  selected_by(at(kind_of(services, "Service", "parley"), {"spec", "selector"}));
  // Secret names and keys the pods use exist.
  const auto& pod = *at(set, {"spec", "template", "spec"});
  for (const auto& volume : pod["volumes"].GetArray()) {
    auto secret = string_at(volume, {"secret", "secretName"});
    if (!secret.empty()) CHECK(kind_of(secrets, "Secret", secret).IsObject());
  }
  const auto& tls = kind_of(secrets, "Secret", "parley-cluster-tls");
  for (std::string name : {"ca.pem", "parley-0.pem", "parley-0.key",
                           "parley-2.pem", "parley-2.key"})
    CHECK(at(tls, {"stringData", name.c_str()}) != nullptr);
  for (const auto& resource :
       strings_of(at(kustomization[0u], {"resources"}))) {
    CAPTURE(resource);
    CHECK(std::filesystem::exists(repo_file("deploy/kubernetes/" + resource)));
  }
}
