#include "connection.h"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <ctime>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "rampart/probe/target.h"

namespace rampart::probe::detail {
namespace {

struct Resolved {
  bool done = false;
  int error = 0;
  std::vector<sockaddr_storage> addresses;
  std::vector<socklen_t> lengths;
};

void fill(Resolved& r, const std::string& host, int port, bool numeric) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (numeric ? AI_NUMERICHOST : 0);
  addrinfo* res = nullptr;
  std::string service = std::to_string(port);
  r.error = getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
  for (addrinfo* a = res; a != nullptr && r.error == 0; a = a->ai_next) {
    sockaddr_storage ss{};
    std::memcpy(&ss, a->ai_addr, a->ai_addrlen);
    r.addresses.push_back(ss);
    r.lengths.push_back(a->ai_addrlen);
  }
  if (res != nullptr) freeaddrinfo(res);
}

// getaddrinfo has no timeout of its own; a name that does not resolve can block for the
// resolver's retries. The lookup runs on its own thread and is abandoned (not waited for)
// when the deadline passes; the shared state outlives whichever side finishes last.
Resolved resolve(const std::string& host, int port, Deadline deadline, std::string& error) {
  if (is_ip_literal(host)) {
    Resolved r;
    fill(r, host, port, true);
    if (r.error != 0) error = gai_strerror(r.error);
    return r;
  }
  struct Shared {
    std::mutex m;
    std::condition_variable cv;
    Resolved r;
  };
  auto shared = std::make_shared<Shared>();
  std::thread([shared, host, port] {
    Resolved r;
    fill(r, host, port, false);
    std::lock_guard lock(shared->m);
    shared->r = std::move(r);
    shared->r.done = true;
    shared->cv.notify_all();
  }).detach();
  std::unique_lock lock(shared->m);
  if (!shared->cv.wait_for(lock, std::chrono::milliseconds(deadline.remaining_ms()),
                           [&] { return shared->r.done; })) {
    error = "name resolution timed out";
    return {};
  }
  if (shared->r.error != 0) error = std::string("cannot resolve: ") + gai_strerror(shared->r.error);
  return shared->r;
}

std::string openssl_error() {
  unsigned long e = ERR_peek_last_error();
  if (e == 0) return "TLS error";
  const char* reason = ERR_reason_error_string(e);
  ERR_clear_error();
  return reason != nullptr ? reason : "TLS error";
}

int64_t to_unix(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string rfc3339(int64_t unix_time) {
  std::time_t tt = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string name_text(const X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(std::max(0L, len)));
  BIO_free(bio);
  return out;
}

std::vector<std::string> name_entries(const X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n >= 0) out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
  }
  return out;
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  const unsigned char* d = ASN1_STRING_get0_data(ip);
  int n = ASN1_STRING_length(ip);
  if (n == 4) inet_ntop(AF_INET, d, buf, sizeof buf);
  else if (n == 16) inet_ntop(AF_INET6, d, buf, sizeof buf);
  else return "?";
  return buf;
}

std::vector<std::string> sans(X509* cert) {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    auto text = [](const ASN1_STRING* s) {
      return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                         static_cast<size_t>(ASN1_STRING_length(s)));
    };
    if (g->type == GEN_DNS) out.push_back("DNS:" + text(g->d.dNSName));
    else if (g->type == GEN_IPADD) out.push_back("IP:" + ip_text(g->d.iPAddress));
    else if (g->type == GEN_URI) out.push_back("URI:" + text(g->d.uniformResourceIdentifier));
    else if (g->type == GEN_EMAIL) out.push_back("email:" + text(g->d.rfc822Name));
  }
  GENERAL_NAMES_free(names);
  return out;
}

}  // namespace

// What the callbacks see during a handshake; reached through SSL_get_app_data.
struct Connection::Capture {
  bool cert_requested = false;
  std::vector<std::string> ca_names;
  std::vector<Certificate> chain;  // taken when the server asks for a certificate
  int alert_received = -1;
  int64_t now_unix = 0;
};

