import DocketBSON

/// `$sort`: reads its whole input (or keeps the best `bound` when a `$limit` follows: a top-k), then yields it in
/// order. Stored documents stay bytes; sort keys are read from them. Past the memory limit an unbounded sort spills
/// sorted runs to disk and merges them (`Spill.swift`), unless `allowDiskUse` is `false`.
final class SortRunner: StageRunner {
    private let upstream: any StageRunner
    private let spec: SortSpec
    private let bound: Int?
    private let context: PipelineRunContext
    private var output = BufferedOutput()
    /// The merge of the spilled runs, once the input spilled.
    private var merge: SortedRunsMerge?

    init(_ upstream: any StageRunner, _ spec: SortSpec, bound: Int?, context: PipelineRunContext) {
        self.upstream = upstream
        self.spec = spec
        self.bound = bound
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        if let merge { return try merge.next() }
        let document = try output.next { () throws(DocketError) in try materialize() }
        if let merge { return try merge.next() }
        return document
    }

    /// The sorted input; when it spilled, sets ``merge`` and returns nothing.
    private func materialize() throws(DocketError) -> [PipelineDocument] {
        var buffer = SortBuffer<PipelineDocument>(spec: spec, bound: bound)
        var memory = MemoryTracker(limit: context.memoryLimitBytes, enforced: context.failsPastMemoryLimit)
        var directory: SpillDirectory?
        var runs: [SpillFile] = []
        while let document = try upstream.next() {
            let key = spec.sortKey(for: document)
            guard buffer.wouldKeep(key: key) else { continue }
            buffer.offer(key: key, document)
            // A top-k holds at most `bound` documents; only an unbounded sort grows with its input.
            guard bound == nil else { continue }
            try memory.add(document.approximateSize) { () -> DocketError in
                DocketError(
                    .queryExceededMemoryLimitNoDiskUseAllowed,
                    "Sort exceeded memory limit of \(context.memoryLimitBytes) bytes, but did not opt in to "
                        + "external sorting.", stage: "$sort")
            }
            if memory.used > memory.limit {
                if directory == nil { directory = try SpillDirectory() }
                let run = try directory!.makeFile()
                for sorted in buffer.sorted() { try run.append(sorted) }
                try run.rewind()
                context.spills?.record(bytes: run.size)
                runs.append(run)
                buffer = SortBuffer(spec: spec, bound: nil)
                memory.remove(memory.used)
            }
        }
        guard let directory else { return buffer.sorted() }
        merge = try SortedRunsMerge(spec: spec, runs: runs, rest: buffer.sorted(), directory: directory)
        return []
    }
}

/// The merge of sorted runs (spill files, then the documents still in memory): each `next()` yields the least head,
/// the earliest run first among equals, so the order is the in-memory sort's.
final class SortedRunsMerge {
    private let spec: SortSpec
    private let runs: [SpillFile]
    private let rest: [PipelineDocument]
    private var restPosition = 0
    /// Each source's next document and its sort key (`runs` first, then `rest`); `nil` once it is exhausted.
    private var heads: [(key: [BSONValue], document: PipelineDocument)?] = []
    /// Kept alive until the merge is done: it removes the files.
    private let directory: SpillDirectory

    init(spec: SortSpec, runs: [SpillFile], rest: [PipelineDocument], directory: SpillDirectory) throws(DocketError) {
        self.spec = spec
        self.runs = runs
        self.rest = rest
        self.directory = directory
        for source in 0...runs.count { heads.append(try read(source)) }
    }

    private func read(_ source: Int) throws(DocketError) -> (key: [BSONValue], document: PipelineDocument)? {
        let document: PipelineDocument
        if source < runs.count {
            guard let raw = try runs[source].next() else { return nil }
            document = .stored(raw)
        } else {
            guard restPosition < rest.count else { return nil }
            document = rest[restPosition]
            restPosition += 1
        }
        return (spec.sortKey(for: document), document)
    }

