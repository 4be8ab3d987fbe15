import DocketBSON

/// The expression operators Docket compiles: the one table between MongoDB's `$` names and the compiler.
///
/// A name MongoDB knows but this table lacks is reported as not implemented (238); any other `$` name as
/// `Unrecognized expression` (168).
enum ExpressionOperator: String, CaseIterable {
    // Core
    case literal = "$literal"
    /// `$const`, MongoDB's other name for `$literal`.
    case const = "$const"
    case `let` = "$let"
    // Arithmetic
    case add = "$add"
    case subtract = "$subtract"
    case multiply = "$multiply"
    case divide = "$divide"
    case mod = "$mod"
    case abs = "$abs"
    case ceil = "$ceil"
    case floor = "$floor"
    case round = "$round"
    case trunc = "$trunc"
    case pow = "$pow"
    case sqrt = "$sqrt"
    case exp = "$exp"
    case ln = "$ln"
    case log = "$log"
    case log10 = "$log10"
    // Comparison, boolean, conditional
    case cmp = "$cmp"
    case eq = "$eq"
    case ne = "$ne"
    case gt = "$gt"
    case gte = "$gte"
    case lt = "$lt"
    case lte = "$lte"
    case and = "$and"
    case or = "$or"
    case not = "$not"
    case cond = "$cond"
    case ifNull = "$ifNull"
    case `switch` = "$switch"
    // Type
    case type = "$type"
    case isNumber = "$isNumber"
    case convert = "$convert"
    case toInt = "$toInt"
    case toLong = "$toLong"
    case toDouble = "$toDouble"
    case toDecimal = "$toDecimal"
    case toString = "$toString"
    case toDate = "$toDate"
    case toBool = "$toBool"
    case toObjectId = "$toObjectId"
    case toUUID = "$toUUID"
    // Array
    case size = "$size"
    case isArray = "$isArray"
    case reverseArray = "$reverseArray"
    case first = "$first"
    case last = "$last"
    case arrayElemAt = "$arrayElemAt"
    case `in` = "$in"
    case concatArrays = "$concatArrays"
    case slice = "$slice"
    case range = "$range"
    case indexOfArray = "$indexOfArray"
    case map = "$map"
    case filter = "$filter"
    case reduce = "$reduce"
    case zip = "$zip"
    case sortArray = "$sortArray"
    case firstN = "$firstN"
    case lastN = "$lastN"
    case maxN = "$maxN"
    case minN = "$minN"
    case sum = "$sum"
    case avg = "$avg"
    case min = "$min"
    case max = "$max"
    case stdDevPop = "$stdDevPop"
    case stdDevSamp = "$stdDevSamp"
    case median = "$median"
    case percentile = "$percentile"
    // Set
    case setEquals = "$setEquals"
    case setIntersection = "$setIntersection"
    case setUnion = "$setUnion"
    case setDifference = "$setDifference"
    case setIsSubset = "$setIsSubset"
    case anyElementTrue = "$anyElementTrue"
    case allElementsTrue = "$allElementsTrue"
    // Object
    case mergeObjects = "$mergeObjects"
    case objectToArray = "$objectToArray"
    case arrayToObject = "$arrayToObject"
    case getField = "$getField"
    case setField = "$setField"
    case unsetField = "$unsetField"
    // String
    case concat = "$concat"
    case substrBytes = "$substrBytes"
    case substr = "$substr"
    case substrCP = "$substrCP"
    case toUpper = "$toUpper"
    case toLower = "$toLower"
    case split = "$split"
    case trim = "$trim"
    case ltrim = "$ltrim"
    case rtrim = "$rtrim"
    case strLenBytes = "$strLenBytes"
    case strLenCP = "$strLenCP"
    case indexOfBytes = "$indexOfBytes"
    case indexOfCP = "$indexOfCP"
    case strcasecmp = "$strcasecmp"
    case replaceOne = "$replaceOne"
    case replaceAll = "$replaceAll"
    case regexMatch = "$regexMatch"
    case regexFind = "$regexFind"
    case regexFindAll = "$regexFindAll"
    // Date
    case year = "$year"
    case month = "$month"
    case dayOfMonth = "$dayOfMonth"
    case hour = "$hour"
    case minute = "$minute"
    case second = "$second"
    case millisecond = "$millisecond"
    case dayOfWeek = "$dayOfWeek"
    case dayOfYear = "$dayOfYear"
    case week = "$week"
    case isoWeek = "$isoWeek"
    case isoWeekYear = "$isoWeekYear"
    case isoDayOfWeek = "$isoDayOfWeek"
    case dateToString = "$dateToString"
    case dateFromString = "$dateFromString"
    case dateToParts = "$dateToParts"
    case dateFromParts = "$dateFromParts"
    case dateTrunc = "$dateTrunc"
    case dateAdd = "$dateAdd"
    case dateSubtract = "$dateSubtract"
    case dateDiff = "$dateDiff"
    // Trigonometric, bitwise, miscellaneous
    case sin = "$sin"
    case cos = "$cos"
    case tan = "$tan"
    case asin = "$asin"
    case acos = "$acos"
    case atan = "$atan"
    case atan2 = "$atan2"
    case sinh = "$sinh"
    case cosh = "$cosh"
    case tanh = "$tanh"
    case asinh = "$asinh"
    case acosh = "$acosh"
    case atanh = "$atanh"
    case degreesToRadians = "$degreesToRadians"
    case radiansToDegrees = "$radiansToDegrees"
    case bitAnd = "$bitAnd"
    case bitOr = "$bitOr"
    case bitXor = "$bitXor"
    case bitNot = "$bitNot"
    case rand = "$rand"
    case bsonSize = "$bsonSize"
    case binarySize = "$binarySize"
    case tsSecond = "$tsSecond"
    case tsIncrement = "$tsIncrement"

