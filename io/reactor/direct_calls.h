// The reactor's per-operation socket calls (recv, send, sendmsg), made straight to the kernel.
//
// glibc's recv/send/sendmsg are thread-cancellation points: in a process with more than one
// thread each call switches the thread to asynchronous cancellation and back, two atomic
// compare-exchanges around the system call (glibc 2.36's SYSCALL_CANCEL). A client process
// always has several threads, and its loops never use pthread_cancel, so on Linux these
// calls go through syscall(2) instead, which is no cancellation point: the same system
// call, errno set the same way, minus six locked instructions per command. Elsewhere (the
// BSDs, macOS) they are the libc calls.
//
// Threads: any; the reactor calls them on its loop thread.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>

#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace aero::io::direct {

inline ssize_t recv(int fd, void* data, std::size_t size, int flags) {
#if defined(__linux__)
  return ::syscall(SYS_recvfrom, fd, data, size, flags, nullptr, nullptr);
#else
  return ::recv(fd, data, size, flags);
#endif
}

inline ssize_t send(int fd, const void* data, std::size_t size, int flags) {
#if defined(__linux__)
  return ::syscall(SYS_sendto, fd, data, size, flags, nullptr, 0);
#else
  return ::send(fd, data, size, flags);
#endif
}

inline ssize_t sendmsg(int fd, const msghdr* message, int flags) {
#if defined(__linux__)
  return ::syscall(SYS_sendmsg, fd, message, flags);
#else
  return ::sendmsg(fd, message, flags);
#endif
}

}  // namespace aero::io::direct
