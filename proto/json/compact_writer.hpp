// Internal to the JSON codec and the operators' reports (actors/admin): a
// compact RapidJSON writer with members that
// take string_view and int64, so encoders read as lists of fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <rapidjson/writer.h>

namespace parley::json::detail {

/// A RapidJSON output stream that appends to a std::string, so the text is
/// built where it will live: no intermediate buffer and no copy at the end.
class string_sink {
public:
  using Ch = char;

  explicit string_sink(std::string& out)
      : out_(out) {}

  void Put(char c) { out_.push_back(c); }
  void Flush() {}

private:
  std::string& out_;
};

/// Builds one JSON text; strings are escaped by RapidJSON and passed through
/// as UTF-8 (they come from validated input or from our own code).
class compact_writer {
public:
  /// `expected_bytes` is reserved up front; a good guess means one
  /// allocation per text.
  explicit compact_writer(std::size_t expected_bytes = 128)
      : sink_(text_)
      , writer_(sink_) {
    text_.reserve(expected_bytes);
  }

  compact_writer(const compact_writer&) = delete;
  compact_writer& operator=(const compact_writer&) = delete;

  /// Opens an object, as a member `key` when one is given.
  void open_object(std::string_view key = {}) {
    if (!key.empty()) write_key(key);
    writer_.StartObject();
  }

  /// Closes the innermost object.
  void close_object() { writer_.EndObject(); }

  /// Opens an array, as the member `key` when one is given.
  void open_array(std::string_view key = {}) {
    if (!key.empty()) write_key(key);
    writer_.StartArray();
  }

  /// Closes the innermost array.
  void close_array() { writer_.EndArray(); }

  /// Writes the member `key` with a string value.
  void member(std::string_view key, std::string_view value) {
    write_key(key);
    writer_.String(value.data(), size_of(value));
  }

  /// Writes the member `key` with an integer value.
  void member(std::string_view key, std::int64_t value) {
    write_key(key);
    writer_.Int64(value);
  }

  /// Writes the member `key` with a boolean value (not an overload of
  /// member: an unsigned integer would convert to either).
  void flag(std::string_view key, bool value) {
    write_key(key);
    writer_.Bool(value);
  }

  /// Writes the member `key` with `json`, a complete JSON value as is.
  void raw_member(std::string_view key, std::string_view json) {
    write_key(key);
    writer_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }

  /// Writes a string element of the innermost array.
  void element(std::string_view value) {
    writer_.String(value.data(), size_of(value));
  }

  /// Writes an element of the innermost array: a complete JSON value.
  void raw_element(std::string_view json) {
    writer_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }

  /// The complete text, moved out: call once, when done writing.
  std::string text() { return std::move(text_); }

private:
  static rapidjson::SizeType size_of(std::string_view x) {
    return static_cast<rapidjson::SizeType>(x.size());
  }

  void write_key(std::string_view key) {
    writer_.Key(key.data(), size_of(key));
  }

  std::string text_;
  string_sink sink_;
  rapidjson::Writer<string_sink> writer_;
};

} // namespace parley::json::detail
