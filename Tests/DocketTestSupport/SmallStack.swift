import Foundation

/// Runs `body` on a new thread with a small stack (512 KiB by default, as worker threads have, far less than the main
/// thread's 8 MiB) and returns its result: a test that recursion is bounded, not merely shallow enough for the main
/// thread. (A large `stackSize` runs work that legitimately recurses deeply, such as freeing a very deep value.)
public func runOnSmallStack<T: Sendable>(stackSize: Int = 512 * 1024, _ body: @escaping @Sendable () -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.stackSize = stackSize
    thread.start()
    done.wait()
    return box.value!
}

/// The result slot of ``runOnSmallStack(stackSize:_:)``: written by the thread before it signals, read after the
/// wait, so the semaphore orders the two accesses (`@unchecked Sendable` on that invariant).
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
