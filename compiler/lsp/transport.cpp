// Framing for the LSP base protocol: header lines until a blank line, of
// which only `Content-Length` matters, then exactly that many body bytes.
#include "compiler/lsp/transport.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <fmt/format.h>

#include "compiler/lsp/uri.h"

namespace stave::lsp {
namespace {

constexpr std::string_view kLengthHeader = "content-length:";
// A length past the message limit but below this is taken at its word and
// its body skipped; beyond it the header is taken for garbage and the
// reader resynchronizes on the next header instead of waiting for bytes
// that will never come.
constexpr unsigned long long kMaxSkipLength = 1ull << 30;

// Any decimal number, leading zeros included, with blanks around it (HTTP's
// optional whitespace, which LSP headers follow). Saturates instead of
// overflowing; -1 when the value is not a number.
long long ParseLength(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return -1;
  constexpr long long kSaturated = 1ll << 62;
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value > kSaturated / 10 ? kSaturated : value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

size_t FdSource::Read(char* buffer, size_t n) {
  while (true) {
    ssize_t got = ::read(fd_, buffer, n);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) return 0;  // a read error ends the session like EOF
  }
}

size_t StringSource::Read(char* buffer, size_t n) {
  size_t count = std::min(n, data_.size() - pos_);
  std::memcpy(buffer, data_.data() + pos_, count);
  pos_ += count;
  return count;
}

bool MessageReader::Fill() {
  if (begin_ < end_) return true;
  begin_ = 0;
  end_ = source_.Read(buffer_.data(), buffer_.size());
  return end_ > 0;
}

int MessageReader::GetByte() {
  if (!Fill()) return -1;
  return static_cast<unsigned char>(buffer_[begin_++]);
}

// One header line without its line break (`\r\n`, or a bare `\n` from
// lenient clients). Past the header limit the block is refused, but its
// lines are still read (their first bytes kept, enough for a
// `Content-Length`) so that the body can be skipped.
bool MessageReader::ReadLine(std::string& line, size_t& header_bytes, bool& too_long) {
  constexpr size_t kKeptPerLine = 256;
  line.clear();
  while (true) {
    int c = GetByte();
    if (c < 0) return false;
    if (++header_bytes > kMaxHeaderBytes) too_long = true;
    if (c == '\n') break;
    if (line.size() < kKeptPerLine) line.push_back(static_cast<char>(c));
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

bool MessageReader::Skip(size_t n) {
  while (n > 0) {
    if (!Fill()) return false;
    size_t take = std::min(n, end_ - begin_);
    begin_ += take;
    n -= take;
  }
  return true;
}

// Drops bytes up to and including the next `Content-Length:` (any case),
// wherever it is: after a header block whose body length is unknown, the
// body is garbage to skip, and the next header is where framing resumes.
bool MessageReader::Resync() {
  size_t matched = 0;
  while (matched < kLengthHeader.size()) {
    int c = GetByte();
    if (c < 0) return false;
    if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
    if (c == kLengthHeader[matched]) ++matched;
    else matched = c == kLengthHeader[0] ? 1 : 0;  // the pattern repeats no prefix
  }
  return true;
}

ReadEvent MessageReader::Next() {
  if (skip_ > 0) {
    size_t n = skip_;
    skip_ = 0;
    if (!Skip(n)) return {ReadEvent::Kind::Eof, {}, {}};
  }
  std::string line;
  size_t header_bytes = 0;
  bool too_long = false, bad_length = false, any_header = false;
  long long length = -1;
  if (resync_) {
    resync_ = false;
    if (!Resync() || !ReadLine(line, header_bytes, too_long)) return {ReadEvent::Kind::Eof, {}, {}};
    line.insert(0, kLengthHeader);
  } else if (!ReadLine(line, header_bytes, too_long)) {
    return {ReadEvent::Kind::Eof, {}, {}};
  }
  while (true) {
    if (line.empty()) {
      if (any_header || too_long) break;
    } else {
      any_header = true;
      if (StartsWithNoCase(line, kLengthHeader)) {
        length = ParseLength(std::string_view(line).substr(kLengthHeader.size()));
        bad_length = length < 0;
      }
    }
    if (!ReadLine(line, header_bytes, too_long)) return {ReadEvent::Kind::Eof, {}, {}};
  }
  if (bad_length) {
    resync_ = true;
    return {ReadEvent::Kind::Error, {}, "invalid Content-Length header"};
  }
  if (too_long) {
    // Drop the body too when its length is known, to stay in step.
    if (length > 0 && static_cast<unsigned long long>(length) <= kMaxContentLength &&
        !Skip(static_cast<size_t>(length))) {
      return {ReadEvent::Kind::Eof, {}, {}};
    }
    if (length < 0 || static_cast<unsigned long long>(length) > kMaxContentLength) resync_ = true;
    return {ReadEvent::Kind::Error, {}, fmt::format("header block longer than {} bytes", kMaxHeaderBytes)};
  }
  if (length < 0) {
    resync_ = true;
    return {ReadEvent::Kind::Error, {}, "missing Content-Length header"};
  }
  if (static_cast<unsigned long long>(length) > kMaxContentLength) {
    // Say so now, and drop the body before the next message to keep the
    // framing; the session goes on. A length no client would send is not
    // waited for: the next header is looked for instead.
    if (static_cast<unsigned long long>(length) <= kMaxSkipLength) skip_ = static_cast<size_t>(length);
    else resync_ = true;
    return {ReadEvent::Kind::Error, {},
            fmt::format("message of {} bytes is larger than the limit of {} bytes", length,
                        kMaxContentLength)};
  }
  ReadEvent event{ReadEvent::Kind::Message, {}, {}};
  event.body.reserve(static_cast<size_t>(length));
  size_t need = static_cast<size_t>(length);
  while (need > 0) {
    if (!Fill()) return {ReadEvent::Kind::Eof, {}, {}};  // truncated by EOF
    size_t take = std::min(need, end_ - begin_);
    event.body.append(buffer_.data() + begin_, take);
    begin_ += take;
    need -= take;
  }
  return event;
}

std::string Frame(std::string_view body) {
  return fmt::format("Content-Length: {}\r\n\r\n{}", body.size(), body);
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t wrote = ::write(fd, data.data(), data.size());
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(wrote));
  }
  return true;
}

}  // namespace stave::lsp
