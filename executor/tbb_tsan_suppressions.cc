// ThreadSanitizer suppressions for Debian's libtbb, which is not built with ThreadSanitizer.
//
// Link //executor:tbb_tsan_suppressions into a test or benchmark binary that uses oneTBB and
// runs under --config=tsan. It tells TSan to ignore the interceptors (memcmp, operator
// delete, ...) that libtbb's own code calls on its own threads: TBB's internal
// synchronisation is invisible to TSan, so those accesses would be reported as races inside
// libtbb (seen when TBB's worker threads shut down). Nothing of ours is suppressed: code
// built in this repository, the tasks it runs and the hand-off to TBB (see
// executor/tsan_annotations.h) stay fully checked. In other builds this defines a function
// nobody calls.
extern "C" const char* __tsan_default_suppressions() {
  // Only libtbb itself: ignoring libtbbmalloc too makes TSan see an unlock at exit whose
  // lock it ignored.
  return "called_from_lib:libtbb.so\n";
}
