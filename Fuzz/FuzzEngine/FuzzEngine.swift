// libFuzzer entry point for the engine (see README, "Fuzzing").
//
// The input drives a random source (`ByteStreamRandom`) from which `EngineInputs` draws up to 24 operations on the
// public API — hostile documents, filters, updates, projections, sorts and options — applied to a small collection.
// After each one, `EngineScenario` checks the engine's promises (a rejected single-document write changes nothing;
// everything stored is readable by every read path). A broken promise traps, which libFuzzer reports as a crash.
import Docket
import DocketTestSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let problems = EngineScenario.runProgram(Array(UnsafeBufferPointer(start: data, count: size)))
    if !problems.isEmpty { fatalError(problems.joined(separator: "\n")) }
    return 0
}
