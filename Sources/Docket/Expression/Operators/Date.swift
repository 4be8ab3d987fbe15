import DocketBSON

// The date expressions: $year $month $dayOfMonth $hour $minute $second $millisecond $dayOfWeek $dayOfYear $week
// $isoWeek $isoWeekYear $isoDayOfWeek (each with an optional timezone), $dateToString, $dateFromString,
// $dateToParts, $dateFromParts, $dateTrunc, $dateAdd, $dateSubtract and $dateDiff, in the proleptic Gregorian
// calendar (`CivilTime`) with Olson time zones and UTC offsets (`ExpressionTimeZone`).
//
// - Note: Differs from MongoDB: `$dateFromString` without a `format` reads ISO 8601 and the common free-form dates
//   (see `DateStringParser`), not every form timelib knows; with a `format` it supports %Y %m %d %H %M %S %L %j %z
//   %Z %G %V %u %U %w %b %B and %%.

/// A part of a date the single-date operators return.
enum DatePart: Sendable {
    case year, month, dayOfMonth, hour, minute, second, millisecond, dayOfWeek, dayOfYear, week, isoWeek,
        isoWeekYear, isoDayOfWeek

    /// The part of the local time `t`.
    func value(_ t: CivilTime) -> Int64 {
        switch self {
        case .year: t.year
        case .month: Int64(t.month)
        case .dayOfMonth: Int64(t.day)
        case .hour: Int64(t.hour)
        case .minute: Int64(t.minute)
        case .second: Int64(t.second)
        case .millisecond: Int64(t.millisecond)
        case .dayOfWeek: Int64(t.dayOfWeek)
        case .dayOfYear: Int64(t.dayOfYear)
        case .week: Int64(t.week)
        case .isoWeek: Int64(t.isoWeekAndYear.week)
        case .isoWeekYear: t.isoWeekAndYear.year
        case .isoDayOfWeek: Int64(t.isoDayOfWeek)
        }
    }
}

/// A calendar or time unit of `$dateAdd`, `$dateDiff`, `$dateTrunc`.
enum TimeUnit: String, Sendable {
    case year, quarter, month, week, day, hour, minute, second, millisecond

    /// The length of a fixed unit in milliseconds (`nil` for months, quarters and years).
    var milliseconds: Int64? {
        switch self {
        case .week: 604_800_000
        case .day: 86_400_000
        case .hour: 3_600_000
        case .minute: 60_000
        case .second: 1000
        case .millisecond: 1
        default: nil
        }
    }

    /// The unit an argument names.
    static func parse(_ value: BSONValue?, _ name: String) throws(DocketError) -> TimeUnit {
        guard case .string(let text)? = value else {
            throw DocketError(
                .location(5_439_013), "\(name) requires 'unit' to be a string, but got \(value.typeName)",
                operatorName: name)
        }
        guard let unit = TimeUnit(rawValue: text) else {
            throw DocketError(
                .location(5_439_014), "\(name) parameter 'unit' value cannot be recognized as a time unit: \(text)",
                operatorName: name)
        }
        return unit
    }
}

/// The date operators with several arguments.
enum DateNode: Sendable {
    case part(DatePart, ExpressionNode, ExpressionNode?)
    case toString(date: ExpressionNode, format: ExpressionNode?, timezone: ExpressionNode?, onNull: ExpressionNode?)
    case fromString(
        dateString: ExpressionNode, format: ExpressionNode?, timezone: ExpressionNode?, onError: ExpressionNode?,
        onNull: ExpressionNode?)
    case toParts(date: ExpressionNode, timezone: ExpressionNode?, iso8601: ExpressionNode?)
    /// `$dateFromParts`: the parts by name (`year`, `isoWeekYear`, …) and the timezone.
    case fromParts([String: ExpressionNode], ExpressionNode?)
    case trunc(
        date: ExpressionNode, unit: ExpressionNode, binSize: ExpressionNode?, timezone: ExpressionNode?,
        startOfWeek: ExpressionNode?)
    case add(
        subtract: Bool, startDate: ExpressionNode, unit: ExpressionNode, amount: ExpressionNode,
        timezone: ExpressionNode?)
    case diff(
        startDate: ExpressionNode, endDate: ExpressionNode, unit: ExpressionNode, timezone: ExpressionNode?,
        startOfWeek: ExpressionNode?)
}