namespace {

void take_chain(SSL* ssl, std::vector<Certificate>& out, int64_t now) {
  out.clear();
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i)
    out.push_back(describe_certificate(sk_X509_value(chain, i), now));
}

void take_ca_names(SSL* ssl, std::vector<std::string>& out) {
  out.clear();
  const STACK_OF(X509_NAME)* names = SSL_get_client_CA_list(ssl);
  for (int i = 0; names != nullptr && i < sk_X509_NAME_num(names); ++i)
    out.push_back(name_text(sk_X509_NAME_value(names, i)));
}

void info_callback(const SSL* ssl, int where, int ret) {
  if ((where & SSL_CB_ALERT) == 0 || (where & SSL_CB_READ) == 0) return;
  auto* capture = static_cast<Connection::Capture*>(SSL_get_ex_data(ssl, 0));
  if (capture != nullptr) capture->alert_received = ret & 0xff;
}

// Called when the server sends a CertificateRequest and no certificate is set: note it, keep
// the CA names it lists and the chain seen so far (the handshake may fail right after), and
// answer with no certificate.
int client_cert_callback(SSL* ssl, X509** /*x509*/, EVP_PKEY** /*pkey*/) {
  auto* capture = static_cast<Connection::Capture*>(SSL_get_ex_data(ssl, 0));
  if (capture != nullptr) {
    capture->cert_requested = true;
    take_ca_names(ssl, capture->ca_names);
    take_chain(ssl, capture->chain, capture->now_unix);
  }
  return 0;
}

