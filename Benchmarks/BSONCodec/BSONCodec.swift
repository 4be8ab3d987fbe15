// W6 "BSON codec throughput" (shared/bench/workloads.json): Docket's codec against libbson on the same bytes.
//
// The first 100 000 documents of the canonical users dataset are generated once, held in memory as one contiguous
// `.bson` buffer (documents back to back, as `users_N.bson`), and every benchmark iteration processes all of them:
//
//   validate/Docket       BSONValidator.validate on each document         validate/libbson   bson_validate (UTF-8)
//   decodeVisit/Docket    BSONDocument(bsonBuffer:) + a recursive visit       decodeVisit/libbson  recursive bson_iter visit
//   encode/Docket         bsonBytes() of each pre-decoded BSONDocument        encode/libbson     bson_iter walk + bson_append_*
//   extjsonWrite/Docket   extendedJSONString(mode: .relaxed) of each      extjsonWrite/libbson
//                         pre-decoded BSONDocument                            bson_as_relaxed_extended_json of the bytes
//   extjsonRead/Docket    BSONDocument(extendedJSONBuffer:) of each line      extjsonRead/libbson  bson_init_from_json
//                         of the relaxed Extended JSON (users_N.jsonl)
//
// Both visits compute the same checksum (see shim.h), checked once at start-up, so neither can be optimised away
// and both provably read every value. docs/s = throughput × 100 000; Benchmarks/compare-bson.py prints docs/s,
// the Docket/libbson time ratios and allocations per document.
import Benchmark
import CLibBSON
import DocketBSON
import DocketWorkloads

/// The number of documents each iteration processes.
let documentCount = 100_000

/// The documents as one buffer, each document's offset, and the decoded documents.
struct Corpus: Sendable {
    let bytes: [UInt8]
    let offsets: [Int]
    let documents: [BSONDocument]
    /// The documents as relaxed Extended JSON, one per line, and each line's offset (without its newline).
    let json: [UInt8]
    let jsonOffsets: [Int]

    init() {
        let generator = UserGenerator()
        bytes = generator.bsonBytes(count: documentCount)
        var offsets: [Int] = []
        offsets.reserveCapacity(documentCount + 1)
        var p = 0
        while p < bytes.count {
            offsets.append(p)
            p += Int(
                UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24)
        }
        offsets.append(p)
        self.offsets = offsets
        documents = (0..<documentCount).map(generator.document(at:))
        var json: [UInt8] = []
        var jsonOffsets: [Int] = []
        for document in documents {
            jsonOffsets.append(json.count)
            document.appendExtendedJSON(to: &json, mode: .relaxed)
            json.append(UInt8(ascii: "\n"))
        }
        jsonOffsets.append(json.count)
        self.json = json
        self.jsonOffsets = jsonOffsets
    }

    /// Calls `body` with each document's Extended JSON line (without the newline).
    @inline(__always) func forEachJSONLine(_ body: (UnsafeRawBufferPointer) -> Void) {
        json.withUnsafeBytes { all in
            for i in 0..<documentCount {
                body(UnsafeRawBufferPointer(rebasing: all[jsonOffsets[i]..<jsonOffsets[i + 1] - 1]))
            }
        }
    }

    /// Calls `body` with each document's bytes.
    @inline(__always) func forEachDocument(_ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { all in
            for i in 0..<documentCount {
                body(UnsafeRawBufferPointer(rebasing: all[offsets[i]..<offsets[i + 1]]))
            }
        }
    }
}

let corpus = Corpus()

func docketValidate() -> Int {
    var valid = 0
    corpus.forEachDocument { buffer in
        do throws(BSONError) {
            try BSONValidator.validate(buffer)
            valid += 1
        } catch {}
    }
    return valid
}

func libbsonValidate() -> Int {
    var valid = 0
    corpus.forEachDocument { buffer in
        valid += Int(docket_bench_validate(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), buffer.count))
    }
    return valid
}

func docketDecodeVisit() -> UInt64 {
    var sum: UInt64 = 0
    corpus.forEachDocument { buffer in
        do throws(BSONError) {
            sum &+= visitChecksum(try BSONDocument(bsonBuffer: buffer))
        } catch {}
    }
    return sum
}

func libbsonVisit() -> UInt64 {
    var sum: UInt64 = 0
    corpus.forEachDocument { buffer in
        sum &+= docket_bench_visit(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), buffer.count)
    }
    return sum
}

func docketEncode() -> Int {
    var total = 0
    for document in corpus.documents {
        do throws(BSONError) {
            total += try document.bsonBytes().count
        } catch {}
    }
    return total
}

func libbsonEncode() -> Int {
    var total = 0
    corpus.forEachDocument { buffer in
        total += Int(docket_bench_reencode(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), buffer.count))
    }
    return total
}

func docketExtJSONWrite() -> Int {
    var total = 0
    for document in corpus.documents { total += document.extendedJSONString(mode: .relaxed).utf8.count }
    return total
}

func libbsonExtJSONWrite() -> Int {
    var total = 0
    corpus.forEachDocument { buffer in
        var length = 0
        if let text = docket_bench_to_relaxed_json(
            buffer.baseAddress!.assumingMemoryBound(to: UInt8.self),
            buffer.count,
            &length
        ) {
            total += length
            bson_free(text)
        }
    }
    return total
}

func docketExtJSONRead() -> Int {
    var fields = 0
    corpus.forEachJSONLine { line in
        do throws(BSONError) {
            fields += try BSONDocument(extendedJSONBuffer: line).count
        } catch {}
    }
    return fields
}

func libbsonExtJSONRead() -> Int {
    var total = 0
    corpus.forEachJSONLine { line in
        total += Int(docket_bench_from_json(line.baseAddress!.assumingMemoryBound(to: UInt8.self), line.count))
    }
    return total
}

/// Checks once that both sides accept every document and read the same values.
func checkAgreement() {
    precondition(docketValidate() == documentCount, "Docket rejects a generated document")
    precondition(libbsonValidate() == documentCount, "libbson rejects a generated document")
    let docket = docketDecodeVisit()
    let libbson = libbsonVisit()
    precondition(docket == libbson, "visit checksums differ: Docket \(docket), libbson \(libbson)")
    precondition(docketEncode() == corpus.bytes.count, "Docket's encoding has a different size")
    precondition(libbsonEncode() == corpus.bytes.count, "libbson's encoding has a different size")
    precondition(docketExtJSONRead() == documentCount * 9, "Docket cannot read its Extended JSON")
    precondition(libbsonExtJSONRead() == corpus.bytes.count, "libbson reads Docket's Extended JSON differently")
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 1,
        maxDuration: .seconds(3),
        maxIterations: 40
    )
    checkAgreement()

    Benchmark("validate/Docket") { _ in blackHole(docketValidate()) }
    Benchmark("validate/libbson") { _ in blackHole(libbsonValidate()) }
    Benchmark("decodeVisit/Docket") { _ in blackHole(docketDecodeVisit()) }
    Benchmark("decodeVisit/libbson") { _ in blackHole(libbsonVisit()) }
    Benchmark("encode/Docket") { _ in blackHole(docketEncode()) }
    Benchmark("encode/libbson") { _ in blackHole(libbsonEncode()) }
    Benchmark("extjsonWrite/Docket") { _ in blackHole(docketExtJSONWrite()) }
    Benchmark("extjsonWrite/libbson") { _ in blackHole(libbsonExtJSONWrite()) }
    Benchmark("extjsonRead/Docket") { _ in blackHole(docketExtJSONRead()) }
    Benchmark("extjsonRead/libbson") { _ in blackHole(libbsonExtJSONRead()) }
}
