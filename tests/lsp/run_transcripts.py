#!/usr/bin/env python3
"""Language-server transcripts: replays each tests/lsp/*.jsonrpc file against
a real `stave lsp` over stdio and compares every message the server sends
with the transcript's expectations, whole. The format is described in
docs/testing.md; in short:

  # a comment
  --- file rules.policy         a file of the temporary workspace root
  package shop                  (verbatim lines up to the next marker line)
  --- text draft                a text kept for `{"$text": "draft"}` only
  >>>                           a message sent (JSON; `$ROOT` in strings is
  {"jsonrpc": "2.0", ...}       the root's file URI, {"$text": NAME} a text)
  <<<                           a message the server must send next, exactly
  {"jsonrpc": "2.0", ...}
  --- exit 0                    the server's exit status (default 0)

After each `>>>` the runner waits for the `<<<` blocks that follow it, in
order, before it sends the next message, so that the transcript states when
each message comes. STAVE_UPDATE_GOLDEN=1 (or --update) rewrites the `<<<`
blocks and the exit status from what the server sends: after each message
it waits for the response to a request, then until the server is quiet.

usage: run_transcripts.py STAVE [TRANSCRIPT...] [--update] [-k SUBSTRING]
Closes with `lsp-transcripts: N passed, N failed`.
"""
import argparse
import binascii
import difflib
import glob
import json
import os
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# How long one step may wait for the messages it expects (a sanitized build
# on a busy 2-core machine is slow), and how long the server must stay quiet
# before an update takes what it has: the recheck is debounced by 50 ms.
STEP_TIMEOUT = 20.0
QUIET = 0.6
WIDTH = 100


class TranscriptError(Exception):
    pass


# ---------------------------------------------------------------- parsing

class Item:
    """One piece of a transcript: kind is 'comment' (verbatim lines), 'file'
    or 'text' (name, data), 'send' or 'expect' (lines of the block), 'exit'."""

    def __init__(self, kind, header, lines, line_no):
        self.kind, self.header, self.lines, self.line_no = kind, header, lines, line_no
        self.name = None
        self.data = None

    def text(self):
        return "".join([self.header] + self.lines)


def is_marker(line):
    return line.startswith((">>>", "<<<", "--- ", "#"))


def parse_transcript(text):
    lines = text.splitlines(True)
    items = []
    i = 0
    while i < len(lines):
        line = lines[i]
        start = i
        if line.startswith("#") or not line.strip():
            items.append(Item("comment", line, [], i + 1))
            i += 1
            continue
        if not is_marker(line):
            raise TranscriptError("line %d: expected `>>>`, `<<<`, `--- ` or `#`, found %r" % (i + 1, line))
        i += 1
        body = []
        while i < len(lines) and not is_marker(lines[i]):
            body.append(lines[i])
            i += 1
        # Blank lines before the next marker separate blocks; they belong to
        # no block (a text that must end in blank lines uses the JSON form).
        trailing = []
        while body and not body[-1].strip():
            trailing.insert(0, body.pop())
        item = parse_block(line, body, start + 1)
        items.append(item)
        for t in trailing:
            items.append(Item("comment", t, [], 0))
    return items


def parse_block(header, body, line_no):
    words = header.rstrip("\n").split(None, 2)
    marker = words[0]
    if marker in (">>>", "<<<"):
        kind = "send" if marker == ">>>" else "expect"
        item = Item(kind, header, body, line_no)
        raw = len(words) > 1 and words[1] == "raw"
        if len(words) > 1 and not raw or (raw and kind == "expect"):
            raise TranscriptError("line %d: unknown block header %r" % (line_no, header.strip()))
        item.raw = raw
        if raw:
            item.data = "".join(body)[:-1] if body else ""  # the final newline ends the block
        else:
            try:
                item.data = json.loads("".join(body))
            except ValueError as e:
                raise TranscriptError("line %d: the block is not JSON: %s" % (line_no, e))
        return item
    if marker != "---" or len(words) < 2:
        raise TranscriptError("line %d: unknown marker %r" % (line_no, header.strip()))
    if words[1] == "exit":
        item = Item("exit", header, body, line_no)
        try:
            item.data = int(words[2])
        except (IndexError, ValueError):
            raise TranscriptError("line %d: `--- exit` needs a number" % line_no)
        return item
    if words[1] not in ("file", "text") or len(words) < 3:
        raise TranscriptError("line %d: unknown directive %r" % (line_no, header.strip()))
    item = Item(words[1], header, body, line_no)
    name, _, inline = words[2].partition(" ")
    item.name = name
    inline = inline.strip()
    if inline and body:
        raise TranscriptError("line %d: a one-line %s has no block" % (line_no, words[1]))
    if inline.startswith("hex "):
        item.data = binascii.unhexlify(inline[4:].replace(" ", ""))
    elif inline:
        try:
            item.data = json.loads(inline).encode("utf-8")
        except (ValueError, AttributeError):
            raise TranscriptError("line %d: expected a JSON string or `hex ...`" % line_no)
    else:
        item.data = "".join(body).encode("utf-8")
    return item