extension ExpressionParser {
    /// Parses a date operator.
    func parseDate(_ op: ExpressionOperator, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let name = op.rawValue
        let part: DatePart? =
            switch op {
            case .year: .year
            case .month: .month
            case .dayOfMonth: .dayOfMonth
            case .hour: .hour
            case .minute: .minute
            case .second: .second
            case .millisecond: .millisecond
            case .dayOfWeek: .dayOfWeek
            case .dayOfYear: .dayOfYear
            case .week: .week
            case .isoWeek: .isoWeek
            case .isoWeekYear: .isoWeekYear
            case .isoDayOfWeek: .isoDayOfWeek
            default: nil
            }
        if let part { return try parseDatePart(part, name, argument) }
        let allowed: [String]
        let required: [(String, Int, String)]
        let notObject: (Int, String)
        let unknown: Int
        switch op {
        case .dateToString:
            allowed = ["date", "format", "timezone", "onNull"]
            required = [("date", 18628, "Missing 'date' parameter to $dateToString")]
            notObject = (18629, "$dateToString only supports an object as its argument")
            unknown = 18534
        case .dateFromString:
            allowed = ["dateString", "format", "timezone", "onError", "onNull"]
            required = [("dateString", 40542, "Missing 'dateString' parameter to $dateFromString")]
            notObject = (40540, "$dateFromString only supports an object as an argument, found: \(argument.type.alias)")
            unknown = 40541
        case .dateToParts:
            allowed = ["date", "timezone", "iso8601"]
            required = [("date", 40522, "Missing 'date' parameter to $dateToParts")]
            notObject = (40524, "$dateToParts only supports an object as its argument")
            unknown = 40520
        case .dateFromParts:
            allowed = [
                "year", "month", "day", "hour", "minute", "second", "millisecond", "isoWeekYear", "isoWeek",
                "isoDayOfWeek", "timezone",
            ]
            required = []
            notObject = (40519, "$dateFromParts only supports an object as its argument")
            unknown = 40518
        case .dateTrunc:
            allowed = ["date", "unit", "binSize", "timezone", "startOfWeek"]
            required = [
                ("date", 5_439_009, "Missing 'date' parameter to $dateTrunc"),
                ("unit", 5_439_010, "Missing 'unit' parameter to $dateTrunc"),
            ]
            notObject = (5_439_007, "$dateTrunc only supports an object as its argument")
            unknown = 5_439_008
        case .dateAdd, .dateSubtract:
            allowed = ["startDate", "unit", "amount", "timezone"]
            let message = "\(name) requires startDate, unit, and amount to be present"
            required = [
                ("startDate", 5_166_402, message), ("unit", 5_166_402, message), ("amount", 5_166_402, message),
            ]
            notObject = (5_166_400, "\(name) expects an object as its argument")
            unknown = 5_166_401
        default:
            allowed = ["startDate", "endDate", "unit", "timezone", "startOfWeek"]
            required = [
                ("startDate", 5_166_303, "Missing 'startDate' parameter to $dateDiff"),
                ("endDate", 5_166_304, "Missing 'endDate' parameter to $dateDiff"),
                ("unit", 5_166_305, "Missing 'unit' parameter to $dateDiff"),
            ]
            notObject = (5_166_301, "$dateDiff only supports an object as its argument")
            unknown = 5_166_302
        }
        guard case .document(let spec) = argument else {
            throw DocketError(.location(notObject.0), notObject.1, operatorName: name)
        }
        var nodes: [String: ExpressionNode] = [:]
        for (key, value) in spec {
            guard allowed.contains(key) else {
                let message =
                    switch op {
                    case .dateTrunc, .dateAdd, .dateSubtract, .dateDiff: "Unrecognized argument to \(name): \(key)"
                    case .dateFromString: "Unrecognized argument to $dateFromString: \(key)"
                    default: "Unrecognized argument to \(name): \(key)"
                    }
                throw DocketError(.location(unknown), message, operatorName: name)
            }
            nodes[key] = try parseOperand(value)
        }
        for (key, code, message) in required where nodes[key] == nil {
            throw DocketError(.location(code), message, operatorName: name)
        }
        let foldArguments = Array(nodes.values)
        let node: DateNode
        switch op {
        case .dateToString:
            node = .toString(
                date: nodes["date"]!, format: nodes["format"], timezone: nodes["timezone"], onNull: nodes["onNull"])
            if case .constant(let format)? = nodes["format"], case .string(let text) = format {
                _ = try DateFormatter.format(0, .utc, text)
            }
        case .dateFromString:
            node = .fromString(
                dateString: nodes["dateString"]!, format: nodes["format"], timezone: nodes["timezone"],
                onError: nodes["onError"], onNull: nodes["onNull"])
        case .dateToParts:
            node = .toParts(date: nodes["date"]!, timezone: nodes["timezone"], iso8601: nodes["iso8601"])
        case .dateFromParts:
            if nodes["year"] == nil && nodes["isoWeekYear"] == nil {
                throw DocketError(
                    .location(40516), "$dateFromParts requires either 'year' or 'isoWeekYear' to be present",
                    operatorName: name)
            }
            if nodes["year"] != nil
                && (nodes["isoWeekYear"] != nil || nodes["isoWeek"] != nil || nodes["isoDayOfWeek"] != nil)
            {
                throw DocketError(
                    .location(40489), "$dateFromParts does not allow mixing natural dates with ISO dates",
                    operatorName: name)
            }
            if nodes["isoWeekYear"] != nil && (nodes["month"] != nil || nodes["day"] != nil) {
                throw DocketError(
                    .location(40525), "$dateFromParts does not allow mixing ISO dates with natural dates",
                    operatorName: name)
            }
            let timezone = nodes.removeValue(forKey: "timezone")
            node = .fromParts(nodes, timezone)
        case .dateTrunc:
            node = .trunc(
                date: nodes["date"]!, unit: nodes["unit"]!, binSize: nodes["binSize"], timezone: nodes["timezone"],
                startOfWeek: nodes["startOfWeek"])
        case .dateAdd, .dateSubtract:
            node = .add(
                subtract: op == .dateSubtract, startDate: nodes["startDate"]!, unit: nodes["unit"]!,
                amount: nodes["amount"]!, timezone: nodes["timezone"])
        default:
            node = .diff(
                startDate: nodes["startDate"]!, endDate: nodes["endDate"]!, unit: nodes["unit"]!,
                timezone: nodes["timezone"], startOfWeek: nodes["startOfWeek"])
        }
        return ExpressionNode.dateOperator(node).folded(when: foldArguments)
    }

