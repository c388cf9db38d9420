#include <catch2/catch.hpp>

#include <string>

#include "rampart/probe/http.h"

using namespace rampart::probe;
using State = HttpResponseReader::State;

namespace {

HttpRequest get(const std::string& path) {
  HttpRequest r;
  r.path = path;
  r.authority = "10.0.0.1:10250";
  return r;
}

// Feeds one byte at a time: the reader must not depend on how the bytes are split.
State feed_bytewise(HttpResponseReader& reader, const std::string& data) {
  for (char c : data) reader.feed(std::string_view(&c, 1));
  return reader.state();
}

}  // namespace

TEST_CASE("http: a GET request is exactly the documented bytes", "[probe]") {
  CHECK(render_request(get("/pods")) ==
        "GET /pods HTTP/1.1\r\nHost: 10.0.0.1:10250\r\nUser-Agent: rampart-probe/0.1.0\r\n"
        "Accept: application/json, */*\r\nConnection: close\r\n\r\n");
}

TEST_CASE("http: a POST carries Content-Type and Content-Length, the transcript no body", "[probe]") {
  HttpRequest r = get("/v3/kv/range");
  r.method = "POST";
  r.body = R"({"key":"AA=="})";
  r.content_type = "application/json";
  std::string bytes = render_request(r);
  CHECK(bytes.find("Content-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"key\":\"AA==\"}") !=
        std::string::npos);
  CHECK(request_transcript(r).ends_with("Content-Length: 14\r\n\r\n"));
}

TEST_CASE("http: the transcript never carries the bearer token", "[probe]") {
  HttpRequest r = get("/pods");
  r.bearer_token = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.sig-value";
  CHECK(render_request(r).find("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.sig-value\r\n") !=
        std::string::npos);
  std::string t = request_transcript(r);
  CHECK(t.find("Authorization: Bearer [REDACTED]\r\n") != std::string::npos);
  CHECK(t.find("eyJ") == std::string::npos);
}

TEST_CASE("http: requests with CR, LF or spaces in a field are invalid", "[probe]") {
  CHECK(request_is_valid(get("/pods")));
  CHECK_FALSE(request_is_valid(get("/pods HTTP/1.1\r\nX: y")));
  CHECK_FALSE(request_is_valid(get("pods")));
  CHECK_FALSE(request_is_valid(get("/a b")));
  HttpRequest r = get("/pods");
  r.authority = "host\r\nEvil: 1";
  CHECK_FALSE(request_is_valid(r));
  r = get("/pods");
  r.headers.emplace_back("X-Bad Name", "v");
  CHECK_FALSE(request_is_valid(r));
}

TEST_CASE("http: a Content-Length response completes at its length", "[probe]") {
  HttpResponseReader reader;
  const std::string data =
      "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhello";
  REQUIRE(feed_bytewise(reader, data) == State::kComplete);
  const HttpResponse& r = reader.response();
  CHECK(r.status == 401);
  CHECK(r.reason == "Unauthorized");
  CHECK(r.version == "HTTP/1.1");
  CHECK(r.status_line == "HTTP/1.1 401 Unauthorized");
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.body == "hello");
  CHECK_FALSE(r.body_truncated);
}

