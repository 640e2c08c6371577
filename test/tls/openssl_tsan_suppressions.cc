// ThreadSanitizer suppressions for Debian's OpenSSL (libssl, libcrypto), which is not built with
// ThreadSanitizer.
//
// Linked into the TLS test binaries, which run handshakes on several loop threads against one
// SSL_CTX and share client sessions between them. OpenSSL reference-counts shared objects
// (sessions, certificate stacks) with atomics inside its own uninstrumented code, so TSan does
// not see them: a session freed by one thread after another thread's last use of it was
// reported as a race between OPENSSL_sk_dup and OPENSSL_sk_free, both inside libcrypto (a
// tsan run on 2026-12-05). Only the interceptors (free, memcpy, ...) that OpenSSL's own code
// calls are ignored: our code, OpenSSL callbacks into it included, stays fully checked. In other
// builds this defines a function nobody calls.
extern "C" const char* __tsan_default_suppressions() {
  return "called_from_lib:libssl.so\n"
         "called_from_lib:libcrypto.so\n";
}
