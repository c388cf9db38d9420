#include <cstdio>
#include <exception>

#include "rampart/cli/app.h"

int main(int argc, char** argv) {
  // Last resort: run() catches everything it knows; this keeps a crash a one-line error.
  try {
    return rampart::cli::run(argc, argv);
  } catch (...) {
    std::fputs("rampart: internal error: unexpected exception\n", stderr);
    return 1;
  }
}
