// ThreadSanitizer suppressions for the Debian libraries the tests use that are not built with
// ThreadSanitizer: libtbb (oneTBB executors) and OpenSSL's libssl and libcrypto (TLS).
//
// Link //test/tsan:uninstrumented_libraries into a test binary that runs under --config=tsan
// and uses one of them. TSan ignores the interceptors (free, memcpy, memcmp, operator delete,
// ...) that those libraries' own code calls. Their internal synchronisation is invisible to
// TSan, so their own accesses would be reported as races inside them:
//   - libtbb: seen when TBB's worker threads shut down;
//   - OpenSSL: it reference-counts shared sessions and certificate stacks with atomics in its
//     own code; a session freed by one loop thread after another's last use of it was reported
//     as a race between OPENSSL_sk_dup and OPENSSL_sk_free, both inside libcrypto (tsan run on
//     2026-12-05, tls_cluster_test).
// Nothing of ours is suppressed: code built in this repository, the tasks and callbacks those
// libraries run into it and the hand-off to TBB (see executor/tsan_annotations.h) stay fully
// checked. One hook per binary, so every such library is listed here. In other builds this
// defines a function nobody calls.
extern "C" const char* __tsan_default_suppressions() {
  // libtbb itself only: ignoring libtbbmalloc too makes TSan see an unlock at exit whose lock
  // it ignored.
  return "called_from_lib:libtbb.so\n"
         "called_from_lib:libssl.so\n"
         "called_from_lib:libcrypto.so\n";
}
