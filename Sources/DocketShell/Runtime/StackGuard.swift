#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Knows how much of the current thread's stack is left, so deep recursion (nested brackets in a script, a function
/// calling itself forever, a deeply nested value) ends in a clean error instead of a crash, on any stack size: the
/// 8 MiB main thread or a 512 KiB worker thread.
struct StackGuard {
    /// The lowest address the recursion may reach (the stack grows down), with a reserve for the work done between
    /// checks and for printing the error.
    private let limit: UInt

    /// The reserve kept free below the last check: enough for the deepest non-checked path (a builtin called from
    /// a checked frame, the printer, the error path) in a debug build.
    static let reserve: UInt = 160 * 1024

    /// A guard for the calling thread.
    init() {
        let here = StackGuard.currentAddress()
        var low: UInt = 0
        #if canImport(Glibc)
            // For the main thread glibc finds the stack by reading /proc/self/maps, which costs far more than the
            // parse it guards (every REPL line is parsed to see whether it is complete): its bounds never change, so
            // they are read once.
            low = currentThreadID() == getpid() ? StackGuard.mainThreadLow : StackGuard.currentThreadLow()
        #elseif canImport(Darwin)
            let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
            low = top - UInt(pthread_get_stacksize_np(pthread_self()))
        #endif
        if low == 0 || low >= here {
            // Unknown bounds: assume the smallest stack we support (512 KiB) below the current frame.
            low = here - 512 * 1024
        }
        let usable = here - low
        // On a tiny stack keep at least a quarter of it usable; the error then comes earlier.
        limit = low + min(StackGuard.reserve, usable * 3 / 4)
    }

    #if canImport(Glibc)
        /// The lowest address of the main thread's stack (0 when unknown); initialised on first use, which
        /// `init()` makes on the main thread.
        private static let mainThreadLow = currentThreadLow()

        /// The lowest address of the calling thread's stack, or 0 when unknown.
        private static func currentThreadLow() -> UInt {
            var attributes = pthread_attr_t()
            guard getAttributes(pthread_self(), &attributes) == 0 else { return 0 }
            defer { pthread_attr_destroy(&attributes) }
            var address: UnsafeMutableRawPointer?
            var size = 0
            guard pthread_attr_getstack(&attributes, &address, &size) == 0, let address else { return 0 }
            return UInt(bitPattern: address)
        }
    #endif

    /// Whether there is room for more recursion.
    @inline(__always) var hasRoom: Bool { StackGuard.currentAddress() > limit }

    @inline(never) static func currentAddress() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }
}

#if canImport(Glibc)
    /// glibc's `pthread_getattr_np` (a GNU extension the Glibc module does not export): the attributes, stack
    /// included, of a running thread.
    @_silgen_name("pthread_getattr_np")
    private func getAttributes(_ thread: pthread_t, _ attributes: UnsafeMutablePointer<pthread_attr_t>) -> Int32

    /// glibc's `gettid` (2.30+, not exported by the Glibc module): the kernel's id of the calling thread, equal to the
    /// process id on the main thread.
    @_silgen_name("gettid")
    private func currentThreadID() -> pid_t
#endif
