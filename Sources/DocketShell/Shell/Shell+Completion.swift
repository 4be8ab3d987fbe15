import Docket
import Foundation

extension Shell {
    /// Tab completion: shell commands and globals at the start of an input, database names after `use`, what
    /// `show` shows, collection names and database methods after `db.`, collection methods after `db.coll.`, cursor
    /// methods after `find(…).`, and field names seen in the collection inside a `find({…` or other call's document.
    ///
    /// - Parameters:
    ///   - line: The whole input.
    ///   - cursor: The cursor as a character offset.
    /// - Returns: The line editor's ``Completion``: where the word being completed starts, and its candidates, sorted.
    public func completions(line: String, cursor: Int) -> Completion {
        let characters = Array(line)
        let end = min(max(cursor, 0), characters.count)
        var start = end
        while start > 0,
            characters[start - 1].isLetter || characters[start - 1].isNumber
                || characters[start - 1] == "_" || characters[start - 1] == "$"
        {
            start -= 1
        }
        let word = String(characters[start..<end])
        let before = String(characters[..<start])
        let trimmedBefore = before.trimmingCharacters(in: .whitespaces)
        func result(_ options: [String]) -> Completion {
            Completion(
                replaceFrom: start,
                candidates: Array(
                    Set(options.filter { $0.hasPrefix(word) && $0 != word || word.isEmpty && !$0.isEmpty })
                )
                .sorted())
        }
        if trimmedBefore == "use" { return result(client.listDatabaseNames() + [databaseName]) }
        if trimmedBefore == "show" { return result(["dbs", "databases", "collections", "tables"]) }
        if trimmedBefore.isEmpty {
            return result(Shell.commands + globalNames())
        }
        if before.hasSuffix(".") {
            let chain = String(before.dropLast())
            return result(memberCompletions(of: chain))
        }
        if let collection = collectionOfOpenCall(before), isKeyPosition(before) {
            if collection.seenFields.isEmpty, let sample = try? collection.collection.findOne() {
                collection.noteFields(sample)
            }
            return result(Array(collection.seenFields))
        }
        return result(globalNames())
    }

    static let commands = ["use", "show", "it", "exit", "quit", "help"]

    private func globalNames() -> [String] {
        var names = interpreter.globalTable.names.enumerated().compactMap { slot, name in
            slot < interpreter.globalDeclared.count && interpreter.globalDeclared[slot] ? name : nil
        }
        names += interpreter.builtins.keys
        return names
    }

    /// The names after `chain.`: `db.` → collections and methods, `db.coll.` → collection methods, a cursor →
    /// cursor methods.
    private func memberCompletions(of chain: String) -> [String] {
        let parts = chain.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let root = parts.first?.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).last,
            root == "db" || chain.hasSuffix(")")
        else {
            return []
        }
        if chain.hasSuffix(")") {
            // `db.coll.find({…}).` or `….sort({…}).`: a cursor.
            if chain.contains(".find(") || chain.contains(".sort(") || chain.contains(".limit(")
                || chain.contains(".skip(")
            {
                return CursorHost.methods.map(\.0)
            }
            return []
        }
        let path = chainAfterDB(chain)
        if path.isEmpty {
            return context.database.database.listCollectionNames() + DatabaseHost.methods.keys
        }
        return CollectionHost.methods.map(\.0)
    }

    /// The dotted path after the last `db` of a chain (`x = db.users` → `users`).
    private func chainAfterDB(_ chain: String) -> String {
        guard let range = chain.range(of: "db", options: .backwards) else { return "" }
        return String(chain[range.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    /// The collection of the innermost unclosed `db.coll.method(` call before the cursor.
    private func collectionOfOpenCall(_ text: String) -> CollectionHost? {
        let characters = Array(text)
        var depth = 0
        var i = characters.count - 1
        while i >= 0 {
            let c = characters[i]
            if c == ")" || c == "}" || c == "]" { depth += 1 }
            if c == "{" || c == "[" { depth = max(0, depth - 1) }
            if c == "(" {
                if depth == 0 {
                    let head = String(characters[..<i])
                    let segments = head.split(separator: ".").map(String.init)
                    guard segments.count >= 3 else { return nil }
                    let dbIndex = segments.lastIndex { $0.hasSuffix("db") }
                    guard let dbIndex, dbIndex + 1 < segments.count else { return nil }
                    let name = segments[(dbIndex + 1)..<(segments.count - 1)].joined(separator: ".")
                    return name.isEmpty ? nil : context.database.collection(name)
                }
                depth -= 1
            }
            i -= 1
        }
        return nil
    }

    /// Whether the cursor is where a key of an object literal goes (after `{` or `,`).
    private func isKeyPosition(_ text: String) -> Bool {
        guard let last = text.last(where: { !$0.isWhitespace }) else { return false }
        return last == "{" || last == ","
    }
}
