import DocketTestSupport
import Testing

@testable import Docket

/// Seeded hostile inputs through every public entry point (issue 7): deep, wide, duplicate-key, mixed-type and
/// extreme-number documents, filters, updates, projections, sorts and options. After every operation: no crash; a
/// rejected single-document write changed nothing; every stored document is readable by every read path; the
/// store and the `_id` index agree (`checkInvariants`). `Fuzz/FuzzEngine` runs the same scenarios from fuzz bytes.
@Suite struct GeneratedInputTests {
    @Test func hostileInputsThroughEveryEntryPoint() {
        var operations = 0
        SeededRandom.forEachCase(150) { rng, _ in
            let c = DocketClient().database("generated").collection("c")
            for _ in 0..<20 {
                let operation = EngineInputs.operation(&rng)
                let problems = EngineScenario.run(operation, on: c)
                #expect(problems.isEmpty, "\(problems) — \(rng.replayHint)")
                c.engine.checkInvariants()
                operations += 1
            }
        }
        #expect(operations == SeededRandom.scaled(150) * 20)
    }

    /// The generators must reach both sides: writes that land and writes that are refused, so the checks above
    /// prove something.
    @Test func generatedWritesAreBothAcceptedAndRejected() {
        var accepted = 0
        var refused = 0
        SeededRandom.forEachCase(40) { rng, _ in
            let c = DocketClient().database("generated").collection("c")
            for _ in 0..<20 {
                let document = EngineInputs.storable(&rng)
                do {
                    try c.insertOne(document)
                    accepted += 1
                } catch {
                    refused += 1
                }
            }
        }
        #expect(accepted > 100 && refused > 30, "accepted \(accepted), refused \(refused)")
    }
}
