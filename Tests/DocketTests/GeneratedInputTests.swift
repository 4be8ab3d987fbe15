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

    /// Inputs on which `Fuzz/FuzzEngine` once found a broken promise, replayed (hex of the libFuzzer artifact).
    @Test(arguments: [
        // A findOneAndReplace refused after its upsert was inserted left the inserted document behind.
        "4dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9426f6f6c2999fdafe59325"
            + "3cd654af4dfad71427a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecb02fe412955e5cd8e46dc8e00007b91a0"
            + "06da4ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cbccc9305d8690024a6ac04c81b1baf23e3bf9eef5f79f2b4934"
            + "af87f5520b69b94b0d982e85bb7255a8b672637acd7466fcb60e0e8ff18463b0e4b2ba29703474f064ac68f700f5b02b3dc666f45b"
            + "deaa2ccaedcd2b5157410e4dee4af2b34f437030cbf9537252dcceadd764b6a32fbb0900e111ad09eac4a997203975352b87ded623"
            + "7b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd6540565ef218d706803"
            + "fe0db7251f0c1369bfb0286d2ea8134c9e3a7d135b72a88818faa6e7873bd65c46b116918299f727e6a172b4ea43e15a7c31609bc3"
            + "e858733fd7cf4b0ef6d9d9679af41f9c8366b2739b3e3a562f00597c07a8af4dfae8b999d71427a0aeb3fee9232f8af2211f9ee491"
            + "c5b10b8b045c8a42d884cf"
    ])
    func fuzzFindingsStayFixed(_ hex: String) {
        let bytes = stride(from: 0, to: hex.utf8.count, by: 2).map { i -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
        #expect(EngineScenario.runProgram(bytes) == [])
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
