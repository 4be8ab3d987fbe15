import ArgumentParser

/// `docket aggregate [PATH] --db NAME --collection NAME pipeline.json`: runs a stored pipeline and prints the results
/// as JSON lines.
///
/// The command line is in place so `docket aggregate` is never read as a data directory named "aggregate"; the
/// aggregation engine (and so this command's work) comes with the aggregation issue. Until then it fails as the
/// shell's `aggregate()` does: NotImplemented (238).
struct AggregateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Run an aggregation pipeline stored in a file (not yet available: it needs the aggregation engine).",
        discussion: """
            The pipeline file holds a JSON or Extended JSON array of stages, or a .js file whose value is one. \
            Results are printed as Extended JSON, one document per line; --explain prints the plan instead.
            """
    )

    @Argument(help: "A data directory (optional), then the pipeline file.")
    var arguments: [String]

    @Option(help: "The database.")
    var db = "test"

    @Option(help: "The collection to aggregate.")
    var collection: String

    @Flag(help: "Print the plan instead of the results.")
    var explain = false

    func validate() throws {
        if arguments.isEmpty || arguments.count > 2 {
            throw ValidationError("Expected [PATH] PIPELINE-FILE")
        }
    }

    func run() throws {
        printError(
            "MongoServerError[NotImplemented]: docket aggregate is not yet available in Docket (coming with the "
                + "aggregation issue)\n    code 238 (NotImplemented)")
        throw ExitCode.failure
    }
}