    /// `$year: <date>`, `$year: [<date>]` or `$year: {date: <date>, timezone: <tz>}`.
    private func parseDatePart(_ part: DatePart, _ name: String, _ argument: BSONValue) throws(DocketError)
        -> ExpressionNode
    {
        var dateValue = argument
        var timezone: ExpressionNode?
        switch argument {
        case .array(let items):
            guard items.count == 1 else {
                throw DocketError(
                    .location(40536),
                    "\(name) accepts exactly one argument if given an array, but was given \(items.count)",
                    operatorName: name)
            }
            dateValue = items[0]
        case .document(let spec) where !(spec.first?.key.hasPrefix("$") ?? false):
            var date: BSONValue?
            for (key, value) in spec {
                switch key {
                case "date": date = value
                case "timezone": timezone = try parseOperand(value)
                default:
                    throw DocketError(
                        .location(40535), "unrecognized option to \(name): \"\(key)\"", operatorName: name)
                }
            }
            guard let date else {
                throw DocketError(
                    .location(40539),
                    "missing 'date' argument to \(name), provided: \(name): \(BSONPrinter.updateMessage.string(spec))",
                    operatorName: name)
            }
            dateValue = date
        default:
            break
        }
        let date = try parseOperand(dateValue)
        return ExpressionNode.dateOperator(.part(part, date, timezone))
            .folded(when: [date] + (timezone.map { [$0] } ?? []))
    }
}

