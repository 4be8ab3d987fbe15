import Foundation

/// Encodes `Encodable` Swift values as BSON documents.
///
/// Swift types map to BSON like this:
///
/// | Swift | BSON |
/// |-------|------|
/// | `String`, `Bool` | string, boolean |
/// | `Int`, `Int64`, `UInt32`, `UInt64`, `UInt` | int64 (`UInt64` above `Int64.max` throws) |
/// | `Int32`, `Int16`, `Int8`, `UInt16`, `UInt8` | int32 |
/// | `Double`, `Float` | double |
/// | structs, classes, `[String: V]`, `[Int: V]` | embedded document |
/// | arrays and sets | array |
/// | `nil` properties | omitted (`encodeIfPresent`); an explicit `encodeNil` writes null |
/// | `Date` | datetime, rounded to the millisecond (see ``dateEncodingStrategy``) |
/// | `Data` | binary subtype 0 (see ``dataEncodingStrategy``) |
/// | `UUID` | binary subtype 4 |
/// | ``ObjectID``, ``Decimal128``, ``BSONTimestamp``, ``BSONRegex``, ``BSONBinary`` | their own BSON types |
/// | ``BSONDocument``, ``BSONValue`` | themselves, unchanged |
///
/// ```swift
/// struct User: Codable { var _id: ObjectID; var name: String; var createdAt: Date }
/// let doc = try BSONEncoder().encode(User(_id: ObjectID(), name: "Ada", createdAt: Date()))
/// let bytes = try BSONEncoder().encodeBSONBytes(user)
/// ```
///
/// Errors are Swift's standard `EncodingError`s whose context carries the full coding path; their messages name
/// it too (`"UInt64 18446744073709551615 at counts[2] does not fit in a BSON int64"`).
///
/// Fields are written in the order they are encoded; nested containers keep the position at which they were
/// requested. Keys are not checked for uniqueness: an `encode(to:)` that encodes the same key twice produces a
/// document with a duplicate key.
public struct BSONEncoder: Sendable {
    /// How `Date` values are encoded.
    public enum DateEncodingStrategy: Sendable {
        /// A BSON datetime: milliseconds since the Unix epoch, rounded to the nearest millisecond (the default).
        case bsonDateTime
        /// An int64 holding milliseconds since the Unix epoch, rounded to the nearest millisecond.
        case millisecondsSince1970
        /// A double holding seconds since the Unix epoch.
        case secondsSince1970
        /// An ISO 8601 string such as `"2024-05-01T12:00:00Z"` (whole seconds, like `JSONEncoder`).
        case iso8601
        /// A closure that encodes the date through the given encoder.
        case custom(@Sendable (Date, any Encoder) throws -> Void)
    }

    /// How `Data` values are encoded.
    public enum DataEncodingStrategy: Sendable {
        /// BSON binary data with the generic subtype 0 (the default).
        case binary
        /// A Base64 string.
        case base64
        /// A closure that encodes the data through the given encoder.
        case custom(@Sendable (Data, any Encoder) throws -> Void)
    }

    /// How `Date` values are encoded; ``DateEncodingStrategy/bsonDateTime`` by default.
    public var dateEncodingStrategy: DateEncodingStrategy = .bsonDateTime
    /// How `Data` values are encoded; ``DataEncodingStrategy/binary`` by default.
    public var dataEncodingStrategy: DataEncodingStrategy = .binary
    /// Values handed to every `encode(to:)` through `Encoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Creates an encoder with the default strategies.
    public init() {}

    /// Encodes a value that encodes as a keyed container (a struct, class or dictionary) as a document.
    ///
    /// - Throws: `EncodingError.invalidValue` if a value cannot be represented in BSON (an out-of-range
    ///   `UInt64`, a date outside the datetime range) or if `value` does not encode as a document.
    public func encode<T: Encodable>(_ value: T) throws -> BSONDocument {
        let encoded = try encodeValue(value)
        guard case .document(let document) = encoded else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(
                    codingPath: [],
                    debugDescription: "Top-level \(T.self) encoded as \(encoded.type), not as a document"
                )
            )
        }
        return document
    }

    /// Encodes a value as the bytes of a BSON document.
    ///
    /// - Throws: `EncodingError.invalidValue` as ``encode(_:)`` does, and also when the document cannot be
    ///   written as BSON (a key containing a NUL byte); the ``BSONError`` is the underlying error.
    public func encodeBSONBytes<T: Encodable>(_ value: T) throws -> [UInt8] {
        let document = try encode(value)
        do {
            return try document.bsonBytes()
        } catch {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(
                    codingPath: [],
                    debugDescription: "Could not write \(T.self) as BSON: \(error)",
                    underlyingError: error
                )
            )
        }
    }

    /// Encodes any value as a single BSON value: a document, an array or a scalar.
    ///
    /// Useful to build filters and updates from Swift values: `["teams": try encoder.encodeValue(user.teams)]`.
    /// - Throws: `EncodingError.invalidValue` if a value cannot be represented in BSON.
    public func encodeValue<T: Encodable>(_ value: T) throws -> BSONValue {
        let context = EncodingContext(
            dateStrategy: dateEncodingStrategy,
            dataStrategy: dataEncodingStrategy,
            userInfo: userInfo.isEmpty ? [:] : userInfo.mapValues { $0 as Any }
        )
        let root = BSONEncoderImpl(context: context, parent: nil, element: nil)
        let result = try root.encodeTopLevel(value)
        if let error = context.deferredError { throw error }
        return result
    }
}
