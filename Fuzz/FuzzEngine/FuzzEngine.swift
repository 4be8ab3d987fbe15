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
    var rng = ByteStreamRandom(Array(UnsafeBufferPointer(start: data, count: size)))
    let c = DocketClient().database("fuzz").collection("c")
    do {
        try c.insertMany([
            ["_id": 1, "a": [1, 2, ["b": 3]], "teams": [["id": 1, "role": "admin"]]],
            ["_id": 2, "a": "x", "b": ["c": .null]],
            ["_id": 3, "a": .double(.nan), "n": .int64(.max)],
        ])
    } catch {
        fatalError("seeding failed: \(error)")
    }
    var steps = 0
    while !rng.isExhausted && steps < 24 {
        let operation = EngineInputs.operation(&rng)
        let problems = EngineScenario.run(operation, on: c)
        if !problems.isEmpty { fatalError(problems.joined(separator: "\n")) }
        steps += 1
    }
    return 0
}
