// libFuzzer entry point for the shell's parser and evaluator (see README, "Fuzzing").
//
// Each input is a script run on a fresh shell over a fresh in-memory store, with a step budget and small memory
// limits (so no input can loop forever or exhaust memory legitimately). Whatever the script, the shell must end
// with a value or a ShellError, print the value (REPL format and Extended JSON), answer isComplete and Tab
// completion: any trap, crash or hang is a bug.
import Docket
import DocketShell

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    var options = Shell.Options()
    options.stepLimit = 1000
    options.limits = ShellLimits(maximumStringLength: 1024, maximumArrayLength: 256)
    options.baseDirectory = "/nonexistent"
    let shell = Shell(client: DocketClient(), options: options) { _ in }
    _ = Shell.isComplete(source)
    _ = shell.completions(line: source, cursor: source.count / 2)
    do {
        let value = try shell.evaluate(source, sourceName: "fuzz.js")
        _ = shell.format(value)
        _ = try? shell.json(value, mode: .canonical)
    } catch {
        _ = shell.formatError(error)
    }
    // The REPL path: shell commands (`use`, `show`, `it`) and the `{…}` object-literal reading.
    _ = shell.handle(source)
    return 0
}
