// Public entry points of MongoDB Extended JSON v2: writing documents and values as canonical or relaxed
// Extended JSON, and parsing Extended JSON text (canonical, relaxed, and the common legacy forms).

extension BSONDocument {
    /// The document as Extended JSON text.
    ///
    /// Fields keep their order. Compact output has no spaces; `pretty` output puts each field on its own line,
    /// indented by two spaces, and keeps type wrappers such as `{"$oid": "…"}` on one line.
    ///
    /// ```swift
    /// let doc: BSONDocument = ["_id": .objectID(id), "n": 1, "at": .datetime(0)]
    /// doc.extendedJSONString()
    /// // {"_id":{"$oid":"…"},"n":1,"at":{"$date":"1970-01-01T00:00:00Z"}}
    /// doc.extendedJSONString(mode: .canonical)
    /// // {"_id":{"$oid":"…"},"n":{"$numberInt":"1"},"at":{"$date":{"$numberLong":"0"}}}
    /// ```
    ///
    /// - Parameters:
    ///   - mode: `.relaxed` (the default, as the specification recommends) or `.canonical`.
    ///   - pretty: whether to indent the output over several lines.
    /// - Returns: the Extended JSON text.
    public func extendedJSONString(mode: ExtendedJSONMode = .relaxed, pretty: Bool = false) -> String {
        var writer = ExtendedJSONWriter(mode: mode, pretty: pretty)
        writer.writeDocument(self)
        return String(decoding: writer.out, as: UTF8.self)
    }

    /// Appends the document's Extended JSON text, as UTF-8, to `buffer`; no newline is added.
    ///
    /// Use this to write many documents (JSON Lines) into one reused buffer.
    /// - Parameters:
    ///   - buffer: the bytes to append to.
    ///   - mode: `.relaxed` (the default) or `.canonical`.
    ///   - pretty: whether to indent the output over several lines.
    public func appendExtendedJSON(to buffer: inout [UInt8], mode: ExtendedJSONMode = .relaxed, pretty: Bool = false) {
        var writer = ExtendedJSONWriter(appendingTo: buffer, mode: mode, pretty: pretty)
        buffer = []
        writer.writeDocument(self)
        buffer = writer.out
    }

    /// Parses Extended JSON text holding one JSON object.
    ///
    /// Accepts canonical and relaxed Extended JSON v2, `$uuid`, and (unless
    /// ``ExtendedJSONParsingOptions/allowsLegacyForms`` is off) the legacy `{"$binary": …, "$type": …}` and
    /// `{"$regex": …, "$options": …}` forms. The outermost object is always a document, never a type wrapper, and
    /// DBRef-shaped objects (`{"$ref": …, "$id": …}`) stay plain documents. Integer literals become int32 when they
    /// fit, else int64, else double; numbers with a fraction or exponent become doubles.
    ///
    /// ```swift
    /// let doc = try BSONDocument(extendedJSON: #"{"_id": {"$oid": "57e193d7a9cc81b4027498b5"}, "n": 1}"#)
    /// ```
    ///
    /// - Parameters:
    ///   - text: the JSON text.
    ///   - options: the nesting limit and whether legacy forms are accepted.
    /// - Throws: ``BSONError`` with the 1-based line and column of the problem: `.invalidExtendedJSON` for
    ///   malformed JSON or a malformed type wrapper (for example `{"$numberInt": 42}` or a `$binary` with an extra
    ///   key), `.depthLimitExceeded` for nesting deeper than `options.maxDepth`.
    public init(extendedJSON text: String, options: ExtendedJSONParsingOptions = .default) throws(BSONError) {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(BSONError) -> BSONDocument in
                var parser = ExtendedJSONParser(bytes: bytes, options: options)
                return try parser.parseTopLevelDocument()
            }
        }
        self = try result.get()
    }

    /// Parses Extended JSON held as UTF-8 bytes, for example one line of a JSON Lines file.
    ///
    /// Surrounding whitespace (including a trailing newline) is allowed. See ``init(extendedJSON:options:)``.
    /// - Parameters:
    ///   - bytes: the UTF-8 text; it is validated as UTF-8.
    ///   - options: the nesting limit and whether legacy forms are accepted.
    /// - Throws: ``BSONError`` as ``init(extendedJSON:options:)`` does.
    public init<Bytes: Collection>(
        extendedJSONBytes bytes: Bytes,
        options: ExtendedJSONParsingOptions = .default
    ) throws(BSONError) where Bytes.Element == UInt8 {
        let direct = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(BSONError) -> BSONDocument in
                var parser = ExtendedJSONParser(bytes: buffer, options: options)
                return try parser.parseTopLevelDocument()
            }
        }
        if let direct {
            self = try direct.get()
        } else {
            self = try BSONDocument(extendedJSONBytes: Array(bytes), options: options)
        }
    }

    /// Parses Extended JSON held as UTF-8 bytes in raw memory (for example a slice of a memory-mapped file).
    ///
    /// See ``init(extendedJSON:options:)``.
    /// - Parameters:
    ///   - buffer: the UTF-8 text; it is validated as UTF-8.
    ///   - options: the nesting limit and whether legacy forms are accepted.
    /// - Throws: ``BSONError`` as ``init(extendedJSON:options:)`` does.
    public init(extendedJSONBuffer buffer: UnsafeRawBufferPointer, options: ExtendedJSONParsingOptions = .default)
        throws(BSONError)
    {
        var parser = ExtendedJSONParser(bytes: buffer.assumingMemoryBound(to: UInt8.self), options: options)
        self = try parser.parseTopLevelDocument()
    }
}

extension BSONValue {
    /// The value as Extended JSON text: a JSON value, or a type wrapper object for types JSON lacks.
    ///
    /// ```swift
    /// BSONValue.int64(42).extendedJSONString()                   // 42
    /// BSONValue.int64(42).extendedJSONString(mode: .canonical)   // {"$numberLong":"42"}
    /// BSONValue.double(1).extendedJSONString()                   // 1.0
    /// ```
    ///
    /// - Parameters:
    ///   - mode: `.relaxed` (the default) or `.canonical`.
    ///   - pretty: whether to indent documents and arrays over several lines.
    /// - Returns: the Extended JSON text.
    public func extendedJSONString(mode: ExtendedJSONMode = .relaxed, pretty: Bool = false) -> String {
        var writer = ExtendedJSONWriter(mode: mode, pretty: pretty, capacity: 32)
        writer.writeValue(self)
        return String(decoding: writer.out, as: UTF8.self)
    }

    /// Parses Extended JSON text holding any one JSON value; an object may be a type wrapper.
    ///
    /// ```swift
    /// let v = try BSONValue(extendedJSON: #"{"$numberLong": "42"}"#)   // .int64(42)
    /// let n = try BSONValue(extendedJSON: "2.5")                       // .double(2.5)
    /// ```
    ///
    /// - Parameters:
    ///   - text: the JSON text.
    ///   - options: the nesting limit and whether legacy forms are accepted.
    /// - Throws: ``BSONError`` as ``BSONDocument/init(extendedJSON:options:)`` does.
    public init(extendedJSON text: String, options: ExtendedJSONParsingOptions = .default) throws(BSONError) {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(BSONError) -> BSONValue in
                var parser = ExtendedJSONParser(bytes: bytes, options: options)
                return try parser.parseTopLevelValue()
            }
        }
        self = try result.get()
    }
}