    func next() throws(DocketError) -> PipelineDocument? {
        var least: Int?
        for (source, head) in heads.enumerated() {
            guard let head else { continue }
            if let current = least, SortSpec.compareKeys(head.key, heads[current]!.key, spec: spec) >= 0 { continue }
            least = source
        }
        guard let least else { return nil }
        let document = heads[least]!.document
        heads[least] = try read(least)
        return document
    }
}

/// `$sample`: a uniform random sample of `size` documents without replacement (reservoir sampling), in random order.
final class SampleRunner: StageRunner {
    private let upstream: any StageRunner
    private let size: Int
    private let context: PipelineRunContext
    private var output = BufferedOutput()

    init(_ upstream: any StageRunner, _ size: Int, context: PipelineRunContext) {
        self.upstream = upstream
        self.size = size
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        try output.next { () throws(DocketError) in try draw() }
    }

    private func draw() throws(DocketError) -> [PipelineDocument] {
        var generator = SystemRandomNumberGenerator()
        var reservoir: [PipelineDocument] = []
        guard size > 0 else {
            while try upstream.next() != nil {}
            return []
        }
        var memory = MemoryTracker(limit: context.memoryLimitBytes, enforced: context.failsPastMemoryLimit)
        var seen = 0
        while let document = try upstream.next() {
            seen += 1
            if reservoir.count < size {
                reservoir.append(document)
                try memory.add(document.approximateSize) { () -> DocketError in
                    DocketError(
                        .queryExceededMemoryLimitNoDiskUseAllowed,
                        "$sample exceeded memory limit of \(context.memoryLimitBytes) bytes, but did not opt in to "
                            + "external sorting.", stage: "$sample")
                }
            } else {
                let slot = Int.random(in: 0..<seen, using: &generator)
                if slot < size { reservoir[slot] = document }
            }
        }
        reservoir.shuffle(using: &generator)
        return reservoir
    }
}

/// The output of a blocking stage: computed on the first pull, then yielded in order.
struct BufferedOutput {
    private var documents: [PipelineDocument]?
    private var position = 0

    /// The next document, computing all of them with `compute` on the first call.
    mutating func next(_ compute: () throws(DocketError) -> [PipelineDocument]) throws(DocketError)
        -> PipelineDocument?
    {
        if documents == nil { documents = try compute() }
        guard position < documents!.count else { return nil }
        position += 1
        return documents![position - 1]
    }
}

/// Counts the bytes a blocking stage holds and fails past the limit when asked to.
struct MemoryTracker {
    let limit: Int
    /// Whether passing the limit is an error (`allowDiskUse: false`); otherwise the stage may spill.
    let enforced: Bool
    private(set) var used = 0

    init(limit: Int, enforced: Bool) {
        self.limit = limit
        self.enforced = enforced
    }

    /// Adds `bytes`; throws `error()` when the total passes the limit and the limit is enforced.
    mutating func add(_ bytes: Int, _ error: () -> DocketError) throws(DocketError) {
        used &+= bytes
        if enforced && used > limit { throw error() }
    }

    /// Releases `bytes`.
    mutating func remove(_ bytes: Int) { used &-= bytes }
}

extension PipelineDocument {
    /// About how many bytes the document occupies: its stored size, or an estimate of an in-memory document's.
    var approximateSize: Int {
        switch self {
        case .stored(let raw): return raw.bytes.count
        case .value(let document): return document.approximateSize
        }
    }
}

extension BSONDocument {
    /// About how many bytes the document occupies in memory: its encoded size plus bookkeeping per field.
    var approximateSize: Int {
        var size = 16
        for (key, value) in self { size += key.utf8.count + 24 + value.approximatePayloadSize }
        return size
    }
}

extension BSONValue {
    /// The bytes a value holds beyond its fixed slot.
    var approximatePayloadSize: Int {
        switch self {
        case .string(let s): return s.utf8.count
        case .document(let d): return d.approximateSize
        case .array(let a):
            var size = 16
            for element in a { size += 24 + element.approximatePayloadSize }
            return size
        case .binary(let b): return b.bytes.count
        default: return 0
        }
    }
}
