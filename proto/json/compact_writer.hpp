// Internal to the JSON codec: a compact RapidJSON writer with members that
// take string_view and int64, so encoders read as lists of fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace parley::json::detail {

/// Builds one JSON text; strings are escaped by RapidJSON and passed through
/// as UTF-8 (they come from validated input or from our own code).
class compact_writer {
public:
  compact_writer()
      : writer_(buffer_) {}

  compact_writer(const compact_writer&) = delete;
  compact_writer& operator=(const compact_writer&) = delete;

  /// Opens an object, as a member `key` when one is given.
  void open_object(std::string_view key = {}) {
    if (!key.empty()) write_key(key);
    writer_.StartObject();
  }

  /// Closes the innermost object.
  void close_object() { writer_.EndObject(); }

  /// Opens an array as the member `key`.
  void open_array(std::string_view key) {
    write_key(key);
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

  /// The complete text written so far.
  std::string text() const { return {buffer_.GetString(), buffer_.GetSize()}; }

private:
  static rapidjson::SizeType size_of(std::string_view x) {
    return static_cast<rapidjson::SizeType>(x.size());
  }

  void write_key(std::string_view key) {
    writer_.Key(key.data(), size_of(key));
  }

  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

} // namespace parley::json::detail