# ---------------------------------------------------------------- printing

def dump(value, indent=0, used=0):
    """JSON with a line per member or element, except that an object or an
    array that fits on the rest of its line is written on one line. `used`
    is how much of the first line is taken already (a member's key)."""
    one = json.dumps(value, ensure_ascii=False)
    if indent + used + len(one) <= WIDTH or not isinstance(value, (dict, list)) or not value:
        return one
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            key = json.dumps(k, ensure_ascii=False) + ": "
            parts.append(pad + key + dump(v, indent + 2, len(key)))
        return "{\n" + ",\n".join(parts) + "\n" + " " * indent + "}"
    parts = [pad + dump(v, indent + 2) for v in value]
    return "[\n" + ",\n".join(parts) + "\n" + " " * indent + "]"


def expect_block(message):
    return Item("expect", "<<<\n", [dump(message) + "\n"], 0)


# ---------------------------------------------------------------- the server

class Server:
    def __init__(self, stave, cwd):
        self.proc = subprocess.Popen([stave, "lsp"], cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buffer = b""
        self.eof = False

    def send(self, body):
        data = body.encode("utf-8")
        try:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # the server exited; what it sent before is compared

    def close_input(self):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass

    def next_message(self, timeout):
        """The next message (parsed), or None at a timeout or the end of the
        output. A message that is not JSON or not framed fails the test."""
        deadline = time.monotonic() + timeout
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                header = self.buffer[:end].decode("ascii", "replace")
                length = None
                for field in header.split("\r\n"):
                    name, _, value = field.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length is None:
                    raise TranscriptError("the server sent a header without Content-Length: %r" % header)
                if len(self.buffer) >= end + 4 + length:
                    body = self.buffer[end + 4:end + 4 + length]
                    self.buffer = self.buffer[end + 4 + length:]
                    try:
                        return json.loads(body.decode("utf-8"))
                    except ValueError as e:
                        raise TranscriptError("the server sent a message that is not JSON (%s): %r" % (e, body))
            if self.eof:
                if self.buffer:
                    raise TranscriptError("the output ends inside a message: %r" % self.buffer[:200])
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if chunk:
                self.buffer += chunk
            else:
                self.eof = True

    def finish(self, timeout=STEP_TIMEOUT):
        """Closes the input, reads what is left, and returns (messages, exit
        status); the status is None when the server does not exit."""
        self.close_input()
        rest = []
        deadline = time.monotonic() + timeout
        while True:
            m = self.next_message(max(0.0, deadline - time.monotonic()))
            if m is None:
                break
            rest.append(m)
        try:
            code = self.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        self.stderr = self.proc.stderr.read().decode("utf-8", "replace")
        return rest, code


# ---------------------------------------------------------------- running

def substitute(value, texts, root_uri):
    if isinstance(value, dict):
        if list(value.keys()) == ["$text"]:
            name = value["$text"]
            if name not in texts:
                raise TranscriptError("no file or text named %r" % name)
            return texts[name].decode("utf-8")
        return {k: substitute(v, texts, root_uri) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, texts, root_uri) for v in value]
    if isinstance(value, str):
        return value.replace("$ROOT", root_uri)
    return value


def normalise(value, root_uri, root_path):
    """The received message with the temporary root written as `$ROOT` (its
    URI) or `$ROOT_PATH` (its path): the only part that changes between runs."""
    if isinstance(value, dict):
        return {normalise(k, root_uri, root_path): normalise(v, root_uri, root_path)
                for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, root_uri, root_path) for v in value]
    if isinstance(value, str):
        return value.replace(root_uri, "$ROOT").replace(root_path, "$ROOT_PATH")
    return value


def is_request(item):
    return not item.raw and isinstance(item.data, dict) and "id" in item.data and "method" in item.data