extension DateNode {
    /// Evaluates the operator.
    func evaluate(_ context: inout ExpressionContext) throws(DocketError) -> BSONValue? {
        switch self {
        case .part(let part, let dateNode, let timezoneNode):
            let date = try dateNode.evaluate(&context)
            let zone = try timezoneNode.map { n throws(DocketError) in try n.timeZone(&context) } ?? .utc
            guard let zone, let date, !Optional(date).isNullish else { return .null }
            let ms = try coerceToDate(date, "$\(part)")
            return .int32(Int32(truncatingIfNeeded: part.value(zone.local(ms))))
        case .toString(let dateNode, let formatNode, let timezoneNode, let onNullNode):
            let date = try dateNode.evaluate(&context)
            var format: String?
            if let formatNode {
                let value = try formatNode.evaluate(&context)
                if value.isNullish { return .null }
                guard case .string(let text)? = value else {
                    throw DocketError(
                        .location(18533),
                        "$dateToString requires that 'format' be a string, found: \(value.typeName) with value "
                            + BSONPrinter.updateMessage.string(value!),
                        operatorName: "$dateToString")
                }
                format = text
            }
            let zone = try timezoneNode.map { n throws(DocketError) in try n.timeZone(&context) } ?? .utc
            if date.isNullish {
                if let onNullNode { return try onNullNode.evaluate(&context) }
                return .null
            }
            guard let zone else { return .null }
            let ms = try coerceToDate(date!, "$dateToString")
            let pattern = format ?? (timezoneNode == nil ? "%Y-%m-%dT%H:%M:%S.%LZ" : "%Y-%m-%dT%H:%M:%S.%L")
            return .string(try DateFormatter.format(ms, zone, pattern))
        case .fromString(let stringNode, let formatNode, let timezoneNode, let onErrorNode, let onNullNode):
            let text = try stringNode.evaluate(&context)
            var format: String?
            var formatIsNull = false
            if let formatNode {
                let value = try formatNode.evaluate(&context)
                if value.isNullish {
                    formatIsNull = true
                } else {
                    guard case .string(let f)? = value else {
                        throw DocketError(
                            .location(40684),
                            "$dateFromString requires that 'format' be a string, found: \(value.typeName) with value "
                                + BSONPrinter.updateMessage.string(value!),
                            operatorName: "$dateFromString")
                    }
                    format = f
                }
            }
            let zone = try timezoneNode.map { n throws(DocketError) in try n.timeZone(&context) } ?? .utc
            if text.isNullish {
                if let onNullNode { return try onNullNode.evaluate(&context) }
                return .null
            }
            do throws(DocketError) {
                guard case .string(let s)? = text else {
                    throw DocketError(
                        .conversionFailure,
                        "$dateFromString requires that 'dateString' be a string, found: \(text.typeName) with value "
                            + BSONPrinter.updateMessage.string(text!),
                        operatorName: "$dateFromString")
                }
                guard let zone, !formatIsNull else { return .null }
                return .datetime(
                    try DateFormatter.parse(s, format: format, zone: zone, hasZoneArgument: timezoneNode != nil))
            } catch {
                if error.code == .conversionFailure, let onErrorNode { return try onErrorNode.evaluate(&context) }
                throw error
            }
        case .toParts(let dateNode, let timezoneNode, let isoNode):
            let date = try dateNode.evaluate(&context)
            let zone = try timezoneNode.map { n throws(DocketError) in try n.timeZone(&context) } ?? .utc
            guard let zone else { return .null }
            var iso = false
            if let isoNode {
                let value = try isoNode.evaluate(&context)
                if value.isNullish { return .null }
                guard case .bool(let flag)? = value else {
                    throw DocketError(
                        .location(40521), "iso8601 must evaluate to a bool, found \(value.typeName)",
                        operatorName: "$dateToParts")
                }
                iso = flag
            }
            guard let date, !Optional(date).isNullish else { return .null }
            let t = zone.local(try coerceToDate(date, "$dateToParts"))
            if iso {
                let (year, week) = t.isoWeekAndYear
                return [
                    "isoWeekYear": .int32(Int32(truncatingIfNeeded: year)), "isoWeek": .int32(Int32(week)),
                    "isoDayOfWeek": .int32(Int32(t.isoDayOfWeek)), "hour": .int32(Int32(t.hour)),
                    "minute": .int32(Int32(t.minute)), "second": .int32(Int32(t.second)),
                    "millisecond": .int32(Int32(t.millisecond)),
                ]
            }
            return [
                "year": .int32(Int32(truncatingIfNeeded: t.year)), "month": .int32(Int32(t.month)),
                "day": .int32(Int32(t.day)), "hour": .int32(Int32(t.hour)), "minute": .int32(Int32(t.minute)),
                "second": .int32(Int32(t.second)), "millisecond": .int32(Int32(t.millisecond)),
            ]
        case .fromParts(let parts, let timezoneNode):
            return try Self.evaluateFromParts(parts, timezoneNode, &context)
        case .trunc(let dateNode, let unitNode, let binSizeNode, let timezoneNode, let startOfWeekNode):
            return try Self.evaluateTrunc(dateNode, unitNode, binSizeNode, timezoneNode, startOfWeekNode, &context)
        case .add(let subtract, let startNode, let unitNode, let amountNode, let timezoneNode):
            let name = subtract ? "$dateSubtract" : "$dateAdd"
            let start = try startNode.evaluate(&context)
            let unitValue = try unitNode.evaluate(&context)
            let amountValue = try amountNode.evaluate(&context)
            let zone = try timezoneNode.map { n throws(DocketError) in try n.timeZone(&context) } ?? .utc
            if start.isNullish || unitValue.isNullish || amountValue.isNullish || zone == nil { return .null }
            guard let ms = try? coerceToDate(start!, name) else {
                throw DocketError(
                    .location(5_166_403), "\(name) requires startDate to be convertible to a date", operatorName: name)
            }
            return try Self.addUnits(ms, TimeUnit.parse(unitValue, name), amountValue!, subtract, zone!, name)
        case .diff(let startNode, let endNode, let unitNode, let timezoneNode, let startOfWeekNode):
            let start = try startNode.evaluate(&context)
            let end = try endNode.evaluate(&context)
            let unitValue = try unitNode.evaluate(&context)
            let zone = try timezoneNode.map { n throws(DocketError) in try n.timeZone(&context) } ?? .utc
            let startOfWeek = try startOfWeekNode?.evaluate(&context)
            if start.isNullish || end.isNullish || unitValue.isNullish || zone == nil { return .null }
            if startOfWeekNode != nil && startOfWeek.isNullish { return .null }
            guard let startMs = try? coerceToDate(start!, "$dateDiff") else {
                throw DocketError(
                    .location(5_166_307), "$dateDiff requires 'startDate' to be a date, but got \(start.typeName)",
                    operatorName: "$dateDiff")
            }
            guard let endMs = try? coerceToDate(end!, "$dateDiff") else {
                throw DocketError(
                    .location(5_166_308), "$dateDiff requires 'endDate' to be a date, but got \(end.typeName)",
                    operatorName: "$dateDiff")
            }
            let unit = try TimeUnit.parse(unitValue, "$dateDiff")
            let weekStart = try Self.dayOfWeek(startOfWeek, "$dateDiff")
            return .int64(Self.difference(startMs, endMs, unit, zone!, weekStart))
        }
    }

    /// `startOfWeek` (default Sunday) as 1 (Monday) … 7 (Sunday).
    private static func dayOfWeek(_ value: BSONValue?, _ name: String) throws(DocketError) -> Int {
        guard let value, !Optional(value).isNullish else { return 7 }
        guard case .string(let text) = value else {
            throw DocketError(
                .location(5_439_015), "\(name) requires 'startOfWeek' to be a string, but got \(value.type.alias)",
                operatorName: name)
        }
        let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        let lower = text.lowercased()
        guard let index = days.firstIndex(where: { $0 == lower || $0.prefix(3) == lower }) else {
            throw DocketError(
                .location(5_439_016),
                "\(name) parameter 'startOfWeek' value cannot be recognized as a day of a week: \(text)",
                operatorName: name)
        }
        return index + 1
    }

