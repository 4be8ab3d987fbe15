import Docket
import Testing

/// The README's error example: a thrown ``DocketError`` matched by its code in a `catch` pattern.
///
/// The clause returns rather than assigning a local `var`: Swift 6.3.1's MandatoryAllocBoxToStack pass crashes on
/// some functions whose guarded `catch` clause (after calls with typed `throws`) assigns a captured-by-box local.
@Suite struct ReadmeErrorExampleTests {
    private func insertTwice(_ users: DocketCollection) -> String {
        do {
            try users.insertOne(["_id": 1])
            try users.insertOne(["_id": 1])
            return "no error"
        } catch DocketError.Code.duplicateKey {
            return "taken"
        } catch {
            return "other: \(error)"
        }
    }

    @Test func catchMatchesByCode() {
        #expect(insertTwice(DocketClient().database("app").collection("users")) == "taken")
    }
}
