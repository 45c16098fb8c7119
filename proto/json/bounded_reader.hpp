// Internal to the JSON codec: parses untrusted text into a RapidJSON DOM
// with a nesting limit, strict UTF-8 and no silent truncation.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace parley::json::detail {

/// True when `x` is well-formed UTF-8: no overlong forms, no surrogates, no
/// code point above U+10FFFF.
inline bool is_valid_utf8(std::string_view x) {
  std::size_t i = 0;
  while (i < x.size()) {
    auto lead = static_cast<unsigned char>(x[i]);
    std::size_t extra = 0;
    unsigned min_second = 0x80;
    unsigned max_second = 0xBF;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
      // E0 would be overlong below A0; ED A0..BF would be a surrogate.
      if (lead == 0xE0)
        min_second = 0xA0;
      else if (lead == 0xED)
        max_second = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
      // F0 would be overlong below 90; F4 90.. would exceed U+10FFFF.
      if (lead == 0xF0)
        min_second = 0x90;
      else if (lead == 0xF4)
        max_second = 0x8F;
    } else {
      return false;
    }
    if (x.size() - i <= extra) return false;
    auto second = static_cast<unsigned char>(x[i + 1]);
    if (second < min_second || second > max_second) return false;
    for (std::size_t k = 2; k <= extra; ++k)
      if ((static_cast<unsigned char>(x[i + k]) & 0xC0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

/// Forwards SAX events to a document while refusing nesting deeper than a
/// limit and strings that decode to ill-formed UTF-8.
template <class Document>
class bounded_handler {
public:
  /// Builds into `doc`, allowing at most `max_depth` open arrays/objects.
  bounded_handler(Document& doc, std::size_t max_depth)
      : doc_(doc)
      , max_depth_(max_depth) {}

  /// Why the handler stopped the parser; empty when it did not.
  const std::string& refusal() const { return refusal_; }

  /// The SAX handler concept: each event is checked, then forwarded.
  bool Null() { return doc_.Null(); }
  bool Bool(bool x) { return doc_.Bool(x); }
  bool Int(int x) { return doc_.Int(x); }
  bool Uint(unsigned x) { return doc_.Uint(x); }
  bool Int64(std::int64_t x) { return doc_.Int64(x); }
  bool Uint64(std::uint64_t x) { return doc_.Uint64(x); }
  bool Double(double x) { return doc_.Double(x); }
  bool RawNumber(const char* str, rapidjson::SizeType len, bool copy) {
    return doc_.RawNumber(str, len, copy);
  }
  bool String(const char* str, rapidjson::SizeType len, bool copy) {
    return checked(str, len) && doc_.String(str, len, copy);
  }
  bool Key(const char* str, rapidjson::SizeType len, bool copy) {
    return checked(str, len) && doc_.Key(str, len, copy);
  }
  bool StartObject() { return enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return doc_.EndObject(members);
  }
  bool StartArray() { return enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return doc_.EndArray(elements);
  }

private:
  bool enter() {
    if (++depth_ <= max_depth_) return true;
    refusal_ = "nesting too deep (more than " + std::to_string(max_depth_) +
               " levels)";
    return false;
  }

  // RapidJSON validates raw bytes, but decodes an escaped lone low surrogate
  // ("\udc00") into ill-formed UTF-8 without complaint; catch it here.
  bool checked(const char* str, rapidjson::SizeType len) {
    if (is_valid_utf8({str, len})) return true;
    refusal_ = "a string escapes to ill-formed UTF-8 (lone surrogate)";
    return false;
  }

  Document& doc_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  std::string refusal_;
};

/// Parses `text` into `doc`. Returns an empty string on success, else why
/// the text is not acceptable JSON. Never recurses per nesting level: the
/// reader is iterative and the handler stops at `max_depth`.
template <class Document>
std::string parse_bounded(std::string_view text, Document& doc,
                          std::size_t max_depth) {
  // No kParseStopWhenDoneFlag: trailing non-whitespace is an error.
  constexpr unsigned flags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  std::string why;
  auto generate = [&](Document& target) {
    bounded_handler<Document> handler{target, max_depth};
    // MemoryStream takes the length, so a NUL byte cannot end the text early
    // unnoticed; the reader reads it as end of input, checked below.
    rapidjson::MemoryStream stream{text.data(), text.size()};
    rapidjson::Reader reader;
    auto result = reader.Parse<flags>(stream, handler);
    if (!handler.refusal().empty())
      why = handler.refusal();
    else if (result.IsError())
      why = std::string{rapidjson::GetParseError_En(result.Code())} +
            " (at byte " + std::to_string(result.Offset()) + ")";
    else if (stream.Tell() != text.size())
      why =
          "unexpected NUL byte (at byte " + std::to_string(stream.Tell()) + ")";
    return why.empty();
  };
  doc.Populate(generate);
  return why;
}

} // namespace parley::json::detail
