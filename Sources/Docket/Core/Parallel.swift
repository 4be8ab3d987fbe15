#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs independent pieces of one operation on several cores, synchronously: the calling thread runs the first
/// piece, one POSIX thread per other piece runs the rest, and the call returns when every piece has finished.
///
/// The engine's API is synchronous (STYLE.md §4), so a parallel scan is an implementation detail of one call: no
/// task, queue or global pool outlives it. Threads are joined with `pthread_join`, which orders each piece's writes
/// before the caller's reads (ThreadSanitizer intercepts both calls, so it sees that order too).
enum Parallel {
    /// The number of processors online (at least 1).
    static let processorCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Calls `body(0) … body(count - 1)` concurrently and returns their results in order.
    ///
    /// If a thread cannot be created, its piece runs on the calling thread instead.
    static func map<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return count == 1 ? [body(0)] : [] }
        let results = (1..<count).map { _ in ResultBox<T>() }
        let pieces = (1..<count).map { index in
            let box = results[index - 1]
            return Piece { box.value = body(index) }
        }
        let threads = pieces.map(spawn)
        let first = body(0)
        for (piece, thread) in zip(pieces, threads) {
            if let thread {
                pthread_join(thread, nil)
            } else {
                piece.run()
            }
        }
        return [first] + results.map { $0.value! }
    }

    /// Starts a thread running `piece`; `nil` if none could be created.
    private static func spawn(_ piece: Piece) -> pthread_t? {
        let context = Unmanaged.passRetained(piece).toOpaque()
        var thread = pthread_t()
        guard pthread_create(&thread, nil, runPiece, context) == 0 else {
            Unmanaged<Piece>.fromOpaque(context).release()
            return nil
        }
        return thread
    }

    /// One piece of work.
    fileprivate final class Piece: Sendable {
        let run: @Sendable () -> Void

        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Where a piece leaves its result.
    ///
    /// `@unchecked Sendable`: `value` is written once, by the thread running the piece, and read only after that
    /// thread was joined (or on the thread that ran the piece).
    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }
}

/// A thread's entry point: runs the ``Parallel/Piece`` passed (retained) as the context.
private func runPiece(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    Unmanaged<Parallel.Piece>.fromOpaque(context).takeRetainedValue().run()
    return nil
}
