// The LSP base protocol: `Content-Length` framed messages over a byte
// stream (stdin/stdout), with limits so that a hostile or broken client
// cannot make the server allocate without bound or lose its framing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace stave::lsp {

// A message body larger than this is read and dropped, with an error.
inline constexpr size_t kMaxContentLength = 64u << 20;
// The header block (all lines up to the blank line) may be at most this big.
inline constexpr size_t kMaxHeaderBytes = 8u << 10;

// Where the reader gets bytes: stdin in the server, a string in tests.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes; returns 0 only at end of input.
  virtual size_t Read(char* buffer, size_t n) = 0;
};

class FdSource : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  size_t Read(char* buffer, size_t n) override;

 private:
  int fd_;
};

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  size_t Read(char* buffer, size_t n) override;

 private:
  std::string data_;
  size_t pos_ = 0;
};

struct ReadEvent {
  enum class Kind { Message, Error, Eof } kind;
  std::string body;   // Message: the JSON text
  std::string error;  // Error: what was wrong with the framing
};

// Reads one framed message at a time. After a framing error it resumes at
// the next header block, so one bad message does not end the session: when
// the bad block's body length is unknown (a missing or invalid
// `Content-Length`), at the next `Content-Length:` in the stream.
class MessageReader {
 public:
  explicit MessageReader(ByteSource& source) : source_(source) {}
  ReadEvent Next();

 private:
  bool Fill();                // more bytes into buffer_; false at end of input
  int GetByte();              // -1 at end of input
  bool ReadLine(std::string& line, size_t& header_bytes, bool& too_long);
  bool Skip(size_t n);        // drops n body bytes; false at end of input
  bool Resync();              // drops bytes through the next `Content-Length:`

  ByteSource& source_;
  std::vector<char> buffer_ = std::vector<char>(64 * 1024);
  size_t begin_ = 0, end_ = 0;
  size_t skip_ = 0;  // an oversized body still to drop
  bool resync_ = false;  // framing lost: look for the next header first
};

// `Content-Length: N\r\n\r\n` + body.
std::string Frame(std::string_view body);

// Writes all of `data` to `fd`, retrying short writes; false on failure
// (the client went away).
bool WriteAll(int fd, std::string_view data);

}  // namespace stave::lsp
