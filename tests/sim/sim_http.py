"""HTTP(S) server plumbing shared by the API server and kubelet simulators.

Standard library only. The TLS handshake runs in the connection's own thread (not in the
accept loop), so a probe that opens a connection and only sends a ClientHello, or a client
that never finishes the handshake, cannot stall other clients.
"""
import gzip
import json
import socket
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Errors a peer causes by hanging up, scanning TLS versions or sending garbage. They are
# normal for a server that probes talk to and must not be printed as tracebacks.
QUIET_ERRORS = (ssl.SSLError, ConnectionError, TimeoutError, socket.timeout, BrokenPipeError)


class SimServer(ThreadingHTTPServer):
    """A threading HTTP/1.1 server, optionally TLS, on 127.0.0.1 (port 0 = a free port)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, handler, ssl_context=None, port=0, host="127.0.0.1", app=None):
        self.ssl_context = ssl_context
        self.app = app  # the object handlers serve from (cluster state, kubelet settings)
        super().__init__((host, port), handler)

    @property
    def port(self):
        return self.server_address[1]

    def finish_request(self, request, client_address):
        conn = request
        # Without TCP_NODELAY, Nagle's algorithm and the client's delayed ACK hold every response
        # back by ~40 ms, which would dominate any timing measured against the simulator.
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        if self.ssl_context is not None:
            request.settimeout(10)
            try:
                conn = self.ssl_context.wrap_socket(request, server_side=True)
            except (OSError, ValueError):
                return  # handshake-only scans and plain-HTTP callers on a TLS port
        try:
            self.RequestHandlerClass(conn, client_address, self)
        except QUIET_ERRORS:
            pass
        finally:
            if conn is not request:
                try:
                    conn.close()
                except OSError:
                    pass

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, QUIET_ERRORS):
            return
        super().handle_error(request, client_address)


class SimHandler(BaseHTTPRequestHandler):
    """Base request handler: HTTP/1.1 keep-alive, Content-Length always set, optional gzip."""

    protocol_version = "HTTP/1.1"
    server_version = "rampart-sim"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after two minutes

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        pass  # requests are logged as JSON lines by the simulators themselves

    def send_response(self, code, message=None):
        """Status line and Date only: Go's net/http (kube-apiserver, kubelet) sends no Server."""
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def peer_certificate(self):
        """The verified client certificate as getpeercert() returns it, or None."""
        getter = getattr(self.connection, "getpeercert", None)
        if getter is None:
            return None
        try:
            return getter() or None
        except (ValueError, ssl.SSLError):
            return None

    def read_body(self, limit=1 << 20):
        length = int(self.headers.get("Content-Length") or 0)
        if length > limit:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def send_body(self, status, body, content_type="application/json", headers=None,
                  gzip_min_bytes=None, truncate=False):
        """Writes a complete response. With truncate, announces the full length, writes half
        of the body and closes the connection (a server dying mid-response)."""
        if isinstance(body, str):
            body = body.encode()
        encoding = None
        if gzip_min_bytes is not None and len(body) >= gzip_min_bytes and \
                "gzip" in (self.headers.get("Accept-Encoding") or "").lower():
            body = gzip.compress(body, compresslevel=1)
            encoding = "gzip"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(body)))
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body[: len(body) // 2] if truncate else body)
        self.wfile.flush()
        if truncate:
            self.close_connection = True
        return len(body), encoding

    def send_json(self, status, obj, **kwargs):
        return self.send_body(status, json.dumps(obj, separators=(",", ":")), **kwargs)

    def drop_connection(self):
        """Closes the socket without any response (a crashed or restarted server)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def server_context(cert_file, key_file, client_ca=None, ciphers=None, min_version=None):
    """A server-side TLS context; with client_ca, client certificates are verified when given."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_file, key_file)
    ctx.set_alpn_protocols(["http/1.1"])  # no HTTP/2: clients negotiate HTTP/1.1
    if min_version is not None:
        ctx.minimum_version = min_version
    if ciphers:
        ctx.set_ciphers(ciphers)
    if client_ca:
        ctx.load_verify_locations(client_ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL
    return ctx


def subject_of(peercert):
    """(common name, [organizations]) of a getpeercert() dict."""
    cn, orgs = "", []
    for rdn in peercert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                cn = value
            elif key == "organizationName":
                orgs.append(value)
    return cn, orgs


# Go cipher suite names (kubelet tlsCipherSuites) -> OpenSSL names
GO_TO_OPENSSL = {
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": "ECDHE-ECDSA-AES128-GCM-SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": "ECDHE-RSA-AES128-GCM-SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": "ECDHE-ECDSA-AES256-GCM-SHA384",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": "ECDHE-RSA-AES256-GCM-SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305": "ECDHE-ECDSA-CHACHA20-POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-ECDSA-CHACHA20-POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305": "ECDHE-RSA-CHACHA20-POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-RSA-CHACHA20-POLY1305",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": "ECDHE-ECDSA-AES128-SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": "ECDHE-RSA-AES128-SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": "ECDHE-ECDSA-AES256-SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": "ECDHE-RSA-AES256-SHA",
    "TLS_RSA_WITH_AES_128_GCM_SHA256": "AES128-GCM-SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384": "AES256-GCM-SHA384",
    "TLS_RSA_WITH_AES_128_CBC_SHA": "AES128-SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA": "AES256-SHA",
}
# What a Go 1.23 server offers for TLS 1.2 when no suites are configured (it includes CBC-SHA1
# suites, which is what the benchmark's cipher control is about).
GO_DEFAULT_SUITES = [
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
]
TLS_VERSIONS = {"VersionTLS10": ssl.TLSVersion.TLSv1, "VersionTLS11": ssl.TLSVersion.TLSv1_1,
                "VersionTLS12": ssl.TLSVersion.TLSv1_2, "VersionTLS13": ssl.TLSVersion.TLSv1_3}


def go_tls_settings(suites, min_version):
    """(OpenSSL cipher string, minimum TLSVersion) for Go-style settings, as kubelet's
    tlsCipherSuites/tlsMinVersion or kube-apiserver's --tls-cipher-suites/--tls-min-version
    give them. No suites: what Go offers by default. TLS 1.3 suites cannot be restricted
    (neither Go nor Python's ssl module let a server choose them)."""
    names = suites or GO_DEFAULT_SUITES
    ciphers = ":".join(dict.fromkeys(GO_TO_OPENSSL[s] for s in names if s in GO_TO_OPENSSL))
    return ciphers or None, TLS_VERSIONS.get(min_version or "", ssl.TLSVersion.TLSv1_2)
