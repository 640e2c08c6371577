// ThreadSanitizer annotations (internal to executor/); they compile to nothing in every
// other build.
//
// Debian's libtbb is not built with ThreadSanitizer, so TSan cannot see the synchronisation
// inside TBB's queues. The tasks themselves cross threads through TbbExecutor's own
// mutex-protected FIFO, which TSan does see. Two things travel through TBB alone, and for
// those we tell TSan what libtbb guarantees:
//   1. The pump job's `this`: everything the submitting thread did before arena.enqueue()
//      happens-before the job runs (TBB's enqueue/dispatch is a release/acquire pair). We
//      restate that edge: AERO_TSAN_RELEASE(executor) just before enqueue, and
//      AERO_TSAN_ACQUIRE(executor) as the job's first step.
//   2. The small job object TBB's header code constructs in our (instrumented) code and
//      libtbb then runs and recycles on its own threads. AERO_TSAN_IGNORE_BEGIN/END bracket
//      only the enqueue() call, so TSan does not record accesses to that TBB-owned memory
//      whose ordering lives entirely inside libtbb.
// Everything our own code and the user's tasks do stays fully checked.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define AERO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define AERO_TSAN 1
#endif
#endif

#if defined(AERO_TSAN)
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
extern "C" void __tsan_ignore_thread_begin(void);
extern "C" void __tsan_ignore_thread_end(void);
#define AERO_TSAN_RELEASE(addr) __tsan_release(static_cast<void*>(addr))
#define AERO_TSAN_ACQUIRE(addr) __tsan_acquire(static_cast<void*>(addr))
#define AERO_TSAN_IGNORE_BEGIN() __tsan_ignore_thread_begin()
#define AERO_TSAN_IGNORE_END() __tsan_ignore_thread_end()
#else
#define AERO_TSAN_RELEASE(addr) static_cast<void>(0)
#define AERO_TSAN_ACQUIRE(addr) static_cast<void>(0)
#define AERO_TSAN_IGNORE_BEGIN() static_cast<void>(0)
#define AERO_TSAN_IGNORE_END() static_cast<void>(0)
#endif
