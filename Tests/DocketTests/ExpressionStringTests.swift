import DocketBSON
import Testing

@testable import Docket

/// String expressions.
@Suite struct ExpressionStringTests {
    static let doc: BSONDocument = [
        "s": "Hello World", "u": "café", "n": .null, "i": 42, "t": .datetime(0), "arr": [1],
    ]

    static let cases: [ExpressionCase] = [
        // $concat
        ExpressionCase(["$concat": ["$s", "!", ""]], doc, .value("Hello World!")),
        ExpressionCase(["$concat": ["$s", "$n"]], doc, .value(.null)),
        ExpressionCase(["$concat": ["$s", "$missing"]], doc, .value(.null)),
        ExpressionCase(["$concat": ["$s", "$i"]], doc, .error(16702)),
        ExpressionCase(["$concat": []], [:], .value("")),
        // $substrBytes / $substr / $substrCP
        ExpressionCase(["$substrBytes": ["$s", 0, 5]], doc, .value("Hello")),
        ExpressionCase(["$substr": ["$s", 6, -1]], doc, .value("World")),
        ExpressionCase(["$substrBytes": ["$u", 3, 2]], doc, .value("é")),
        ExpressionCase(["$substrBytes": ["$s", 6, .int64(.max)]], doc, .value("World")),
        ExpressionCase(["$substrBytes": ["$u", 4, 1]], doc, .error(28656)),
        ExpressionCase(["$substrBytes": ["$u", 0, 4]], doc, .error(28657)),
        ExpressionCase(["$substrBytes": ["$i", 0, 1]], doc, .value("4")),
        ExpressionCase(["$substrBytes": ["$n", 0, 1]], doc, .value("")),
        ExpressionCase(["$substrBytes": ["$s", "a", 1]], doc, .error(16034)),
        ExpressionCase(["$substrBytes": ["$s", 0, "a"]], doc, .error(16035)),
        ExpressionCase(["$substrBytes": ["$arr", 0, 1]], doc, .error(16007)),
        ExpressionCase(["$substrCP": ["$u", 3, 1]], doc, .value("é")),
        ExpressionCase(["$substrCP": ["$u", 2, 10]], doc, .value("fé")),
        ExpressionCase(["$substrCP": ["$u", -1, 1]], doc, .error(34455)),
        ExpressionCase(["$substrCP": ["$u", 0, -1]], doc, .error(34454)),
        ExpressionCase(["$substrCP": ["$u", 0.5, 1]], doc, .error(34451)),
        ExpressionCase(["$substrCP": ["$u", 0]], doc, .error(16020)),
        // $toUpper / $toLower (ASCII only)
        ExpressionCase(["$toUpper": "$s"], doc, .value("HELLO WORLD")),
        ExpressionCase(["$toLower": "$s"], doc, .value("hello world")),
        ExpressionCase(["$toUpper": "$u"], doc, .value("CAFé")),
        ExpressionCase(["$toUpper": "$n"], doc, .value("")),
        ExpressionCase(["$toLower": "$i"], doc, .value("42")),
        // $strLenBytes / $strLenCP
        ExpressionCase(["$strLenBytes": "$u"], doc, .value(5)),
        ExpressionCase(["$strLenCP": "$u"], doc, .value(4)),
        ExpressionCase(["$strLenCP": "$n"], doc, .error(34471)),
        ExpressionCase(["$strLenBytes": "$i"], doc, .error(34473)),
        // $split
        ExpressionCase(["$split": ["$s", " "]], doc, .value(["Hello", "World"])),
        ExpressionCase(["$split": ["a--b--", "--"]], [:], .value(["a", "b", ""])),
        ExpressionCase(["$split": ["$n", " "]], doc, .value(.null)),
        ExpressionCase(["$split": ["$i", " "]], doc, .error(40085)),
        ExpressionCase(["$split": ["$s", 1]], doc, .error(40086)),
        ExpressionCase(["$split": ["$s", ""]], doc, .error(40087)),
        // $trim family
        ExpressionCase(["$trim": ["input": "  x y \n"]], [:], .value("x y")),
        ExpressionCase(["$ltrim": ["input": "  x  "]], [:], .value("x  ")),
        ExpressionCase(["$rtrim": ["input": "  x  "]], [:], .value("  x")),
        ExpressionCase(["$trim": ["input": "xxhixx", "chars": "x"]], [:], .value("hi")),
        ExpressionCase(["$trim": ["input": "éaé", "chars": "é"]], [:], .value("a")),
        ExpressionCase(["$trim": ["input": "$n"]], doc, .value(.null)),
        ExpressionCase(["$trim": ["input": "x", "chars": "$n"]], doc, .value(.null)),
        ExpressionCase(["$trim": ["input": "$i"]], doc, .error(50699)),
        ExpressionCase(["$trim": ["input": "x", "chars": 1]], [:], .error(50700)),
        ExpressionCase(["$trim": ["chars": "x"]], [:], .error(50695)),
        ExpressionCase(["$trim": ["input": "x", "y": 1]], [:], .error(50694)),
        ExpressionCase(["$trim": "x"], [:], .error(50696)),
        // $indexOfBytes / $indexOfCP
        ExpressionCase(["$indexOfBytes": ["$s", "o"]], doc, .value(4)),
        ExpressionCase(["$indexOfBytes": ["$s", "o", 5]], doc, .value(7)),
        ExpressionCase(["$indexOfBytes": ["$s", "o", 0, 4]], doc, .value(-1)),
        ExpressionCase(["$indexOfBytes": ["$u", "é"]], doc, .value(3)),
        ExpressionCase(["$indexOfCP": ["$u", "é"]], doc, .value(3)),
        ExpressionCase(["$indexOfCP": ["$s", ""]], doc, .value(0)),
        ExpressionCase(["$indexOfCP": ["$n", "a"]], doc, .value(.null)),
        ExpressionCase(["$indexOfBytes": ["$i", "a"]], doc, .error(40091)),
        ExpressionCase(["$indexOfCP": ["$s", 1]], doc, .error(40094)),
        ExpressionCase(["$indexOfCP": ["$s", "o", -1]], doc, .error(40097)),
        // $strcasecmp
        ExpressionCase(["$strcasecmp": ["abc", "ABC"]], [:], .value(0)),
        ExpressionCase(["$strcasecmp": ["abc", "abd"]], [:], .value(-1)),
        ExpressionCase(["$strcasecmp": ["b", "A"]], [:], .value(1)),
        ExpressionCase(["$strcasecmp": ["$n", ""]], doc, .value(0)),
        // $replaceOne / $replaceAll
        ExpressionCase(["$replaceOne": ["input": "a-b-c", "find": "-", "replacement": "+"]], [:], .value("a+b-c")),
        ExpressionCase(["$replaceAll": ["input": "a-b-c", "find": "-", "replacement": "+"]], [:], .value("a+b+c")),
        ExpressionCase(["$replaceAll": ["input": "ab", "find": "", "replacement": "."]], [:], .value(".a.b.")),
        ExpressionCase(["$replaceOne": ["input": "$n", "find": "-", "replacement": "+"]], doc, .value(.null)),
        ExpressionCase(["$replaceOne": ["input": "$i", "find": "-", "replacement": "+"]], doc, .error(51746)),
        ExpressionCase(["$replaceAll": ["input": "x", "find": 1, "replacement": "+"]], [:], .error(51745)),
        ExpressionCase(["$replaceAll": ["input": "x", "find": "x"]], [:], .error(51747)),
        // $regexMatch / $regexFind / $regexFindAll
        ExpressionCase(["$regexMatch": ["input": "$s", "regex": "world", "options": "i"]], doc, .value(true)),
        ExpressionCase(
            ["$regexMatch": ["input": "$s", "regex": .regex(BSONRegex(pattern: "^H", options: ""))]], doc, .value(true)),
        ExpressionCase(["$regexMatch": ["input": "$n", "regex": "x"]], doc, .value(false)),
        ExpressionCase(
            ["$regexFind": ["input": "$u", "regex": "(f)(x)?(é)"]], doc,
            .value(["match": "fé", "idx": 2, "captures": ["f", .null, "é"]])),
        ExpressionCase(["$regexFind": ["input": "$s", "regex": "z"]], doc, .value(.null)),
        ExpressionCase(
            ["$regexFindAll": ["input": "a1b22", "regex": "[0-9]+"]], [:],
            .value([["match": "1", "idx": 1, "captures": []], ["match": "22", "idx": 3, "captures": []]])),
        ExpressionCase(["$regexFindAll": ["input": "$missing", "regex": "x"]], doc, .value([])),
        ExpressionCase(["$regexMatch": ["input": "$i", "regex": "x"]], doc, .error(51104)),
        ExpressionCase(["$regexMatch": ["input": "x", "regex": 1]], [:], .error(51105)),
        ExpressionCase(["$regexMatch": ["input": "x", "regex": "x", "options": 1]], [:], .error(51106)),
        ExpressionCase(
            ["$regexMatch": ["input": "x", "regex": .regex(BSONRegex(pattern: "x", options: "i")), "options": "m"]],
            [:],
            .error(51107)),
        ExpressionCase(["$regexMatch": ["input": "x", "regex": "x", "options": "q"]], [:], .error(51108)),
        ExpressionCase(["$regexMatch": ["regex": "x"]], [:], .error(31022)),
        ExpressionCase(["$regexMatch": ["input": "x"]], [:], .error(31023)),
        ExpressionCase(["$regexMatch": "x"], [:], .error(51103)),
        ExpressionCase(["$regexMatch": ["input": "$s", "regex": "$r"]], ["s": "abc", "r": "b"], .value(true)),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }
}
