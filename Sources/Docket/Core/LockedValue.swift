#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value guarded by a `pthread_mutex_t`, reached only inside ``withLock(_:)``.
///
/// This plays the role STYLE.md gives `Synchronization.Mutex`, with one difference that matters for testing:
/// ThreadSanitizer intercepts `pthread_mutex_lock`/`unlock`, so it sees every happens-before edge the lock
/// creates. `Mutex` on Linux hands a contended lock over inside the kernel (a priority-inheritance futex) in
/// code TSan does not instrument, so TSan reported races between two writers that the lock in fact serialized.
/// Uncontended, both cost about the same (one atomic operation each way).
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `value` is only read or written while `lock` is held.
    private let lock = Lock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    @inline(__always)
    func withLock<T, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        try lock.withLock { () throws(E) -> T in try body(&value) }
    }
}

/// A `pthread_mutex_t` that guards no value of its own: it serializes a section of code (the single writer).
///
/// Kept separate from ``LockedValue`` because an `inout` access to a zero-sized stored value (`LockedValue<Void>`)
/// is reported by ThreadSanitizer at the object's own address, which aliases unrelated accesses.
final class Lock: @unchecked Sendable {
    // @unchecked Sendable: the mutex is allocated once, never moved, only used through pthread calls, and destroyed in deinit.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let error = pthread_mutex_init(mutex, nil)
        precondition(error == 0, "pthread_mutex_init failed: \(error)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` while holding the lock.
    @inline(__always)
    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