    /// Which parser handles the operator.
    enum Family {
        case core, arithmetic, logic, type, array, setAndObject, string, date, moreNumeric
    }

    /// Which parser handles the operator.
    var family: Family {
        switch self {
        case .literal, .const, .let: .core
        case .add, .subtract, .multiply, .divide, .mod, .abs, .ceil, .floor, .round, .trunc, .pow, .sqrt, .exp, .ln,
            .log, .log10:
            .arithmetic
        case .cmp, .eq, .ne, .gt, .gte, .lt, .lte, .and, .or, .not, .cond, .ifNull, .switch: .logic
        case .type, .isNumber, .convert, .toInt, .toLong, .toDouble, .toDecimal, .toString, .toDate, .toBool,
            .toObjectId, .toUUID:
            .type
        case .size, .isArray, .reverseArray, .first, .last, .arrayElemAt, .in, .concatArrays, .slice, .range,
            .indexOfArray, .map, .filter, .reduce, .zip, .sortArray, .firstN, .lastN, .maxN, .minN, .sum, .avg, .min,
            .max, .stdDevPop, .stdDevSamp, .median, .percentile:
            .array
        case .setEquals, .setIntersection, .setUnion, .setDifference, .setIsSubset, .anyElementTrue, .allElementsTrue,
            .mergeObjects, .objectToArray, .arrayToObject, .getField, .setField, .unsetField:
            .setAndObject
        case .concat, .substrBytes, .substr, .substrCP, .toUpper, .toLower, .split, .trim, .ltrim, .rtrim, .strLenBytes,
            .strLenCP, .indexOfBytes, .indexOfCP, .strcasecmp, .replaceOne, .replaceAll, .regexMatch, .regexFind,
            .regexFindAll:
            .string
        case .year, .month, .dayOfMonth, .hour, .minute, .second, .millisecond, .dayOfWeek, .dayOfYear, .week, .isoWeek,
            .isoWeekYear, .isoDayOfWeek, .dateToString, .dateFromString, .dateToParts, .dateFromParts, .dateTrunc,
            .dateAdd, .dateSubtract, .dateDiff:
            .date
        case .sin, .cos, .tan, .asin, .acos, .atan, .atan2, .sinh, .cosh, .tanh, .asinh, .acosh, .atanh,
            .degreesToRadians, .radiansToDegrees, .bitAnd, .bitOr, .bitXor, .bitNot, .rand, .bsonSize, .binarySize,
            .tsSecond, .tsIncrement:
            .moreNumeric
        }
    }
}