def run_transcript(stave, path, update):
    """Returns (problems, new text): the problems found, and the transcript
    as the server answered it (written back when updating)."""
    with open(path, encoding="utf-8") as f:
        items = parse_transcript(f.read())
    root = os.path.realpath(tempfile.mkdtemp(prefix="stave-transcript-"))
    root_uri = "file://" + root
    texts = {}
    try:
        for item in items:
            if item.kind in ("file", "text"):
                texts[item.name] = item.data
            if item.kind == "file":
                target = os.path.join(root, item.name)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(item.data)
        server = Server(stave, root)
        try:
            return replay(server, items, texts, root_uri, root, update)
        finally:
            if server.proc.poll() is None:
                server.proc.kill()
                server.proc.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def replay(server, items, texts, root_uri, root, update):
    # Each send with the expectations that follow it, up to the next send.
    steps = []
    for index, item in enumerate(items):
        if item.kind == "send":
            steps.append((index, []))
        elif item.kind == "expect":
            if not steps:
                raise TranscriptError("line %d: a `<<<` block before any `>>>`" % item.line_no)
            steps[-1][1].append(index)
    got = {}  # send index -> the messages received after it
    problems = []
    timed_out = False
    for index, expected in steps:
        item = items[index]
        body = item.data if item.raw else json.dumps(substitute(item.data, texts, root_uri),
                                                     ensure_ascii=False, separators=(",", ":"))
        if item.raw:
            body = body.replace("$ROOT", root_uri)
        if timed_out:
            got[index] = []
            continue
        server.send(body)
        received = []
        if update:
            rid = item.data.get("id") if is_request(item) else None
            answered = rid is None
            deadline = time.monotonic() + STEP_TIMEOUT
            while True:
                wait = QUIET if answered else max(0.0, deadline - time.monotonic())
                m = server.next_message(wait)
                if m is None:
                    break
                received.append(normalise(m, root_uri, root))
                if not answered and m.get("id") == rid and "method" not in m:
                    answered = True
        else:
            for _ in expected:
                m = server.next_message(STEP_TIMEOUT)
                if m is None:
                    timed_out = True
                    problems.append("line %d: timed out waiting for message %d of %d" %
                                    (item.line_no, len(received) + 1, len(expected)))
                    break
                received.append(normalise(m, root_uri, root))
        got[index] = received
        if not update:
            want = [dump(items[e].data) for e in expected]
            have = [dump(m) for m in received]
            if want != have and not timed_out:
                problems.append("line %d: the messages after this `>>>` differ:\n%s" %
                                (item.line_no, diff_text("\n".join(want) + "\n", "\n".join(have) + "\n")))
    rest, code = server.finish()
    rest = [normalise(m, root_uri, root) for m in rest]
    if rest and steps:
        got[steps[-1][0]] = got.get(steps[-1][0], []) + rest
        if not update:
            problems.append("after the last message the server sent %d more:\n%s" %
                            (len(rest), "\n".join(dump(m) for m in rest)))
    want_exit = next((item.data for item in items if item.kind == "exit"), 0)
    if code != want_exit and not update:
        problems.append("exit status %s, expected %d%s" %
                        (code, want_exit, ("; stderr:\n" + server.stderr) if server.stderr else ""))
    return problems, rewrite(items, steps, got, code)


def rewrite(items, steps, got, code):
    """The transcript with each send's `<<<` blocks replaced by what came."""
    owner = {}
    for index, expected in steps:
        for e in expected:
            owner[e] = index
    out = []
    for i, item in enumerate(items):
        if item.kind == "exit":
            continue
        if item.kind == "expect":
            send = owner[i]
            if steps_first_expect(steps, send) == i:
                out.extend(b.text() for b in (expect_block(m) for m in got.get(send, [])))
            continue
        out.append(item.text())
        if item.kind == "send" and not [e for s, e in steps if s == i][0]:
            out.extend(b.text() for b in (expect_block(m) for m in got.get(i, [])))
    text = "".join(out).rstrip("\n") + "\n"
    if code is not None and code != 0:
        text += "--- exit %d\n" % code
    return text


def steps_first_expect(steps, send):
    for s, expected in steps:
        if s == send:
            return expected[0] if expected else None
    return None


def diff_text(want, have):
    return "".join(difflib.unified_diff(want.splitlines(True), have.splitlines(True),
                                        "expected", "received"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stave")
    ap.add_argument("transcripts", nargs="*")
    ap.add_argument("--update", action="store_true")
    ap.add_argument("-k", default="")
    a = ap.parse_args()
    update = a.update or os.environ.get("STAVE_UPDATE_GOLDEN") == "1"
    stave = os.path.abspath(a.stave)
    paths = a.transcripts or sorted(glob.glob(os.path.join(HERE, "*.jsonrpc")))
    passed = failed = 0
    for path in paths:
        name = os.path.relpath(path)
        if a.k and a.k not in name:
            continue
        try:
            problems, new_text = run_transcript(stave, path, update)
        except TranscriptError as e:
            problems, new_text = [str(e)], None
        if update and new_text is not None:
            with open(path, encoding="utf-8") as f:
                old = f.read()
            if old != new_text:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(new_text)
                print("updated", name)
        if problems:
            failed += 1
            print("FAIL", name)
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
            print("  reproduce: %s %s %s" % (sys.executable, shlex.quote(os.path.abspath(__file__)),
                                             " ".join(map(shlex.quote, [stave, path]))))
            print("  rewrite:   STAVE_UPDATE_GOLDEN=1 %s %s %s" %
                  (sys.executable, shlex.quote(os.path.abspath(__file__)),
                   " ".join(map(shlex.quote, [stave, path]))))
        else:
            passed += 1
            print("ok  ", name)
    print("lsp-transcripts: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
