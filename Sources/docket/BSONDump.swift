import ArgumentParser
import Docket

/// `docket bsondump FILE`: prints each document of a `.bson` file as Extended JSON, one per line.
struct BSONDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bsondump",
        abstract: "Print the documents of a .bson file (as mongodump writes them) as Extended JSON.",
        discussion: """
            Documents are printed one per line as relaxed Extended JSON v2 (or canonical with --canonical). \
            If the file is damaged, the documents before the damage are printed, then an error naming the \
            byte offset, and the exit code is 1.
            """
    )

    @Argument(help: "The .bson file: BSON documents back to back.")
    var file: String

    @Flag(help: "Print canonical Extended JSON, which keeps every type exactly ($numberInt, $numberLong, …).")
    var canonical = false

    @Flag(help: "Indent each document over several lines.")
    var pretty = false

    func run() throws {
        let out = OutputStream()
        let mode: ExtendedJSONMode = canonical ? .canonical : .relaxed
        var count = 0
        do {
            var reader = try BSONFileReader(path: file)
            while let document = try reader.next() {
                out.write(document.extendedJSONString(mode: mode, pretty: pretty))
                out.write("\n")
                count += 1
            }
        } catch {
            try out.finish(command: "bsondump")
            printError("\(count) objects found")
            printError("docket bsondump: error: \(error)")
            throw ExitCode.failure
        }
        try out.finish(command: "bsondump")
        printError("\(count) objects found")
    }
}