bool use_credential(SSL* ssl, const config::Credential& cred) {
  if (cred.client_cert_pem.empty() || cred.client_key_pem.empty()) return true;
  BIO* cb = BIO_new_mem_buf(cred.client_cert_pem.data(), static_cast<int>(cred.client_cert_pem.size()));
  X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
  BIO_free(cb);
  BIO* kb = BIO_new_mem_buf(cred.client_key_pem.data(), static_cast<int>(cred.client_key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
  BIO_free(kb);
  bool ok = cert != nullptr && key != nullptr && SSL_use_certificate(ssl, cert) == 1 &&
            SSL_use_PrivateKey(ssl, key) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace

int Deadline::remaining_ms() const {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(at_ - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 24 * 3600 * 1000));
}

Connection::Opened Connection::open(const std::string& host, int port, Deadline connect_deadline) {
  Opened out;
  std::string error;
  Resolved r = resolve(host, port, connect_deadline, error);
  if (!error.empty() || r.addresses.empty()) {
    out.reachability = Reachability::kError;
    out.detail = error.empty() ? "no address" : error;
    return out;
  }
  bool refused = false;
  bool timed_out = false;
  std::string last;
  for (size_t i = 0; i < r.addresses.size(); ++i) {
    if (connect_deadline.expired()) {
      timed_out = true;
      break;
    }
    const auto* sa = reinterpret_cast<const sockaddr*>(&r.addresses[i]);
    int fd = ::socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      last = std::strerror(errno);
      continue;
    }
    int rc = ::connect(fd, sa, r.lengths[i]);
    int err = rc == 0 ? 0 : errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int n = ::poll(&p, 1, connect_deadline.remaining_ms());
      if (n == 0) {
        ::close(fd);
        timed_out = true;
        continue;
      }
      socklen_t len = sizeof err;
      if (n < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    }
    if (err == 0) {
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      out.reachability = Reachability::kOpen;
      out.connection.reset(new Connection(fd));
      return out;
    }
    ::close(fd);
    if (err == ECONNREFUSED) refused = true;
    else if (err == ETIMEDOUT || err == EHOSTUNREACH || err == ENETUNREACH) timed_out = true;
    last = std::strerror(err);
  }
  if (refused) {
    out.reachability = Reachability::kClosed;
    out.detail = "connection refused";
  } else if (timed_out) {
    out.reachability = Reachability::kFiltered;
    out.detail = last.empty() ? "no answer to the connection attempt" : last;
  } else {
    out.reachability = Reachability::kError;
    out.detail = last.empty() ? "connect failed" : last;
  }
  return out;
}

Connection::Connection(int fd) : fd_(fd) {}

Connection::~Connection() {
  if (ssl_ != nullptr) {
    // One non-blocking close_notify; a peer that does not read it costs nothing.
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  if (fd_ >= 0) ::close(fd_);
}

int Connection::alert_received() const { return capture_ ? capture_->alert_received : -1; }

bool Connection::wait(short events, Deadline deadline) {
  pollfd p{fd_, events, 0};
  for (;;) {
    int n = ::poll(&p, 1, deadline.remaining_ms());
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

TlsSession Connection::start_tls(const TlsOptions& options, Deadline deadline) {
  TlsSession session;
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) {
    session.error = openssl_error();
    return session;
  }
  SSL_CTX_set_security_level(ctx_, 0);
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_options(ctx_, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_TICKET);
  SSL_CTX_set_mode(ctx_, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_info_callback(ctx_, info_callback);
  SSL_CTX_set_client_cert_cb(ctx_, client_cert_callback);
  if (options.min_version != 0) SSL_CTX_set_min_proto_version(ctx_, options.min_version);
  if (options.max_version != 0) SSL_CTX_set_max_proto_version(ctx_, options.max_version);
  const std::string list = options.cipher_list.empty() ? "DEFAULT:@SECLEVEL=0" : options.cipher_list;
  if (SSL_CTX_set_cipher_list(ctx_, list.c_str()) != 1 ||
      (!options.ciphersuites.empty() &&
       SSL_CTX_set_ciphersuites(ctx_, options.ciphersuites.c_str()) != 1)) {
    session.error = "cannot offer " + list + ": " + openssl_error();
    return session;
  }
  ssl_ = SSL_new(ctx_);
  capture_ = std::make_unique<Capture>();
  capture_->now_unix = static_cast<int64_t>(std::time(nullptr));
  SSL_set_ex_data(ssl_, 0, capture_.get());
  SSL_set_fd(ssl_, fd_);
  if (!options.sni.empty()) SSL_set_tlsext_host_name(ssl_, options.sni.c_str());
  if (options.credential != nullptr && !use_credential(ssl_, *options.credential)) {
    session.error = "cannot load the client certificate";
    return session;
  }

  ERR_clear_error();
  for (;;) {
    int rc = SSL_connect(ssl_);
    if (rc == 1) {
      session.handshake_ok = true;
      break;
    }
    int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (!wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        session.error = "TLS handshake timed out";
        session.timed_out = true;
        break;
      }
      continue;
    }
    if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
      session.error = errno == 0 ? "connection closed during the TLS handshake"
                                 : std::string("TLS handshake: ") + std::strerror(errno);
    else
      session.error = openssl_error();
    break;
  }
  ERR_clear_error();
  session.client_cert_requested = capture_->cert_requested;
  session.client_ca_names = capture_->ca_names;
  if (session.handshake_ok) {
    session.version = SSL_get_version(ssl_);
    if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl_)) session.cipher = SSL_CIPHER_standard_name(c);
    take_chain(ssl_, session.chain, capture_->now_unix);
    if (session.client_ca_names.empty()) take_ca_names(ssl_, session.client_ca_names);
  } else {
    session.chain = capture_->chain;
  }
  session.alert_received = capture_->alert_received;
  session.alert = alert_name(session.alert_received);
  return session;
}

IoStatus Connection::write_all(std::string_view data, Deadline deadline) {
  while (!data.empty()) {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (!wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) return IoStatus::kTimeout;
        continue;
      }
      error_ = err == SSL_ERROR_SYSCALL ? std::string(std::strerror(errno)) : openssl_error();
      return IoStatus::kError;
    }
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!wait(POLLOUT, deadline)) return IoStatus::kTimeout;
      continue;
    }
    error_ = std::strerror(errno);
    return IoStatus::kError;
  }
  return IoStatus::kOk;
}

