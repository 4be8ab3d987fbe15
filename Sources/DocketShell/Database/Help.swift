import Docket

/// A help screen in mongosh's layout: a title, a name column 47 characters wide, descriptions, a link.
struct HelpText {
    var title: String
    var entries: [(name: String, description: String)]
    var link: String?

    func render(colors: Bool) -> String {
        func styled(_ text: String, _ style: PrintStyle) -> String { colors ? PrintText(text, style).colored : text }
        let column = 47
        var text = "\n  \(styled(title + ":", .header))\n\n"
        for (name, description) in entries {
            var line = "    \(name)"
            let lines = description.split(separator: "\n", omittingEmptySubsequences: false)
            line += String(repeating: " ", count: max(1, column - line.count)) + lines[0]
            for more in lines.dropFirst() where !more.allSatisfy({ $0 == " " }) {
                line += "\n" + String(repeating: " ", count: column) + more
            }
            text += line + "\n"
        }
        if let link {
            text += "\n  \(styled("For more information on usage:", .bold)) \(link)"
        }
        return text
    }
}

/// The help screens of `help`, `db.help()`, `db.coll.help()` and `cursor.help()`.
enum Help {
    static let shell = HelpText(
        title: "Shell Help",
        entries: [
            ("use", "Sets the current database: use app"),
            (
                "show",
                "'show dbs'/'show databases': lists the databases\n"
                    + "'show collections'/'show tables': lists the collections of the current database"
            ),
            ("it", "Prints the next batch of the last cursor"),
            ("exit", "Quits the shell: exit, exit(), quit, quit(), Ctrl-D"),
            ("quit", "Quits the shell (exit code as argument: quit(1))"),
            ("load", "Loads and runs a JavaScript file: load('scripts/seed.js')"),
            ("print", "Prints values: print('x =', x); printjson is the same"),
            ("sleep", "Sleeps for a number of milliseconds: sleep(100)"),
            ("EJSON", "Extended JSON: EJSON.stringify(doc, { relaxed: false }), EJSON.parse(text)"),
            ("db.help()", "Methods of the current database"),
            ("db.<collection>.help()", "Methods of a collection"),
            ("db.<collection>.find().help()", "Methods of a cursor"),
        ],
        link: "https://www.mongodb.com/docs/mongodb-shell/")

    static let database = HelpText(
        title: "Database Class",
        entries: DatabaseHost.methods.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
        link: "https://www.mongodb.com/docs/manual/reference/method/js-database/")

    static let collection = HelpText(
        title: "Collection Class", entries: CollectionHost.methods,
        link: "https://www.mongodb.com/docs/manual/reference/method/js-collection/")

    static let cursor = HelpText(
        title: "Cursor Class", entries: CursorHost.methods,
        link: "https://www.mongodb.com/docs/manual/reference/method/js-cursor/")
}
