"""A loopback TCP proxy in front of a server, for the tests and benchmarks that watch or slow what passes: each chunk
goes through `passing` on its way, which a subclass uses to count it (the browser tests' proof that object bytes do
not touch the gateway) or to hold it (a benchmark's stand-in for a remote store)."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading


class ForwardingProxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        super().__init__(("127.0.0.1", 0), Forwarder)

    def passing(self, outward: bool, chunk: bytes) -> None:
        """Called for each chunk: `outward` from the client to the server, else back."""

    def serve_in_background(self) -> str:
        """Serve from a daemon thread; the proxy's base URL."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class Forwarder(socketserver.BaseRequestHandler):
    server: ForwardingProxy

    def handle(self) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.server.upstream_port))
        back = threading.Thread(target=self.pump, args=(upstream, self.request, False), daemon=True)
        back.start()
        self.pump(self.request, upstream, True)
        back.join(timeout=5)
        upstream.close()

    def pump(self, source: socket.socket, sink: socket.socket, outward: bool) -> None:
        try:
            while chunk := source.recv(65536):
                self.server.passing(outward, chunk)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)