IoStatus Connection::read_some(std::string& out, size_t max, Deadline deadline) {
  char buf[16384];
  size_t want = std::min(max, sizeof buf);
  if (want == 0) return IoStatus::kOk;
  for (;;) {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int n = SSL_read(ssl_, buf, static_cast<int>(want));
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
        return IoStatus::kOk;
      }
      int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (!wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) return IoStatus::kTimeout;
        continue;
      }
      if (err == SSL_ERROR_ZERO_RETURN) return IoStatus::kEof;
      if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
        if (errno == 0) return IoStatus::kEof;
        error_ = std::strerror(errno);
        return IoStatus::kError;
      }
      error_ = openssl_error();
      return IoStatus::kError;
    }
    ssize_t n = ::recv(fd_, buf, want, 0);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      return IoStatus::kOk;
    }
    if (n == 0) return IoStatus::kEof;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      if (!wait(POLLIN, deadline)) return IoStatus::kTimeout;
      continue;
    }
    error_ = std::strerror(errno);
    return IoStatus::kError;
  }
}

Certificate describe_certificate(X509* cert, int64_t now_unix) {
  Certificate c;
  const X509_NAME* subject = X509_get_subject_name(cert);
  const X509_NAME* issuer = X509_get_issuer_name(cert);
  c.subject = name_text(subject);
  c.issuer = name_text(issuer);
  auto cns = name_entries(issuer, NID_commonName);
  c.issuer_cn = cns.empty() ? "" : cns.front();
  c.subject_organisations = name_entries(subject, NID_organizationName);
  c.sans = sans(cert);
  if (EVP_PKEY* key = X509_get0_pubkey(cert)) {
    int id = EVP_PKEY_get_base_id(key);
    switch (id) {
      case EVP_PKEY_RSA: c.key_type = "RSA"; break;
      case EVP_PKEY_EC: c.key_type = "EC"; break;
      case EVP_PKEY_ED25519: c.key_type = "ED25519"; break;
      case EVP_PKEY_ED448: c.key_type = "ED448"; break;
      case EVP_PKEY_DSA: c.key_type = "DSA"; break;
      default: c.key_type = OBJ_nid2sn(id) != nullptr ? OBJ_nid2sn(id) : "unknown";
    }
    c.key_bits = EVP_PKEY_get_bits(key);
  }
  int sig = X509_get_signature_nid(cert);
  c.signature_algorithm = OBJ_nid2ln(sig) != nullptr ? OBJ_nid2ln(sig) : "unknown";
  c.not_before_unix = to_unix(X509_get0_notBefore(cert));
  c.not_after_unix = to_unix(X509_get0_notAfter(cert));
  c.not_before = rfc3339(c.not_before_unix);
  c.not_after = rfc3339(c.not_after_unix);
  int64_t left = c.not_after_unix - now_unix;
  // Whole days, rounded toward minus infinity: expired an hour ago is day -1.
  c.days_to_expiry = left >= 0 ? left / 86400 : -((-left + 86399) / 86400);
  c.not_yet_valid = c.not_before_unix > now_unix;
  EVP_PKEY* key = X509_get0_pubkey(cert);
  c.self_signed = X509_NAME_cmp(subject, issuer) == 0 && key != nullptr && X509_verify(cert, key) == 1;
  ERR_clear_error();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &md_len) == 1) {
    static const char* hex = "0123456789abcdef";
    for (unsigned int i = 0; i < md_len; ++i) {
      c.sha256 += hex[md[i] >> 4];
      c.sha256 += hex[md[i] & 0xf];
    }
  }
  return c;
}

std::string alert_name(int alert) {
  if (alert < 0) return {};
  return SSL_alert_desc_string_long(alert);
}

}  // namespace rampart::probe::detail
