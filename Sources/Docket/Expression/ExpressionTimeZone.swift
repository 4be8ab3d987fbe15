import DocketBSON
import Foundation

/// A time zone of the date expressions: UTC, a fixed offset (`"+05:30"`, `"-0800"`, `"+03"`), or an Olson
/// identifier (`"Europe/Paris"`) resolved through Foundation's time zone database.
struct ExpressionTimeZone: Sendable {
    private enum Kind: Sendable {
        case fixed(Int64)
        case olson(TimeZone)
    }

    private let kind: Kind

    /// UTC.
    static let utc = ExpressionTimeZone(kind: .fixed(0))

    private init(kind: Kind) { self.kind = kind }

    /// The zone a `timezone` argument names.
    /// - Throws: 40485 for an unknown identifier or offset.
    init(named name: String) throws(DocketError) {
        if let offset = Self.parseOffset(name) {
            kind = .fixed(offset)
        } else if name == "UTC" || name == "GMT" || name == "Z" {
            kind = .fixed(0)
        } else if name.contains("/") || TimeZone.knownTimeZoneIdentifiers.contains(name),
            let zone = TimeZone(identifier: name)
        {
            kind = .olson(zone)
        } else {
            throw DocketError(.location(40485), "unrecognized time zone identifier: \"\(name)\"")
        }
    }

    /// `+hh`, `+hhmm`, `+hh:mm` (or `-`) in milliseconds, or `nil`.
    private static func parseOffset(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        let digits = bytes.dropFirst().filter { $0 != UInt8(ascii: ":") }
        guard [2, 4].contains(digits.count), digits.allSatisfy({ (48...57).contains($0) }),
            bytes.count == 1 + digits.count || (bytes.count == 6 && bytes[3] == UInt8(ascii: ":"))
        else { return nil }
        let values = digits.map { Int64($0 - 48) }
        let hours = values[0] * 10 + values[1]
        let minutes = values.count == 4 ? values[2] * 10 + values[3] : 0
        let magnitude = (hours * 60 + minutes) * 60_000
        return sign == UInt8(ascii: "-") ? -magnitude : magnitude
    }

    /// The offset from UTC, in milliseconds, at the instant `utc`.
    func offset(at utc: Int64) -> Int64 {
        switch kind {
        case .fixed(let offset): return offset
        case .olson(let zone):
            let date = Date(timeIntervalSince1970: Double(utc) / 1000)
            return Int64(zone.secondsFromGMT(for: date)) * 1000
        }
    }

    /// The local civil time of the instant `utc`.
    func local(_ utc: Int64) -> CivilTime { CivilTime(milliseconds: utc &+ offset(at: utc)) }

    /// The instant whose local time is `local` (milliseconds of local civil time).
    func instant(fromLocal local: Int64) -> Int64 {
        let first = offset(at: local)
        let second = offset(at: local &- first)
        return local &- second
    }

    /// The `%z` form of the offset at `utc`: `+hhmm`.
    func offsetString(at utc: Int64) -> String {
        let offset = offset(at: utc) / 60_000
        let sign = offset < 0 ? "-" : "+"
        return sign + CivilTime.pad(Swift.abs(offset) / 60, 2) + CivilTime.pad(Swift.abs(offset) % 60, 2)
    }
}

extension ExpressionNode {
    /// Evaluates an optional `timezone` argument: UTC when absent, `nil` when it is nullish.
    func timeZone(_ context: inout ExpressionContext) throws(DocketError) -> ExpressionTimeZone? {
        let value = try evaluate(&context)
        if value.isNullish { return nil }
        guard case .string(let name)? = value else {
            throw DocketError(.location(40517), "timezone must evaluate to a string, found \(value.typeName)")
        }
        return try ExpressionTimeZone(named: name)
    }
}

/// MongoDB's `Value::coerceToDate`: a date, a timestamp's seconds or an ObjectId's time.
func coerceToDate(_ value: BSONValue, _ name: String) throws(DocketError) -> Int64 {
    switch value {
    case .datetime(let ms): return ms
    case .timestamp(let t): return Int64(t.timestamp) * 1000
    case .objectID(let id): return id.dateMilliseconds
    default:
        throw DocketError(
            .location(16006), "can't convert from BSON type \(value.type.alias) to Date", operatorName: name)
    }
}