    private static func evaluateFromParts(
        _ parts: [String: ExpressionNode], _ timezoneNode: ExpressionNode?, _ context: inout ExpressionContext
    ) throws(DocketError) -> BSONValue? {
        let name = "$dateFromParts"
        var values: [String: Int64] = [:]
        let defaults: [String: Int64] = [
            "year": 1970, "month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "millisecond": 0,
            "isoWeekYear": 1970, "isoWeek": 1, "isoDayOfWeek": 1,
        ]
        let bounded: Set<String> = ["month", "day", "hour", "minute", "isoWeek", "isoDayOfWeek"]
        for key in [
            "hour", "minute", "second", "millisecond", "year", "month", "day", "isoWeekYear", "isoWeek", "isoDayOfWeek",
        ] {
            guard let node = parts[key] else {
                values[key] = defaults[key]
                continue
            }
            let value = try node.evaluate(&context)
            if value.isNullish { return .null }
            guard let v = value, v.isNumber, let n = v.int64Value else {
                throw DocketError(
                    .location(40515),
                    "'\(key)' must evaluate to an integer, found \(value.typeName) with value "
                        + BSONPrinter.updateMessage.string(value!),
                    operatorName: name)
            }
            if bounded.contains(key) && !(-32768...32767).contains(n) {
                throw DocketError(
                    .location(31034),
                    "'\(key)' must evaluate to a value in the range [-32768, 32767]; value \(n) is not in range",
                    operatorName: name)
            }
            values[key] = n
        }
        let zone = try timezoneNode.map { n throws(DocketError) in try n.timeZone(&context) } ?? .utc
        guard let zone else { return .null }
        // Seconds and milliseconds are not range-checked (as in MongoDB); one too large for a date fails.
        let hourPart: Int64 = values["hour"]! * 3_600_000
        let minutePart: Int64 = values["minute"]! * 60_000
        let (secondPart, secondsOverflow) = values["second"]!.multipliedReportingOverflow(by: 1000)
        let (partial, partialOverflow) = secondPart.addingReportingOverflow(values["millisecond"]!)
        guard !secondsOverflow, !partialOverflow, partial.magnitude < 1 << 60 else {
            throw DocketError(.overflow, "date overflow in $dateFromParts", operatorName: name)
        }
        let timeOfDay = hourPart + minutePart + partial
        let days: Int64
        if parts["isoWeekYear"] != nil {
            let year = values["isoWeekYear"]!
            guard (1...9999).contains(year) else {
                throw DocketError(
                    .location(31095), "'isoWeekYear' must evaluate to an integer in the range 1 to 9999, found \(year)",
                    operatorName: name)
            }
            // The Monday of ISO week 1 is the Monday on or before January 4.
            let jan4 = CivilTime.days(year: year, month: 1, day: 4)
            let jan4Weekday = (jan4 + 3).floorDivided(by: 7).remainder + 1  // 1 = Monday
            let week1Monday = jan4 - (jan4Weekday - 1)
            days = week1Monday + (values["isoWeek"]! - 1) * 7 + (values["isoDayOfWeek"]! - 1)
        } else {
            let year = values["year"]!
            guard (1...9999).contains(year) else {
                throw DocketError(
                    .location(40523), "'year' must evaluate to an integer in the range 1 to 9999, found \(year)",
                    operatorName: name)
            }
            days = CivilTime.days(year: year, month: values["month"]!, day: values["day"]!)
        }
        return .datetime(zone.instant(fromLocal: days &* 86_400_000 &+ timeOfDay))
    }

    /// `start` plus `amountValue` units in `zone` (`$dateAdd`, `$dateSubtract`, range windows, `$densify`).
    static func addUnits(
        _ start: Int64, _ unit: TimeUnit, _ amountValue: BSONValue, _ subtract: Bool, _ zone: ExpressionTimeZone,
        _ name: String
    ) throws(DocketError) -> BSONValue {
        guard amountValue.isNumber, var amount = amountValue.int64Value else {
            throw DocketError(
                .location(5_166_405), "\(name) expects integer amount of time units", operatorName: name)
        }
        if subtract { amount = -amount }
        let overflow = DocketError(.location(5_166_406), "\(name) overflowed", operatorName: name)
        switch unit {
        case .year, .quarter, .month:
            let months = amount.multipliedReportingOverflow(by: unit == .year ? 12 : (unit == .quarter ? 3 : 1))
            guard !months.overflow, Swift.abs(months.partialValue) < 1_200_000 else { throw overflow }
            let local = zone.local(start)
            let total = local.year * 12 + Int64(local.month - 1) + months.partialValue
            let (year, month0) = total.floorDivided(by: 12)
            var t = local
            t.year = year
            t.month = Int(month0) + 1
            t.day = Swift.min(t.day, CivilTime.daysIn(month: t.month, year: year))
            return .datetime(zone.instant(fromLocal: t.milliseconds))
        case .day, .week:
            // Calendar days in the time zone: the local time of day is kept across offset changes.
            let days = amount.multipliedReportingOverflow(by: unit == .week ? 7 : 1)
            let delta = days.partialValue.multipliedReportingOverflow(by: 86_400_000)
            guard !days.overflow, !delta.overflow else { throw overflow }
            let local = start &+ zone.offset(at: start)
            let (moved, o) = local.addingReportingOverflow(delta.partialValue)
            guard !o else { throw overflow }
            return .datetime(zone.instant(fromLocal: moved))
        default:
            let delta = amount.multipliedReportingOverflow(by: unit.milliseconds!)
            guard !delta.overflow else { throw overflow }
            let (result, o) = start.addingReportingOverflow(delta.partialValue)
            guard !o else { throw overflow }
            return .datetime(result)
        }
    }

