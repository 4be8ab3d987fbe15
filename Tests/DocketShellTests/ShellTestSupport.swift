import Docket
import Foundation
import Testing

@testable import DocketShell

/// A shell on a fresh in-memory client whose output is collected.
final class TestShell {
    private final class Collected {
        var text = ""
    }

    private let collected = Collected()
    let shell: Shell

    /// What the shell printed.
    var output: String { collected.text }

    init(stepLimit: Int? = 5_000_000, limits: ShellLimits = ShellLimits(), client: DocketClient = DocketClient()) {
        var options = Shell.Options()
        options.stepLimit = stepLimit
        options.limits = limits
        let collected = self.collected
        shell = Shell(client: client, options: options) { collected.text += $0 }
    }

    /// The value of a script as the REPL prints it ("" for undefined).
    func value(_ source: String) throws(ShellError) -> String {
        shell.format(try shell.evaluate(source)) ?? ""
    }

    /// The error a script raises, as the REPL prints it.
    func error(_ source: String) -> ShellError? {
        do {
            _ = try shell.evaluate(source)
            return nil
        } catch {
            return error
        }
    }
}

/// Evaluates one script on a fresh shell.
func value(_ source: String) throws(ShellError) -> String { try TestShell().value(source) }

/// The error one script raises on a fresh shell.
func error(_ source: String) -> ShellError? { TestShell().error(source) }
