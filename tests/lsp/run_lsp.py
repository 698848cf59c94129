#!/usr/bin/env python3
"""Language-server tests against the real `stave lsp` process over stdio
that a transcript cannot state: Content-Length framing and malformed bytes
on the wire, and the timing of the debounced recheck under a burst of
edits. Conversations (lifecycle and exit codes, diagnostics, hover,
completion, rename, audit rules) are transcripts, tests/lsp/*.jsonrpc, run
by run_transcripts.py. Each test is a function named test_*; the runner
prints one line per test and closes with `lsp: N passed, N failed`.

usage: run_lsp.py STAVE
"""
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

STAVE = None


class Server:
    """A `stave lsp` child process with a framed JSON-RPC client."""

    def __init__(self, cwd=None):
        self.proc = subprocess.Popen([STAVE, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd)
        self.buffer = b""
        self.next_id = 1
        self.messages = []

    def write(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params=None):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params=None, timeout=10):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout)

    def read_message(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            header_end = self.buffer.find(b"\r\n\r\n")
            if header_end >= 0:
                header = self.buffer[:header_end].decode()
                length = int(header.split("Content-Length:")[1].strip())
                start = header_end + 4
                if len(self.buffer) >= start + length:
                    body = self.buffer[start:start + length]
                    self.buffer = self.buffer[start + length:]
                    message = json.loads(body)
                    self.messages.append(message)
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return None
            self.buffer += chunk

    def wait(self, predicate, timeout=10):
        for m in self.messages:
            if predicate(m):
                return m
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = self.read_message(deadline - time.monotonic())
            if m is None:
                break
            if predicate(m):
                return m
        raise AssertionError("no matching message within %ss" % timeout)

    def diagnostics(self, uri, timeout=10):
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri, timeout)["params"]["diagnostics"]

    def initialize(self, root=None):
        r = self.request("initialize", {"processId": None, "capabilities": {},
                                        "rootUri": "file://" + root if root else None})
        self.notify("initialized", {})
        return r

    def finish(self, timeout=10):
        self.proc.stdin.close()
        return self.proc.wait(timeout)


def workspace(files):
    path = tempfile.mkdtemp(prefix="stave-lsp-")
    for name, text in files.items():
        with open(os.path.join(path, name), "w", encoding="utf-8") as f:
            f.write(text)
    return path


def test_diagnostics_for_the_workspace_and_after_edits():
    root = workspace({"a.policy": "package p\ngroup devs\n",
                      "b.policy": "package p\nnamespace prod\nallow devz to view in prod\n"})
    try:
        s = Server()
        s.initialize(root)
        b = "file://" + root + "/b.policy"
        d = s.diagnostics(b)
        assert [x["code"] for x in d] == ["E0101"], d
        assert d[0]["range"]["start"] == {"line": 2, "character": 6}
        s.notify("textDocument/didOpen", {"textDocument": {
            "uri": b, "languageId": "stave", "version": 1,
            "text": "package p\nnamespace prod\nallow devz to view in prod\n"}})
        for i in range(10):  # a burst of edits: one recheck at the end
            s.notify("textDocument/didChange", {
                "textDocument": {"uri": b, "version": 2 + i},
                "contentChanges": [{"range": {"start": {"line": 2, "character": 9},
                                              "end": {"line": 2, "character": 10}},
                                    "text": "s" if i % 2 == 0 else "z"}]})
        s.notify("textDocument/didChange", {
            "textDocument": {"uri": b, "version": 20},
            "contentChanges": [{"range": {"start": {"line": 2, "character": 9},
                                          "end": {"line": 2, "character": 10}}, "text": "s"}]})
        m = s.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                   and m["params"].get("version") == 20)
        assert m["params"]["diagnostics"] == []
        versions = [m["params"].get("version") for m in s.messages
                    if m.get("method") == "textDocument/publishDiagnostics"
                    and m["params"]["uri"] == b and m["params"].get("version")]
        assert len(versions) <= 2, "edits were not coalesced: %s" % versions
        assert s.request("shutdown")["result"] is None
        s.notify("exit")
        assert s.proc.wait(10) == 0
    finally:
        shutil.rmtree(root)


def test_bad_input_on_the_wire():
    s = Server()
    s.initialize()
    s.write(b"Content-Length: 5\r\n\r\n{nope")
    e = s.wait(lambda m: "error" in m)
    assert e["error"]["code"] == -32700 and e["id"] is None
    s.write(b"Foo: bar\r\n\r\n")
    s.wait(lambda m: "error" in m and "Content-Length" in m["error"]["message"])
    s.write(b"Content-Length: 99999999999\r\n\r\n")  # over the limit; the rest is the body
    s.wait(lambda m: "error" in m and "limit" in m["error"]["message"])
    assert s.proc.poll() is None, "the server must not exit on bad input"
    assert s.finish() == 1


def test_bad_content_length_with_a_body_resynchronizes():
    # An invalid length that comes with a body used to glue the body to the
    # next header: every later message failed and `exit` was never read.
    s = Server()
    s.initialize()
    s.write(b'Content-Length: 4x\r\n\r\n{"jsonrpc":"2.0","id":99,"method":"shutdown"}')
    e = s.wait(lambda m: "error" in m and "Content-Length" in m["error"]["message"])
    assert e["id"] is None
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover",
                       "params": {"textDocument": {"uri": "file:///nowhere/x.policy"},
                                  "position": {"line": 0, "character": 0}}}).encode()
    s.write(b"Content-Length: 000%d\r\n\r\n" % len(body) + body)  # leading zeros
    r = s.wait(lambda m: m.get("id") == 7)
    assert "result" in r, r
    assert not any(m.get("id") == 99 for m in s.messages), "the dropped body was run"
    assert s.request("shutdown")["result"] is None
    s.notify("exit")
    assert s.proc.wait(10) == 0
def main():
    global STAVE
    STAVE = os.path.abspath(sys.argv[1])
    passed = failed = 0
    for name, fn in sorted(globals().items()):
        if not name.startswith("test_"):
            continue
        try:
            fn()
            print("PASS", name)
            passed += 1
        except Exception:
            print("FAIL", name)
            traceback.print_exc()
            failed += 1
    print("lsp: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