    /// The number of `unit` boundaries crossed from `start` to `end` in the time zone.
    private static func difference(
        _ start: Int64, _ end: Int64, _ unit: TimeUnit, _ zone: ExpressionTimeZone, _ weekStart: Int
    )
        -> Int64
    {
        // Milliseconds are elapsed time; every other unit counts boundaries of the local calendar.
        if unit == .millisecond { return end &- start }
        let a = zone.local(start)
        let b = zone.local(end)
        switch unit {
        case .year: return b.year - a.year
        case .quarter: return (b.year * 4 + Int64((b.month - 1) / 3)) - (a.year * 4 + Int64((a.month - 1) / 3))
        case .month: return (b.year * 12 + Int64(b.month)) - (a.year * 12 + Int64(a.month))
        case .week:
            // Days since the most recent week start, counted from a Monday epoch (1970-01-05).
            func weekIndex(_ t: CivilTime) -> Int64 {
                (t.daysSinceEpoch - 4 - Int64(weekStart - 1)).floorDivided(by: 7).quotient
            }
            return weekIndex(b) - weekIndex(a)
        case .day: return b.daysSinceEpoch - a.daysSinceEpoch
        default:
            let size = unit.milliseconds!
            let localStart = start &+ zone.offset(at: start)
            let localEnd = end &+ zone.offset(at: end)
            return localEnd.floorDivided(by: size).quotient - localStart.floorDivided(by: size).quotient
        }
    }

    private static func evaluateTrunc(
        _ dateNode: ExpressionNode, _ unitNode: ExpressionNode, _ binSizeNode: ExpressionNode?,
        _ timezoneNode: ExpressionNode?, _ startOfWeekNode: ExpressionNode?, _ context: inout ExpressionContext
    ) throws(DocketError) -> BSONValue? {
        let name = "$dateTrunc"
        let date = try dateNode.evaluate(&context)
        let unitValue = try unitNode.evaluate(&context)
        let binSizeValue = try binSizeNode?.evaluate(&context)
        let zone = try timezoneNode.map { n throws(DocketError) in try n.timeZone(&context) } ?? .utc
        let startOfWeek = try startOfWeekNode?.evaluate(&context)
        if date.isNullish || unitValue.isNullish || zone == nil { return .null }
        if binSizeNode != nil && binSizeValue.isNullish { return .null }
        guard let ms = try? coerceToDate(date!, name) else {
            throw DocketError(
                .location(5_439_012), "\(name) requires 'date' to be a date, but got \(date.typeName)",
                operatorName: name)
        }
        let unit = try TimeUnit.parse(unitValue, name)
        var binSize: Int64 = 1
        if let value = binSizeValue {
            guard value.isNumber, let n = value.int64Value else {
                throw DocketError(
                    .location(5_439_017),
                    "\(name) requires 'binSize' to be a 64-bit integer, but got value '\(BSONPrinter.updateMessage.string(value))' of type \(value.type.alias)",
                    operatorName: name)
            }
            guard n > 0 else {
                throw DocketError(
                    .location(5_439_018), "\(name) requires 'binSize' to be greater than 0, but got value \(n)",
                    operatorName: name)
            }
            binSize = n
        }
        if unit == .week, startOfWeekNode != nil, startOfWeek.isNullish { return .null }
        let weekStart = try dayOfWeek(unit == .week ? startOfWeek : nil, name)
        let zoneValue = zone!
        let local = zoneValue.local(ms)
        // Bins count from 2000-01-01T00:00 local time (for weeks, the first week start on or after it).
        let reference = CivilTime(year: 2000, month: 1, day: 1)
        switch unit {
        case .year, .quarter, .month:
            let months: Int64 = unit == .year ? 12 : (unit == .quarter ? 3 : 1)
            let elapsed = (local.year - 2000) * 12 + Int64(local.month - 1)
            // Bins longer than any date range all truncate alike; the cap keeps the arithmetic from overflowing.
            let bins = months * Swift.min(binSize, 1 << 40)
            let bin = elapsed.floorDivided(by: bins).quotient * bins
            let (year, month0) = bin.floorDivided(by: 12)
            let start = CivilTime(year: 2000 + year, month: Int(month0) + 1, day: 1)
            return .datetime(zoneValue.instant(fromLocal: start.milliseconds))
        case .week, .day:
            var referenceDays = reference.daysSinceEpoch
            if unit == .week {
                // 2000-01-01 was a Saturday (ISO day 6): move to the chosen start of week.
                referenceDays += Int64((weekStart - 6 + 7) % 7)
            }
            let size = (unit == .week ? 7 : 1) * Swift.min(binSize, 1 << 40)
            let bin = (local.daysSinceEpoch - referenceDays).floorDivided(by: size).quotient * size
            return .datetime(zoneValue.instant(fromLocal: (referenceDays + bin) * 86_400_000))
        default:
            let size = unit.milliseconds!.multipliedReportingOverflow(by: binSize)
            guard !size.overflow else {
                throw DocketError(.location(5_439_002), "dateTrunc overflowed", operatorName: name)
            }
            // Fixed-length bins count in elapsed time from the reference instant (MongoDB's truncateDateMillis).
            let origin = zoneValue.instant(fromLocal: reference.milliseconds)
            let bin = (ms &- origin).floorDivided(by: size.partialValue).quotient &* size.partialValue
            return .datetime(origin &+ bin)
        }
    }
}

