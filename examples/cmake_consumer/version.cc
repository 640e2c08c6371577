// Built by tools/test_cmake.sh with the flags of the installed pkg-config file only
// (pkg-config --cflags --libs --static aerospike_async): prints the version and a key's digest.
#include <cstdio>
#include <string>

#include "client/aerospike.h"

int main() {
  aero::Key key("test", "demo", "pkg-config");
  std::printf("aerospike_async %s, digest byte 0: %u\n", std::string(aero::kVersion).c_str(),
              static_cast<unsigned>(key.digest()[0]));
  return 0;
}
