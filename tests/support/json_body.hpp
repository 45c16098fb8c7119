// Reading and writing the small JSON bodies of Parley's HTTP API in tests.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include <rapidjson/document.h>

namespace parley::testing {

/// Parses `text`; throws std::runtime_error when it is not JSON.
rapidjson::Document parse_json(const std::string& text);

/// A JSON object of string members, properly escaped.
std::string
json_object(std::initializer_list<std::pair<std::string, std::string>> members);

/// The string member `name` of object `value`, nullopt when absent or not a
/// string.
std::optional<std::string> string_member(const rapidjson::Value& value,
                                         const char* name);

/// The integer member `name` of object `value`, nullopt when absent or not
/// an integer.
std::optional<std::int64_t> int_member(const rapidjson::Value& value,
                                       const char* name);

/// The error code of a body shaped {"error":{"code":"...","message":"..."}}
/// (both strings, message non-empty); nullopt for any other body.
std::optional<std::string> error_code_of(const std::string& body);

} // namespace parley::testing