TEST_CASE("http: bytes after the body are ignored", "[probe]") {
  HttpResponseReader reader;
  CHECK(reader.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA") == State::kComplete);
  CHECK(reader.response().body == "ok");
  CHECK(reader.feed("more") == State::kComplete);
}

TEST_CASE("http: chunked bodies are decoded, split anywhere", "[probe]") {
  const std::string data =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n";
  HttpResponseReader bytewise;
  REQUIRE(feed_bytewise(bytewise, data) == State::kComplete);
  CHECK(bytewise.response().body == "Wikipedia");
  HttpResponseReader whole;
  REQUIRE(whole.feed(data) == State::kComplete);
  CHECK(whole.response().body == "Wikipedia");
}

TEST_CASE("http: a body without length ends when the peer closes", "[probe]") {
  HttpResponseReader reader;
  CHECK(reader.feed("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n") ==
        State::kNeedMore);
  CHECK(reader.finish() == State::kComplete);
  CHECK(reader.response().status == 400);
  CHECK(reader.response().version == "HTTP/1.0");
  CHECK(reader.response().body == "Client sent an HTTP request to an HTTPS server.\n");
}

TEST_CASE("http: bare LF line endings are accepted", "[probe]") {
  HttpResponseReader reader;
  CHECK(reader.feed("HTTP/1.1 204 No Content\nServer: x\n\n") == State::kComplete);
  CHECK(reader.response().status == 204);
  CHECK(reader.response().header("server") == "x");
}

TEST_CASE("http: bodies stop at the limit and say so", "[probe]") {
  HttpLimits limits;
  limits.max_body = 10;
  HttpResponseReader reader(limits);
  CHECK(reader.feed("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n") == State::kNeedMore);
  CHECK(reader.feed(std::string(50, 'a')) == State::kComplete);
  CHECK(reader.response().body == std::string(10, 'a'));
  CHECK(reader.response().body_truncated);

  HttpLimits none;
  none.max_body = 0;
  HttpResponseReader status_only(none);
  CHECK(status_only.feed("HTTP/1.1 200 OK\r\n\r\n# HELP metric") == State::kComplete);
  CHECK(status_only.response().status == 200);
  CHECK(status_only.response().body.empty());
  // With no body kept, the answer is complete when the headers are: no waiting for the body.
  HttpResponseReader headers_only(none);
  CHECK(headers_only.feed("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n") == State::kComplete);
  CHECK(headers_only.response().body_truncated);
}

TEST_CASE("http: hostile input: huge headers, no CRLF, binary, too many headers", "[probe]") {
  SECTION("a header section that never ends is cut at the limit") {
    HttpResponseReader reader;
    std::string huge = "HTTP/1.1 200 OK\r\nX-Long: " + std::string(1 << 20, 'x');
    CHECK(reader.feed(huge) == State::kError);
    CHECK(reader.error() == "header section longer than 16384 bytes");
  }
  SECTION("no line break at all, fed in pieces") {
    HttpResponseReader reader;
    State s = State::kNeedMore;
    for (int i = 0; i < 100 && s == State::kNeedMore; ++i) s = reader.feed("HTTP/1.1" + std::string(1000, ' '));
    CHECK(s == State::kError);
  }
  SECTION("binary: a TLS alert record") {
    HttpResponseReader reader;
    CHECK(reader.feed(std::string("\x15\x03\x01\x00\x02\x02\x46", 7)) == State::kError);
    CHECK(reader.error() == "not an HTTP response");
    CHECK(reader.first_bytes() == std::string("\x15\x03\x01\x00\x02\x02\x46", 7));
  }
  SECTION("NUL bytes and text that is not HTTP") {
    HttpResponseReader reader;
    CHECK(reader.feed(std::string("\0\0\0\0", 4)) == State::kError);
    HttpResponseReader ssh;
    CHECK(ssh.feed("SSH-2.0-OpenSSH_9.2\r\n") == State::kError);
  }
  SECTION("too many headers") {
    HttpResponseReader reader;
    std::string data = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 65; ++i) data += "X-" + std::to_string(i) + ": v\r\n";
    CHECK(reader.feed(data + "\r\n") == State::kError);
    CHECK(reader.error() == "more than 64 headers");
  }
  SECTION("malformed status lines") {
    for (const char* line : {"HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n", "HTTP/x.1 200 OK\r\n\r\n",
                             "HTTP/1.1 999 Big\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n"}) {
      HttpResponseReader reader;
      CHECK(reader.feed(line) == State::kError);
    }
  }
  SECTION("malformed header lines and framing") {
    for (const char* data :
         {"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
          "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
          "HTTP/1.1 100 Continue\r\n\r\n"}) {
      HttpResponseReader reader;
      CHECK(reader.feed(data) == State::kError);
    }
  }
  SECTION("an endless chunk-size line") {
    HttpResponseReader reader;
    reader.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    CHECK(reader.feed(std::string(5000, '1')) == State::kError);
  }
}

TEST_CASE("http: the peer closing early is an error before the headers end", "[probe]") {
  HttpResponseReader nothing;
  CHECK(nothing.finish() == State::kError);
  CHECK(nothing.error() == "connection closed without an answer");
  HttpResponseReader partial;
  partial.feed("HTTP/1.1 200 OK\r\nContent-");
  CHECK(partial.finish() == State::kError);
  CHECK(partial.error() == "connection closed before the end of the headers");
  HttpResponseReader short_body;
  short_body.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  CHECK(short_body.finish() == State::kComplete);
  CHECK(short_body.response().body == "abc");
  CHECK(short_body.response().body_truncated);
}
