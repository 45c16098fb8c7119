// Reading and writing the small JSON bodies of Parley's HTTP API in tests.
#include "tests/support/json_body.hpp"

#include <stdexcept>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace parley::testing {

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  if (document.HasParseError()) throw std::runtime_error("not JSON: " + text);
  return document;
}

std::string json_object(
    std::initializer_list<std::pair<std::string, std::string>> members) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
  writer.StartObject();
  for (const auto& [name, value] : members) {
    writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<std::string> string_member(const rapidjson::Value& value,
                                         const char* name) {
  if (!value.IsObject()) return std::nullopt;
  auto it = value.FindMember(name);
  if (it == value.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<std::int64_t> int_member(const rapidjson::Value& value,
                                       const char* name) {
  if (!value.IsObject()) return std::nullopt;
  auto it = value.FindMember(name);
  if (it == value.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

std::optional<std::string> error_code_of(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject() ||
      document.MemberCount() != 1)
    return std::nullopt;
  auto error = document.FindMember("error");
  if (error == document.MemberEnd() || !error->value.IsObject())
    return std::nullopt;
  auto code = string_member(error->value, "code");
  auto message = string_member(error->value, "message");
  if (!code || code->empty() || !message || message->empty())
    return std::nullopt;
  return code;
}

} // namespace parley::testing
