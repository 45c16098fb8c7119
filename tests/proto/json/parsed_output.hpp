// Test support: parses codec output back with RapidJSON and reads members.
#pragma once

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <rapidjson/document.h>

namespace parley::test {

/// Parses `text` strictly (whole text, valid UTF-8); fails the test if not.
inline rapidjson::Document parse_output(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

/// The member names of an object, in document order.
inline std::vector<std::string> keys_of(const rapidjson::Value& object) {
  REQUIRE(object.IsObject());
  std::vector<std::string> result;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it)
    result.emplace_back(it->name.GetString(), it->name.GetStringLength());
  return result;
}

/// The string member `name`; fails the test when absent or not a string.
inline std::string string_member(const rapidjson::Value& object,
                                 const char* name) {
  REQUIRE(object.IsObject());
  auto it = object.FindMember(name);
  REQUIRE(it != object.MemberEnd());
  REQUIRE(it->value.IsString());
  return {it->value.GetString(), it->value.GetStringLength()};
}

/// The int64 member `name`; fails the test when absent or not an integer.
inline std::int64_t int_member(const rapidjson::Value& object,
                               const char* name) {
  REQUIRE(object.IsObject());
  auto it = object.FindMember(name);
  REQUIRE(it != object.MemberEnd());
  REQUIRE(it->value.IsInt64());
  return it->value.GetInt64();
}

} // namespace parley::test
