import Foundation

/// Decodes `Decodable` Swift values from BSON documents or BSON bytes.
///
/// The mapping mirrors ``BSONEncoder``. Decoding is lenient across numeric types when the conversion is exact:
/// an int32 field decodes into `Int64` or `Double`, a double `3.0` into `Int`, but `3.5` into `Int` throws, and
/// so does `300` into `UInt8`. Doubles decoded into `Float` round to the nearest `Float` (overflow throws).
/// Everything else is strict: a `Date` comes from a datetime (with the default strategy), a `UUID` from binary
/// subtype 4, an ``ObjectID`` from an objectId, a `String` from a string (or a deprecated symbol).
///
/// ```swift
/// let user = try BSONDecoder().decode(User.self, from: document)
/// let again = try BSONDecoder().decode(User.self, fromBSONBytes: bytes)
/// ```
///
/// Errors are Swift's standard `DecodingError`s carrying the full coding path; their messages name the path and
/// the expected and found types: `"Expected to decode Int at teams[1].id but found string"`.
///
/// If a document has duplicate keys, which of the fields a property decodes from is unspecified.
public struct BSONDecoder: Sendable {
    /// How `Date` values are decoded.
    public enum DateDecodingStrategy: Sendable {
        /// From a BSON datetime only (the default).
        case bsonDateTime
        /// From a number of milliseconds since the Unix epoch (int32, int64 or double).
        case millisecondsSince1970
        /// From a number of seconds since the Unix epoch (int32, int64 or double).
        case secondsSince1970
        /// From an ISO 8601 string such as `"2024-05-01T12:00:00Z"`.
        case iso8601
        /// A closure that decodes the date from the given decoder.
        case custom(@Sendable (any Decoder) throws -> Date)
    }

    /// How `Data` values are decoded.
    public enum DataDecodingStrategy: Sendable {
        /// From BSON binary data of any subtype (the default).
        case binary
        /// From a Base64 string.
        case base64
        /// A closure that decodes the data from the given decoder.
        case custom(@Sendable (any Decoder) throws -> Data)
    }

    /// How `Date` values are decoded; ``DateDecodingStrategy/bsonDateTime`` by default.
    public var dateDecodingStrategy: DateDecodingStrategy = .bsonDateTime
    /// How `Data` values are decoded; ``DataDecodingStrategy/binary`` by default.
    public var dataDecodingStrategy: DataDecodingStrategy = .binary
    /// Values handed to every `init(from:)` through `Decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]
    /// Limits applied when decoding from bytes.
    public var readerOptions: BSONReaderOptions = .default

    /// Creates a decoder with the default strategies.
    public init() {}

    /// Decodes a value from a document.
    ///
    /// - Throws: `DecodingError` with the coding path of the problem: `.typeMismatch` when a field has the wrong
    ///   BSON type, `.keyNotFound` for a missing field, `.valueNotFound` for a null where a value is required,
    ///   `.dataCorrupted` when a number does not fit the property's type exactly.
    public func decode<T: Decodable>(_ type: T.Type, from document: BSONDocument) throws -> T {
        try decode(type, fromValue: .document(document))
    }

    /// Decodes a value from any BSON value (for example one element of an array, or a scalar).
    ///
    /// - Throws: `DecodingError` as ``decode(_:from:)`` does.
    public func decode<T: Decodable>(_ type: T.Type, fromValue value: BSONValue) throws -> T {
        let root = BSONDecoderImpl(value: value, context: makeContext(), parent: nil, element: nil, decodingType: type)
        return try root.unbox(value, as: type, at: nil)
    }

    /// Reads, validates and decodes one BSON document.
    ///
    /// - Throws: `DecodingError.dataCorrupted` whose underlying error is the ``BSONError`` if the bytes are not a
    ///   valid BSON document; otherwise `DecodingError` as ``decode(_:from:)`` does.
    public func decode<T: Decodable>(_ type: T.Type, fromBSONBytes bytes: [UInt8]) throws -> T {
        let document: BSONDocument
        do {
            document = try BSONDocument(bsonBytes: bytes, options: readerOptions)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: [],
                    debugDescription: "The given data is not a valid BSON document: \(error)",
                    underlyingError: error
                )
            )
        }
        return try decode(type, from: document)
    }

    private func makeContext() -> DecodingContext {
        DecodingContext(
            dateStrategy: dateDecodingStrategy,
            dataStrategy: dataDecodingStrategy,
            userInfo: userInfo.isEmpty ? [:] : userInfo.mapValues { $0 as Any }
        )
    }
}
