/// The two output formats of MongoDB Extended JSON v2.
///
/// ```swift
/// let doc: BSONDocument = ["n": 1, "x": 2.5]
/// doc.extendedJSONString(mode: .relaxed)    // {"n":1,"x":2.5}
/// doc.extendedJSONString(mode: .canonical)  // {"n":{"$numberInt":"1"},"x":{"$numberDouble":"2.5"}}
/// ```
public enum ExtendedJSONMode: Sendable, Hashable {
    /// Canonical Extended JSON: every value keeps its exact BSON type (`{"$numberInt": "1"}`).
    case canonical
    /// Relaxed Extended JSON: numbers are plain JSON numbers and dates from 1970 to 9999 are ISO-8601 strings.
    /// This is the default, as the Extended JSON specification recommends.
    case relaxed
}

/// Options for parsing Extended JSON text.
///
/// ```swift
/// var options = ExtendedJSONParsingOptions()
/// options.maxDepth = 50
/// let doc = try BSONDocument(extendedJSON: text, options: options)
/// ```
public struct ExtendedJSONParsingOptions: Sendable, Hashable {
    /// The deepest nesting of BSON documents and arrays accepted, counted as ``BSONReaderOptions/maxDepth`` counts it
    /// (the top-level document is depth 0), so that whatever this reader accepts the binary reader and writer accept
    /// too.
    ///
    /// Type wrappers (`{"$date": {"$numberLong": "1"}}`) add JSON levels that the BSON document does not have; they
    /// are not counted. Deeper input throws `.depthLimitExceeded` instead of exhausting the stack.
    public var maxDepth: Int
    /// Whether the legacy type wrappers `{"$binary": "<base64>", "$type": "<hex>"}` and
    /// `{"$regex": "<pattern>", "$options": "<flags>"}` are accepted.
    ///
    /// A `$regex` whose value is not a string (the `$regex` query operator written with a
    /// `$regularExpression` value) is always kept as a plain document, as is a lone `$type` (the `$type`
    /// query operator).
    public var allowsLegacyForms: Bool

    /// Creates options: MongoDB's 100 levels of nesting and legacy forms accepted by default.
    public init(maxDepth: Int = BSONLimits.maximumDepth, allowsLegacyForms: Bool = true) {
        self.maxDepth = maxDepth
        self.allowsLegacyForms = allowsLegacyForms
    }

    /// 100 levels of nesting; legacy `$binary`/`$type` and `$regex`/`$options` forms accepted.
    public static let `default` = ExtendedJSONParsingOptions()
}
