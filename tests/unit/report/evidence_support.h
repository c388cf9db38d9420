#pragma once
// Test helpers for the evidence bundle: temporary directories, keys made with the openssl CLI
// (as an operator would make them), and small file utilities.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace rampart::test {

/// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "rampart-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

/// Runs a shell command with its output discarded; true when it exits 0.
inline bool sh(const std::string& command) {
  return std::system(("(" + command + ") >/dev/null 2>&1").c_str()) == 0;
}

inline void write_text(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Key pairs made once per test run with `openssl genpkey`: name -> private PEM path; the public
/// half sits beside it as NAME.pub.pem. Names: ed25519, p256, p384, rsa, rsa1024, ed448,
/// p521, encrypted.
inline std::filesystem::path key_file(const std::string& name) {
  static TempDir dir;
  static const std::map<std::string, std::string> kGen = {
      {"ed25519", "-algorithm ed25519"},
      {"p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"},
      {"p384", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384"},
      {"rsa", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"},
      {"rsa1024", "-algorithm RSA -pkeyopt rsa_keygen_bits:1024"},
      {"ed448", "-algorithm ed448"},
      {"p521", "-algorithm EC -pkeyopt ec_paramgen_curve:P-521"},
      {"encrypted", "-algorithm ed25519 -aes-256-cbc -pass pass:correct-horse"},
  };
  const std::filesystem::path key = dir / (name + ".pem");
  if (!std::filesystem::exists(key)) {
    const std::string pass = name == "encrypted" ? " -passin pass:correct-horse" : "";
    if (!sh("openssl genpkey " + kGen.at(name) + " -out " + key.string()) ||
        !sh("openssl pkey -in " + key.string() + pass + " -pubout -out " +
            (dir / (name + ".pub.pem")).string()))
      throw std::runtime_error("openssl could not make key " + name);
  }
  return key;
}

inline std::filesystem::path public_key_file(const std::string& name) {
  return key_file(name).parent_path() / (name + ".pub.pem");
}

}  // namespace rampart::test