/// `$dateToString` formats and `$dateFromString` formats.
enum DateFormatter {
    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    /// Formats the instant `ms` in `zone` with MongoDB's `%` specifiers.
    static func format(_ ms: Int64, _ zone: ExpressionTimeZone, _ format: String) throws(DocketError) -> String {
        let t = zone.local(ms)
        var output = ""
        var iterator = format.unicodeScalars.makeIterator()
        while let c = iterator.next() {
            guard c == "%" else {
                output.unicodeScalars.append(c)
                continue
            }
            guard let spec = iterator.next() else {
                throw DocketError(
                    .location(18535), "Unmatched '%' at end of format string", operatorName: "$dateToString")
            }
            switch spec {
            case "%": output += "%"
            case "Y": output += CivilTime.pad(t.year, 4)
            case "m": output += CivilTime.pad(Int64(t.month), 2)
            case "d": output += CivilTime.pad(Int64(t.day), 2)
            case "H": output += CivilTime.pad(Int64(t.hour), 2)
            case "M": output += CivilTime.pad(Int64(t.minute), 2)
            case "S": output += CivilTime.pad(Int64(t.second), 2)
            case "L": output += CivilTime.pad(Int64(t.millisecond), 3)
            case "j": output += CivilTime.pad(Int64(t.dayOfYear), 3)
            case "w": output += String(t.dayOfWeek)
            case "u": output += String(t.isoDayOfWeek)
            case "U": output += CivilTime.pad(Int64(t.week), 2)
            case "V": output += CivilTime.pad(Int64(t.isoWeekAndYear.week), 2)
            case "G": output += CivilTime.pad(t.isoWeekAndYear.year, 4)
            case "z": output += zone.offsetString(at: ms)
            case "Z": output += String(zone.offset(at: ms) / 60_000)
            case "b": output += String(monthNames[t.month - 1].prefix(3))
            case "B": output += monthNames[t.month - 1]
            default:
                throw DocketError(
                    .location(18536), "Invalid format character '%\(spec)' in format string",
                    operatorName: "$dateToString")
            }
        }
        return output
    }

    private static func parseFailure(_ text: String, _ reason: String) -> DocketError {
        DocketError(
            .conversionFailure, "Error parsing date string '\(text)'; \(reason)", operatorName: "$dateFromString")
    }