/// Operators of one argument.
enum UnaryOperator: Sendable, Equatable {
    case abs, ceil, floor, sqrt, exp, ln, log10
    case not
    case type, isNumber
    case size, isArray, reverseArray, first, last
    case anyElementTrue, allElementsTrue, objectToArray, arrayToObject
    case toUpper, toLower, strLenBytes, strLenCP
    case trigonometric(Trigonometric)
    case bitNot, bsonSize, binarySize, tsSecond, tsIncrement

    /// The operator applied to its evaluated argument.
    func apply(_ value: BSONValue?) throws(DocketError) -> BSONValue? {
        switch self {
        case .not: return .bool(!value.isTruthy)
        case .type, .isNumber: return applyType(value)
        case .size, .isArray, .reverseArray, .first, .last: return try applyArray(value)
        case .anyElementTrue, .allElementsTrue, .objectToArray, .arrayToObject: return try applySetOrObject(value)
        case .toUpper, .toLower, .strLenBytes, .strLenCP: return try applyString(value)
        case .trigonometric, .bitNot, .bsonSize, .binarySize, .tsSecond, .tsIncrement:
            return try applyMoreNumeric(value)
        default: return try applyNumeric(value)
        }
    }
}

/// Operators of two arguments.
enum BinaryOperator: Sendable, Equatable {
    case subtract, divide, mod, pow, log
    case compare(ComparisonOperator)
    case `in`, arrayElemAt
    case setDifference, setIsSubset
    case split, strcasecmp
    case atan2

    /// The operator applied to its evaluated arguments.
    func apply(_ lhs: BSONValue?, _ rhs: BSONValue?) throws(DocketError) -> BSONValue? {
        switch self {
        case .compare(let op): return op.apply(lhs, rhs)
        case .in, .arrayElemAt: return try applyArray(lhs, rhs)
        case .setDifference, .setIsSubset: return try applySet(lhs, rhs)
        case .split, .strcasecmp: return try applyString(lhs, rhs)
        case .atan2: return try applyAtan2(lhs, rhs)
        default: return try applyArithmetic(lhs, rhs)
        }
    }
}

/// Operators of a list of arguments, evaluated by the operator (some short-circuit).
enum VariadicOperator: Sendable, Equatable {
    case add, multiply, round, trunc
    case and, or, ifNull
    case concatArrays, slice, range, indexOfArray
    case sum, avg, min, max, stdDevPop, stdDevSamp
    case setEquals, setIntersection, setUnion, mergeObjects
    /// `$substrBytes` or its alias `$substr` (the name, for messages).
    case substrBytes(String)
    case concat, substrCP, indexOfBytes, indexOfCP
    case bitwise(Bitwise)
    /// `$rand`: a new double in [0, 1) at each evaluation.
    case rand

    /// Evaluates the arguments as the operator requires and combines them.
    func evaluate(_ arguments: [ExpressionNode], _ context: inout ExpressionContext) throws(DocketError)
        -> BSONValue?
    {
        switch self {
        case .add, .multiply, .round, .trunc: return try evaluateArithmetic(arguments, &context)
        case .and, .or, .ifNull: return try evaluateLogic(arguments, &context)
        case .concatArrays, .slice, .range, .indexOfArray: return try evaluateArray(arguments, &context)
        case .sum, .avg, .min, .max, .stdDevPop, .stdDevSamp: return try evaluateAccumulator(arguments, &context)
        case .setEquals, .setIntersection, .setUnion, .mergeObjects: return try evaluateSetOrObject(arguments, &context)
        case .concat, .substrBytes, .substrCP, .indexOfBytes, .indexOfCP: return try evaluateString(arguments, &context)
        case .bitwise(let op): return try op.evaluate(arguments, &context)
        case .rand: return .double(Double.random(in: 0..<1))
        }
    }
}
