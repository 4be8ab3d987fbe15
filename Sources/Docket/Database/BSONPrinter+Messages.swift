// The engine's error messages quote values with the one printer of DocketBSON. MongoDB's components print a few types
// differently; each message family keeps the forms its tests compare, as explicit options.
extension BSONPrinter {
    /// The values quoted by write errors (`dup key: { _id: 1.5 }`): doubles in Swift's shortest form.
    static let errorMessage = BSONPrinter(
        .server(
            ServerOptions(
                wholeDoublesBelow: nil, binary: .hex(uppercase: false), quotesSymbols: true, wrapsDecimals: false,
                showsCodeScope: false)))

    /// The values quoted by projection and sort errors (`Illegal key in $sort specification: a: "x"`).
    static let projectionMessage = BSONPrinter(
        .server(ServerOptions(wholeDoublesBelow: 1e15, binary: .byteCount, showsCodeScope: false)))

    /// The values quoted by update errors (`{ $inc: { a: "x" } }`), as `BSONElement::toString` prints them.
    static let updateMessage = BSONPrinter(.server(ServerOptions(nonFiniteSuffix: "")))
}