    /// Parses a date string, with a format or (without one) as ISO 8601, in `zone` unless the string has an offset.
    static func parse(_ text: String, format: String?, zone: ExpressionTimeZone, hasZoneArgument: Bool)
        throws(DocketError) -> Int64
    {
        guard let format else {
            guard let parts = DateStringParser.parseParts(text) else {
                throw parseFailure(text, "the string is not a date MongoDB's parser recognises")
            }
            if let offset = parts.offset {
                if hasZoneArgument {
                    throw parseFailure(
                        text, "you cannot pass in a date/time string with GMT offset together with a timezone argument")
                }
                return parts.local - offset
            }
            return zone.instant(fromLocal: parts.local)
        }
        var scanner = ByteScanner(Array(text.utf8))
        var fields: [Character: Int64] = [:]
        var offset: Int64?
        var formatIterator = format.unicodeScalars.makeIterator()
        while let c = formatIterator.next() {
            if c != "%" {
                guard c.isASCII, scanner.take(UInt8(c.value)) else {
                    throw parseFailure(text, "Format literal not found")
                }
                continue
            }
            guard let spec = formatIterator.next() else {
                throw DocketError(
                    .location(18535), "Unmatched '%' at end of format string", operatorName: "$dateFromString")
            }
            switch spec {
            case "%":
                guard scanner.take(UInt8(ascii: "%")) else { throw parseFailure(text, "Format literal not found") }
            case "Y", "G":
                guard let v = scanner.number(digits: 4) else { throw parseFailure(text, "Not enough digits") }
                fields[Character(spec)] = v
            case "m", "d", "H", "M", "S", "V", "u", "U", "w":
                guard let parsed = scanner.digits(upTo: spec == "u" || spec == "w" ? 1 : 2) else {
                    throw parseFailure(text, "Unexpected data found")
                }
                fields[Character(spec)] = parsed.0
            case "j":
                guard let parsed = scanner.digits(upTo: 3) else { throw parseFailure(text, "Unexpected data found") }
                fields["j"] = parsed.0
            case "b", "B":
                // A month name, abbreviated or in full, in any case.
                guard let month = scanner.monthName(full: spec == "B", names: monthNames) else {
                    throw parseFailure(text, "A textual month could not be found")
                }
                fields["m"] = month
            case "L":
                guard let parsed = scanner.digits(upTo: 3) else { throw parseFailure(text, "Unexpected data found") }
                let (v, count) = parsed
                fields["L"] = count == 1 ? v * 100 : (count == 2 ? v * 10 : v)
            case "z", "Z":
                guard let sign = scanner.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else {
                    throw parseFailure(text, "Unexpected data found")
                }
                scanner.advance()
                if spec == "Z" {
                    guard let parsed = scanner.digits(upTo: 4) else {
                        throw parseFailure(text, "Unexpected data found")
                    }
                    let minutes = parsed.0
                    offset = (sign == UInt8(ascii: "-") ? -minutes : minutes) * 60_000
                } else {
                    guard let h = scanner.number(digits: 2) else { throw parseFailure(text, "Unexpected data found") }
                    _ = scanner.take(UInt8(ascii: ":"))
                    let m = scanner.number(digits: 2) ?? 0
                    let magnitude = (h * 60 + m) * 60_000
                    offset = sign == UInt8(ascii: "-") ? -magnitude : magnitude
                }
            default:
                throw DocketError(
                    .location(18536), "Invalid format character '%\(spec)' in format string",
                    operatorName: "$dateFromString")
            }
        }
        guard scanner.isAtEnd else { throw parseFailure(text, "Trailing data") }
        let hours: Int64 = fields["H"] ?? 0
        let minutes: Int64 = fields["M"] ?? 0
        let seconds: Int64 = fields["S"] ?? 0
        let milliseconds: Int64 = fields["L"] ?? 0
        let timeOfDay = hours * 3_600_000 + minutes * 60_000 + seconds * 1000 + milliseconds
        let days: Int64
        if let isoYear = fields["G"] {
            let jan4 = CivilTime.days(year: isoYear, month: 1, day: 4)
            let jan4Weekday = (jan4 + 3).floorDivided(by: 7).remainder + 1
            days = jan4 - (jan4Weekday - 1) + ((fields["V"] ?? 1) - 1) * 7 + ((fields["u"] ?? 1) - 1)
        } else if let week = fields["U"] {
            // %U: weeks start on Sunday, week 0 holds the days before the year's first Sunday; %w: 1 (Sunday)…7.
            let jan1 = CivilTime.days(year: fields["Y"] ?? 1970, month: 1, day: 1)
            let jan1Weekday = (jan1 + 4).floorDivided(by: 7).remainder  // 0 = Sunday
            days = jan1 - jan1Weekday + week * 7 + ((fields["w"] ?? 1) - 1)
        } else {
            let year = fields["Y"] ?? 1970
            if let dayOfYear = fields["j"] {
                days = CivilTime.days(year: year, month: 1, day: 1) + dayOfYear - 1
            } else {
                let month = fields["m"] ?? 1
                let day = fields["d"] ?? 1
                guard (1...12).contains(month),
                    (1...Int64(CivilTime.daysIn(month: Int(month), year: year))).contains(day)
                else { throw parseFailure(text, "The parsed date was invalid") }
                days = CivilTime.days(year: year, month: month, day: day)
            }
        }
        let local = days * 86_400_000 + timeOfDay
        if let offset {
            if hasZoneArgument {
                throw parseFailure(
                    text, "you cannot pass in a date/time string with GMT offset together with a timezone argument")
            }
            return local - offset
        }
        return zone.instant(fromLocal: local)
    }
}

extension ByteScanner {
    /// The month (1...12) whose English name (or its first three letters) comes next, in any case.
    mutating func monthName(full: Bool, names: [String]) -> Int64? {
        for (index, name) in names.enumerated() {
            let candidate = Array((full ? name : String(name.prefix(3))).lowercased().utf8)
            guard self.index + candidate.count <= bytes.count else { continue }
            let next = bytes[self.index..<(self.index + candidate.count)].map { $0 | 0x20 }
            if next.elementsEqual(candidate) {
                self.index += candidate.count
                return Int64(index + 1)
            }
        }
        return nil
    }

    /// One to `limit` decimal digits, and how many there were.
    mutating func digits(upTo limit: Int) -> (Int64, Int)? {
        var value: Int64 = 0
        var count = 0
        while count < limit, let b = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
            value = value * 10 + Int64(b - UInt8(ascii: "0"))
            count += 1
            advance()
        }
        return count > 0 ? (value, count) : nil
    }
}
