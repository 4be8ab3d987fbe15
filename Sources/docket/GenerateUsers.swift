import ArgumentParser
import Docket
import DocketWorkloads

/// `docket generate-users`: writes the canonical seeded users dataset that benchmarks and comparisons share.
struct GenerateUsers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-users",
        abstract: "Write the canonical users dataset of the benchmarks (W1-W7) as .bson, .jsonl and keys.",
        discussion: """
            BSONDocument i is the same for every count, so users_100000 is a prefix of users_1000000. Give at least \
            one of --bson, --jsonl or --keys.
            """
    )

    @Option(help: "Number of documents.")
    var count: Int = 100_000

    @Option(help: "Random seed (the canonical dataset uses \(UserGenerator.canonicalSeed)).")
    var seed: UInt64 = UserGenerator.canonicalSeed

    @Option(help: "Write the documents back to back as BSON (as mongodump writes them) to this path.")
    var bson: String?

    @Option(help: "Write the documents as relaxed Extended JSON, one per line, to this path.")
    var jsonl: String?

    @Option(help: "Write the W2-W4 workload keys (keys_N.json) to this path.")
    var keys: String?

    @Flag(help: "Do not print progress.")
    var quiet = false

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must not be negative") }
        guard keys == nil || count > 0 else {
            throw ValidationError("--keys needs a --count of at least 1: the workloads pick users from the dataset")
        }
        guard bson != nil || jsonl != nil || keys != nil else {
            throw ValidationError("nothing to write: give --bson, --jsonl or --keys")
        }
    }

    func run() throws {
        do {
            if let bson {
                try writeUsersBSON(count: count, seed: seed, to: bson, progress: report("BSON", bson))
            }
            if let jsonl {
                try writeUsersJSONL(count: count, seed: seed, to: jsonl, progress: report("JSONL", jsonl))
            }
            if let keys {
                try writeWorkloadKeys(documentCount: count, seed: seed, to: keys)
                if !quiet { printError("wrote workload keys to \(keys)") }
            }
        } catch {
            printError("docket generate-users: error: \(error)")
            throw ExitCode.failure
        }
    }

    /// A progress callback that prints `BSON users.bson: 30000/100000 (30%)` lines to standard error.
    private func report(_ format: String, _ path: String) -> (Int) -> Void {
        let total = count
        let quiet = quiet
        let last = ProgressState()
        return { done in
            guard !quiet, done % 100_000 == 0 || done == total, done != last.reported else { return }
            last.reported = done
            let percent = total == 0 ? 100 : done * 100 / total
            printError("\(format) \(path): \(done)/\(total) documents (\(percent)%)")
        }
    }
}

/// The last progress figure printed, so the final count is not printed twice.
private final class ProgressState {
    var reported = -1
}
