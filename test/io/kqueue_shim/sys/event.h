/*
 * Declarations-only stand-in for <sys/event.h> (kqueue), mirroring FreeBSD's header, so the
 * kqueue backend (io/kqueue) is compiled on Linux, where no kqueue exists: type and syntax
 * errors are caught by every build. Nothing here is ever linked or run; the backend runs
 * only where a real <sys/event.h> exists (FreeBSD, macOS, the other BSDs).
 *
 * Only what io/kqueue uses, with FreeBSD's values and field types. macOS differs in values
 * (EVFILT_USER is -10 there) and in the type of `data` (intptr_t): the backend uses the
 * macros and EV_SET only, never a number or a field that is not common to both.
 */
#ifndef AERO_TEST_KQUEUE_SHIM_SYS_EVENT_H
#define AERO_TEST_KQUEUE_SHIM_SYS_EVENT_H

#include <stdint.h>
#include <time.h>

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)
#define EVFILT_TIMER (-7)
#define EVFILT_USER (-11)

#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ENABLE 0x0004
#define EV_DISABLE 0x0008
#define EV_ONESHOT 0x0010
#define EV_CLEAR 0x0020
#define EV_RECEIPT 0x0040
#define EV_DISPATCH 0x0080
#define EV_ERROR 0x4000
#define EV_EOF 0x8000

/* EVFILT_USER */
#define NOTE_FFNOP 0x00000000
#define NOTE_TRIGGER 0x01000000

struct kevent {
  uintptr_t ident;     /* identifier for this event (a descriptor for READ/WRITE) */
  short filter;        /* EVFILT_* */
  unsigned short flags; /* EV_* */
  unsigned int fflags; /* filter-specific flags (NOTE_*) */
  int64_t data;        /* filter-specific data */
  void* udata;         /* opaque user data, returned unchanged */
  uint64_t ext[4];     /* extensions */
};

#define EV_SET(kevp_, a, b, c, d, e, f)  \
  do {                                   \
    struct kevent* kevp = (kevp_);       \
    kevp->ident = (a);                   \
    kevp->filter = (b);                  \
    kevp->flags = (c);                   \
    kevp->fflags = (d);                  \
    kevp->data = (e);                    \
    kevp->udata = (f);                   \
    kevp->ext[0] = 0;                    \
    kevp->ext[1] = 0;                    \
    kevp->ext[2] = 0;                    \
    kevp->ext[3] = 0;                    \
  } while (0)

#ifdef __cplusplus
extern "C" {
#endif
int kqueue(void);
int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist,
           int nevents, const struct timespec* timeout);
#ifdef __cplusplus
}
#endif

#endif /* AERO_TEST_KQUEUE_SHIM_SYS_EVENT_H */
