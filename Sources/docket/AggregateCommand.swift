import ArgumentParser
import Docket
import DocketShell
import Foundation

/// `docket aggregate [PATH] --db NAME --collection NAME pipeline.json|script.js [--explain] [--sample]`: runs a
/// pipeline stored in a file and prints the results as relaxed Extended JSON, one document per line.
///
/// The pipeline file holds an Extended JSON array of stages (`.json`, or any other name), or is a `.js` script run by
/// the shell whose value is that array (the script may also insert data first: it runs against the same in-memory
/// store). Until persistence lands, PATH opens nothing durable, as the shell's PATH does; `--sample` loads the
/// shell's sample data (users, teams, memberships in database "test") so the command has something to read.
struct AggregateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Run an aggregation pipeline stored in a file.",
        discussion: """
            The pipeline file holds a JSON or Extended JSON array of stages, or is a .js script whose value is one \
            (it runs in the shell first, against the same in-memory database). Results are printed as relaxed \
            Extended JSON, one document per line; --explain prints the explain document instead. Errors are \
            printed as the shell prints them (MongoServerError[Code]: message) and the exit code is 1. Until \
            persistence lands PATH is not durable; --sample loads the sample data into database 'test'.
            """
    )

    @Argument(help: "A data directory (optional), then the pipeline file (.json or .js).")
    var arguments: [String]

    @Option(help: "The database.")
    var db = "test"

    @Option(help: "The collection to aggregate.")
    var collection: String

    @Flag(help: "Print the explain document (queryPlanner verbosity) instead of the results.")
    var explain = false

    @Flag(help: "Load the sample data (users with embedded teams, teams, memberships) into database 'test'.")
    var sample = false

    func validate() throws {
        if arguments.isEmpty || arguments.count > 2 {
            throw ValidationError("Expected [PATH] PIPELINE-FILE")
        }
    }

    func run() throws {
        let file = arguments[arguments.count - 1]
        if arguments.count == 2 {
            printError(
                "warning: \(arguments[0]) is not durable yet: Docket's persistence is not built, so this command "
                    + "opens an in-memory database and nothing is read from or written to \(arguments[0]).")
        }
        let client = DocketClient()
        if sample { try SampleData.load(into: client.database("test")) }
        let pipeline = try readPipeline(file, client: client)
        let target = client.database(db).collection(collection)
        let out = OutputStream()
        do {
            if explain {
                out.write(try target.explainAggregate(pipeline).extendedJSONString(mode: .relaxed, pretty: true))
                out.write("\n")
            } else {
                var iterator = try target.aggregate(pipeline).makeIterator()
                while let document = try iterator.next() {
                    out.write(document.extendedJSONString(mode: .relaxed))
                    out.write("\n")
                }
            }
        } catch {
            try out.finish(command: "aggregate")
            Self.report(error)
            throw ExitCode.failure
        }
        try out.finish(command: "aggregate")
    }

    /// The stages in the file: an Extended JSON array, or the value of a `.js` script.
    private func readPipeline(_ path: String, client: DocketClient) throws -> [BSONDocument] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            printError("docket aggregate: error: cannot read \(path): \(error.localizedDescription)")
            throw ExitCode.failure
        }
        let value: BSONValue
        if path.hasSuffix(".js") {
            let shell = Shell(client: client) { printError($0) }
            let json: String?
            do {
                json = try shell.json(try shell.evaluate(text, sourceName: path), mode: .canonical)
            } catch {
                printError(shell.formatError(error, colors: false))
                throw ExitCode.failure
            }
            value = (try? BSONValue(extendedJSON: json ?? "null")) ?? .null
        } else {
            do {
                value = try BSONValue(extendedJSON: text)
            } catch {
                printError("docket aggregate: error: \(path) is not valid Extended JSON: \(error)")
                throw ExitCode.failure
            }
        }
        guard case .array(let elements) = value else {
            Self.report(
                DocketError(
                    .typeMismatch, "'pipeline' option must be specified as an array, not \(value.type.alias)"))
            throw ExitCode.failure
        }
        var stages: [BSONDocument] = []
        for element in elements {
            guard case .document(let stage) = element else {
                Self.report(DocketError(.typeMismatch, "Each element of the 'pipeline' array must be an object"))
                throw ExitCode.failure
            }
            stages.append(stage)
        }
        return stages
    }

    /// Prints an error on standard error as the shell does: `MongoServerError[Code]: message`, then the code.
    private static func report(_ error: any Error) {
        guard let error = error as? DocketError else {
            printError("docket aggregate: error: \(error)")
            return
        }
        printError(
            "MongoServerError[\(error.code.name)]: \(error.message)\n    code \(error.code.code) (\(error.code.name))")
    }
}
