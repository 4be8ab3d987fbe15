// Happens-before edges that ThreadSanitizer cannot see on its own (STYLE.md §4; ARCHITECTURE.md, "Snapshots").
//
// Record chunks and `_id` index segments are shared copy-on-write between the writer and readers' snapshots. A
// reader reads a shared chunk without a lock, later drops its snapshot (a reference-count decrement in the Swift
// runtime), and the writer then finds the chunk uniquely referenced and mutates it in place. The runtime orders the
// two (a releasing decrement, an acquiring uniqueness check), but it is not instrumented, so ThreadSanitizer sees
// the reader's reads and the writer's writes as unordered and reports a race that cannot happen.
//
// Built with `-Xswiftc -DDOCKET_TSAN` (what `.ci/run` does for its ThreadSanitizer run), the two sides announce that
// order to ThreadSanitizer: a reader releases the object after reading it, the writer acquires it once the
// uniqueness check has passed. A real race — the writer mutating an object a reader still holds — is still reported:
// the uniqueness check fails while the reader holds a reference, and a read after the writer's acquire is unordered.
// In every other build both calls compile to nothing.

#if DOCKET_TSAN
    @_silgen_name("__tsan_acquire")
    private func tsanAcquire(_ address: UnsafeRawPointer)

    @_silgen_name("__tsan_release")
    private func tsanRelease(_ address: UnsafeRawPointer)
#endif

/// Announces the copy-on-write ownership hand-over of shared storage objects to ThreadSanitizer.
enum SharedOwnership {
    /// A reader is done reading `object` (it may drop its reference at any time after this).
    @inline(__always) static func readerDone(_ object: AnyObject) {
        #if DOCKET_TSAN
            tsanRelease(UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque()))
        #endif
    }

    /// The writer found `object` uniquely referenced and is about to mutate it in place.
    @inline(__always) static func writerOwns(_ object: AnyObject) {
        #if DOCKET_TSAN
            tsanAcquire(UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque()))
        #endif
    }
}
