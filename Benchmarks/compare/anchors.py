"""The comparison anchors of compare.py: the canonical workloads on SQLite, DuckDB, mongomock and libbson.

Each anchor runs in its own process (so its peak resident memory is its own), once per round, from the files
docket-bench wrote (users_N.bson, users_N.jsonl, keys_N.json) and a normalized copy of the JSON lines
(users_N.norm.jsonl: `_id` as its hex string, `created_at` as epoch milliseconds), and checks every answer
against the seeded keys: each lookup returns the key's document, each W3 page is in range, sorted and equal to a
brute-force page on a sample, each W4 run changes exactly the documents a replay of its keys says, and W5's count
column equals a brute-force count. Times exclude preparing Python-side inputs (parsing keys, building tuples).
"""

import bisect
import collections
import json
import resource
import subprocess
import time

W3_LIMIT = 20
W5_CUTOFF_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
W8_CUTOFF_MS = 1_764_547_200_000  # 2025-12-01T00:00:00Z: the last month of created_at, about 1/72 of the users
W4_FIELDS = {"W4a": ("status", ["active", "inactive", "banned"]), "W4b": ("teams.0.role", ["admin", "member", "viewer"])}


class VerificationError(Exception):
    """An anchor's answer differs from the one the dataset and keys imply."""


class Dataset:
    """The normalized documents, keys and the brute-force answers the checks use."""

    def __init__(self, data_dir, size):
        self.size = size
        self.norm_path = f"{data_dir}/users_{size}.norm.jsonl"
        with open(self.norm_path) as f:
            self.lines = f.read().splitlines()
        if len(self.lines) != size:
            raise VerificationError(f"{self.norm_path} holds {len(self.lines)} documents, not {size}")
        with open(f"{data_dir}/keys_{size}.json") as f:
            self.keys = json.load(f)
        self._docs = None

    @property
    def docs(self):
        if self._docs is None:
            self._docs = [json.loads(line) for line in self.lines]
        return self._docs

    def object_id(self, index):
        """The `_id` hex of document `index` (the generator's layout: timestamp, 5 seeded bytes, counter)."""
        random_part = self.docs[0]["_id"][8:18]
        return f"{1_717_200_000 + (index >> 24):08x}{random_part}{index & 0xFFFFFF:06x}"

    def sorted_created_at(self):
        return sorted(d["created_at"] for d in self.docs)

    def expected_page(self, sorted_values, lo, hi):
        end = bisect.bisect_left(sorted_values, hi)
        start = bisect.bisect_left(sorted_values, lo)
        return list(reversed(sorted_values[max(start, end - W3_LIMIT):end]))

    def expected_w5_counts(self):
        counts = collections.Counter()
        for d in self.docs:
            if d["created_at"] >= W5_CUTOFF_MS:
                counts.update(t["id"] for t in d["teams"])
        return sorted(counts.values(), reverse=True)[:10]

    def expected_w8(self):
        """W8's answer, summarized: (rows, sum of team ids, rows per role) of users ⋈ memberships ⋈ teams."""
        rows = 0
        id_sum = 0
        roles = collections.Counter()
        for d in self.docs:
            if d["created_at"] >= W8_CUTOFF_MS:
                for t in d["teams"]:
                    rows += 1
                    id_sum += t["id"]
                    roles[t["role"]] += 1
        return rows, id_sum, dict(roles)

    def check_w8(self, result):
        """Checks W8's (email, team name, role) rows against the brute-force summary."""
        roles = collections.Counter(row[2] for row in result)
        got = (len(result), sum(int(row[1].split(" ")[1]) for row in result), dict(roles))
        if got != self.expected_w8():
            raise VerificationError(f"W8: the join returned {got}, the brute force says {self.expected_w8()}")

    def initial_value(self, workload, index):
        d = self.docs[index]
        return d["status"] if workload == "W4a" else d["teams"][0]["role"]

    def replay(self, workload, keys, run):
        """The number of updates of run `run` over `keys` that change their document, and the final values."""
        values = W4_FIELDS[workload][1]
        current = {}
        modified = 0
        for k in keys:
            new = values[(k["v"] + run) % len(values)]
            old = current.get(k["i"], self.initial_value(workload, k["i"]))
            modified += old != new
            current[k["i"]] = new
        return modified, current


class Recorder:
    """Collects one round's measurements of one system."""

    def __init__(self, system, size, run):
        self.result = {"system": system, "size": size, "run": run, "workloads": {}, "unavailable": {}}

    def measured(self, workload, ops, seconds, **details):
        self.result["workloads"][workload] = {"ops": ops, "seconds": seconds, "verified": True, "details": details}

    def unavailable(self, workload, reason):
        self.result["unavailable"][workload] = reason

    def finish(self):
        self.result["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return self.result


def check_page(dataset, sorted_values, rng, created, check_exact):
    lo, hi = rng["lo_ms"], rng["hi_ms"]
    if len(created) > W3_LIMIT:
        raise VerificationError(f"W3 page of {len(created)} documents")
    if any(not (lo <= c < hi) for c in created) or any(a < b for a, b in zip(created, created[1:])):
        raise VerificationError(f"W3 page {created} not in [{lo}, {hi}) or not descending")
    if check_exact and created != dataset.expected_page(sorted_values, lo, hi):
        raise VerificationError(f"W3 page {created} differs from the brute-force page")


def sample_indexes(count, sample=20):
    return set(range(0, count, max(1, count // sample)))


def timed(body):
    start = time.perf_counter()
    body()
    return time.perf_counter() - start


# ---------------------------------------------------------------- SQLite


def run_sqlite(dataset, run, scan_ops, caps):
    import sqlite3

    rec = Recorder("sqlite", dataset.size, run)
    con = sqlite3.connect(":memory:", isolation_level=None)
    jb = "jsonb" if sqlite3.sqlite_version_info >= (3, 45, 0) else "json"
    rec.result["details"] = {"sqlite_version": sqlite3.sqlite_version, "document_format": jb.upper()}
    rows = [(line,) for line in dataset.lines]
    keys = dataset.keys
    sorted_values = dataset.sorted_created_at()

    def create(indexes):
        con.execute("DROP TABLE IF EXISTS users")
        con.execute("CREATE TABLE users(doc BLOB NOT NULL)")
        con.execute("CREATE UNIQUE INDEX users_id ON users(doc->>'$._id')")
        if indexes:
            con.execute("CREATE UNIQUE INDEX users_email ON users(doc->>'$.email')")
            con.execute("CREATE INDEX users_created_at ON users(doc->>'$.created_at')")

    def insert():
        for start in range(0, len(rows), 1000):
            con.execute("BEGIN")
            con.executemany(f"INSERT INTO users(doc) VALUES ({jb}(?))", rows[start:start + 1000])
            con.execute("COMMIT")

    def count_check(workload):
        n = con.execute("SELECT count(*) FROM users").fetchone()[0]
        if n != dataset.size:
            raise VerificationError(f"{workload}: {n} rows after inserting {dataset.size}")

    def lookups(workload, key_list):
        def body():
            for k in key_list:
                found = con.execute(
                    "SELECT doc->>'$._id', doc FROM users WHERE doc->>'$.email' = ? LIMIT 2", (k["email"],)
                ).fetchall()
                if len(found) != 1 or found[0][0] != dataset.object_id(k["i"]):
                    raise VerificationError(f"{workload}: lookup of {k['email']} found {len(found)} rows")
        rec.measured(workload, len(key_list), timed(body))

    def ranges(workload, range_list):
        pages = []

        def body():
            for r in range_list:
                pages.append(con.execute(
                    "SELECT doc->>'$.created_at', doc FROM users WHERE doc->>'$.created_at' >= ? "
                    "AND doc->>'$.created_at' < ? ORDER BY doc->>'$.created_at' DESC LIMIT ?",
                    (r["lo_ms"], r["hi_ms"], W3_LIMIT)).fetchall())
        seconds = timed(body)
        exact = sample_indexes(len(range_list))
        for i, (r, page) in enumerate(zip(range_list, pages)):
            check_page(dataset, sorted_values, r, [row[0] for row in page], i in exact)
        rec.measured(workload, len(range_list), seconds)

    create(indexes=False)
    rec.measured("W1-noidx", dataset.size, timed(insert))
    count_check("W1-noidx")
    lookups("W2-scan", keys["W2"]["keys"][:scan_ops])
    ranges("W3-scan", keys["W3"]["ranges"][:scan_ops])

    # W4 runs on the table with only its `_id` index, as Docket's collection has today, so every system does the
    # same work: no secondary index to maintain on an update (issue 7, item 14). The indexed table is built after.
    for workload, (field, values) in W4_FIELDS.items():
        key_list = keys[workload]["keys"][:caps.get("W4", None)]
        path = "$.status" if field == "status" else "$.teams[0].role"
        args = [(values[(k["v"] + run) % 3], k["_id"], values[(k["v"] + run) % 3]) for k in key_list]
        sql = f"UPDATE users SET doc = {jb}_set(doc, '{path}', ?) WHERE doc->>'$._id' = ? AND doc->>'{path}' IS NOT ?"
        modified = 0

        def body():
            nonlocal modified
            for a in args:
                modified += con.execute(sql, a).rowcount
        seconds = timed(body)
        expected, final = dataset.replay(workload, key_list, run)
        if modified != expected:
            raise VerificationError(f"{workload}: {modified} rows changed, the replay says {expected}")
        for i in list(final)[:200]:
            got = con.execute(f"SELECT doc->>'{path}' FROM users WHERE doc->>'$._id' = ?",
                              (dataset.object_id(i),)).fetchone()[0]
            if got != final[i]:
                raise VerificationError(f"{workload}: document {i} has {got}, expected {final[i]}")
        rec.measured(workload, len(key_list), seconds, modified=modified)

    create(indexes=True)
    rec.measured("W1", dataset.size, timed(insert))
    count_check("W1")
    lookups("W2", keys["W2"]["keys"][:caps.get("W2", None)])
    ranges("W3", keys["W3"]["ranges"][:caps.get("W3", None)])


    result = []

    def w5():
        result[:] = con.execute(
            "SELECT t.value->>'id' AS team, count(*) AS c FROM users, json_each(users.doc, '$.teams') AS t "
            "WHERE users.doc->>'$.created_at' >= ? GROUP BY team ORDER BY c DESC LIMIT 10", (W5_CUTOFF_MS,)
        ).fetchall()
    seconds = timed(w5)
    if [row[1] for row in result] != dataset.expected_w5_counts():
        raise VerificationError(f"W5: counts {[row[1] for row in result]} differ from the brute-force counts")
    rec.measured("W5", 1, seconds)

    # W8: the normalized form (the seed's users / user_teams / teams), built untimed from the same documents, with the
    # seed's primary keys: memberships (user_id, team_id), teams (id). The users table keeps its created_at index.
    con.execute("CREATE TABLE memberships(user_id TEXT NOT NULL, team_id INTEGER NOT NULL, role TEXT NOT NULL, "
                "PRIMARY KEY (user_id, team_id)) WITHOUT ROWID")
    con.execute("INSERT INTO memberships SELECT users.doc->>'$._id', t.value->>'id', t.value->>'role' "
                "FROM users, json_each(users.doc, '$.teams') AS t")
    con.execute("CREATE TABLE teams(id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    con.execute("INSERT INTO teams SELECT DISTINCT t.value->>'id', t.value->>'name' "
                "FROM users, json_each(users.doc, '$.teams') AS t")

    def w8():
        result[:] = con.execute(
            "SELECT u.doc->>'$.email', t.name, m.role FROM users AS u "
            "JOIN memberships AS m ON m.user_id = u.doc->>'$._id' JOIN teams AS t ON t.id = m.team_id "
            "WHERE u.doc->>'$.created_at' >= ?", (W8_CUTOFF_MS,)).fetchall()
    seconds = timed(w8)
    dataset.check_w8(result)
    rec.measured("W8", 1, seconds, rows=len(result))
    rec.unavailable("W7", "not part of this comparison yet (Docket has no persistence to compare)")
    return rec.finish()


# ---------------------------------------------------------------- DuckDB

DUCKDB_COLUMNS = [
    ("_id", "VARCHAR"), ("email", "VARCHAR"), ("name", "VARCHAR"), ("age", "INTEGER"), ("country", "VARCHAR"),
    ("created_at", "BIGINT"), ("status", "VARCHAR"), ("teams", "STRUCT(id INTEGER, name VARCHAR, role VARCHAR)[]"),
    ("settings", "STRUCT(notifications BOOLEAN, theme VARCHAR)"),
]


def run_duckdb(dataset, run, scan_ops, caps):
    import duckdb

    rec = Recorder("duckdb", dataset.size, run)
    rec.result["details"] = {"duckdb_version": duckdb.__version__}
    con = duckdb.connect()
    keys = dataset.keys
    sorted_values = dataset.sorted_created_at()
    schema = ", ".join(f"{name} {kind}" for name, kind in DUCKDB_COLUMNS)
    columns = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in DUCKDB_COLUMNS) + "}"
    path = dataset.norm_path.replace("'", "''")

    def create(indexes):
        con.execute("DROP TABLE IF EXISTS users")
        con.execute(f"CREATE TABLE users ({schema}, PRIMARY KEY (_id))")
        if indexes:
            con.execute("CREATE UNIQUE INDEX users_email ON users(email)")
            con.execute("CREATE INDEX users_created_at ON users(created_at)")

    def insert():
        con.execute(f"INSERT INTO users SELECT * FROM read_json('{path}', format = 'newline_delimited', "
                    f"columns = {columns})")

    def count_check(workload):
        n = con.execute("SELECT count(*) FROM users").fetchone()[0]
        if n != dataset.size:
            raise VerificationError(f"{workload}: {n} rows after inserting {dataset.size}")

    def lookups(workload, key_list):
        def body():
            for k in key_list:
                found = con.execute("SELECT * FROM users WHERE email = ? LIMIT 2", [k["email"]]).fetchall()
                if len(found) != 1 or found[0][0] != dataset.object_id(k["i"]):
                    raise VerificationError(f"{workload}: lookup of {k['email']} found {len(found)} rows")
        rec.measured(workload, len(key_list), timed(body))

    def ranges(workload, range_list):
        pages = []

        def body():
            for r in range_list:
                pages.append(con.execute(
                    "SELECT * FROM users WHERE created_at >= ? AND created_at < ? ORDER BY created_at DESC LIMIT ?",
                    [r["lo_ms"], r["hi_ms"], W3_LIMIT]).fetchall())
        seconds = timed(body)
        exact = sample_indexes(len(range_list))
        for i, (r, page) in enumerate(zip(range_list, pages)):
            check_page(dataset, sorted_values, r, [row[5] for row in page], i in exact)
        rec.measured(workload, len(range_list), seconds)

    create(indexes=False)
    rec.measured("W1-noidx", dataset.size, timed(insert))
    count_check("W1-noidx")
    lookups("W2-scan", keys["W2"]["keys"][:scan_ops])
    ranges("W3-scan", keys["W3"]["ranges"][:scan_ops])

    # W4 runs on the table with only its `_id` index, as Docket's collection has today, so every system does the
    # same work: no secondary index to maintain on an update (issue 7, item 14). The indexed table is built after.
    statements = {
        "W4a": ("UPDATE users SET status = ? WHERE _id = ? AND status IS DISTINCT FROM ?", "status"),
        "W4b": ("UPDATE users SET teams = list_concat([struct_pack(id := teams[1].id, name := teams[1].name, "
                "role := ?::VARCHAR)], teams[2:]) WHERE _id = ? AND teams[1].role IS DISTINCT FROM ?",
                "teams[1].role"),
    }
    for workload, (field, values) in W4_FIELDS.items():
        sql, column = statements[workload]
        key_list = keys[workload]["keys"][:caps.get("W4", None)]
        args = [[values[(k["v"] + run) % 3], k["_id"], values[(k["v"] + run) % 3]] for k in key_list]
        modified = 0

        def body():
            nonlocal modified
            for a in args:
                modified += con.execute(sql, a).fetchone()[0]
        seconds = timed(body)
        expected, final = dataset.replay(workload, key_list, run)
        if modified != expected:
            raise VerificationError(f"{workload}: {modified} rows changed, the replay says {expected}")
        for i in list(final)[:200]:
            got = con.execute(f"SELECT {column} FROM users WHERE _id = ?", [dataset.object_id(i)]).fetchone()[0]
            if got != final[i]:
                raise VerificationError(f"{workload}: document {i} has {got}, expected {final[i]}")
        rec.measured(workload, len(key_list), seconds, modified=modified)

    create(indexes=True)
    rec.measured("W1", dataset.size, timed(insert))
    count_check("W1")
    lookups("W2", keys["W2"]["keys"][:caps.get("W2", None)])
    ranges("W3", keys["W3"]["ranges"][:caps.get("W3", None)])


    result = []

    def w5():
        result[:] = con.execute(
            "SELECT t.id AS team, count(*) AS c FROM (SELECT unnest(teams) AS t FROM users WHERE created_at >= ?) "
            "GROUP BY team ORDER BY c DESC LIMIT 10", [W5_CUTOFF_MS]).fetchall()
    seconds = timed(w5)
    if [row[1] for row in result] != dataset.expected_w5_counts():
        raise VerificationError(f"W5: counts {[row[1] for row in result]} differ from the brute-force counts")
    rec.measured("W5", 1, seconds)

    # W8: the normalized form, built untimed inside DuckDB from the same rows, with the seed's primary keys.
    con.execute("CREATE TABLE memberships(user_id VARCHAR NOT NULL, team_id INTEGER NOT NULL, role VARCHAR NOT NULL, "
                "PRIMARY KEY (user_id, team_id))")
    con.execute("INSERT INTO memberships SELECT _id, t.id, t.role FROM (SELECT _id, unnest(teams) AS t FROM users)")
    con.execute("CREATE TABLE teams(id INTEGER PRIMARY KEY, name VARCHAR NOT NULL)")
    con.execute("INSERT INTO teams SELECT DISTINCT t.id, t.name FROM (SELECT unnest(teams) AS t FROM users)")

    def w8():
        result[:] = con.execute(
            "SELECT u.email, t.name, m.role FROM users AS u JOIN memberships AS m ON m.user_id = u._id "
            "JOIN teams AS t ON t.id = m.team_id WHERE u.created_at >= ?", [W8_CUTOFF_MS]).fetchall()
    seconds = timed(w8)
    dataset.check_w8(result)
    rec.measured("W8", 1, seconds, rows=len(result))
    rec.unavailable("W7", "not part of this comparison yet (Docket has no persistence to compare)")
    return rec.finish()


# ---------------------------------------------------------------- mongomock


def run_mongomock(dataset, run, scan_ops, caps):
    import mongomock

    rec = Recorder("mongomock", dataset.size, run)
    rec.result["details"] = {"mongomock_version": getattr(mongomock, "__version__", "?")}
    keys = dataset.keys
    sorted_values = dataset.sorted_created_at()
    docs = dataset.docs
    client = mongomock.MongoClient()

    def insert(collection, documents):
        for start in range(0, len(documents), 1000):
            collection.insert_many([dict(d) for d in documents[start:start + 1000]])

    users = client.bench.users
    rec.measured("W1-noidx", dataset.size, timed(lambda: insert(users, docs)))
    if users.count_documents({}) != dataset.size:
        raise VerificationError("W1-noidx: wrong count")

    key_list = keys["W2"]["keys"][:min(scan_ops, caps["scan"])]

    def w2():
        for k in key_list:
            # The same stopping rule as SQLite's and DuckDB's `LIMIT 2`: scan on for a second match.
            found = list(users.find({"email": k["email"]}).limit(2))
            if len(found) != 1 or found[0]["_id"] != dataset.object_id(k["i"]):
                raise VerificationError(f"W2: lookup of {k['email']} failed")
    rec.measured("W2-scan", len(key_list), timed(w2))

    range_list = keys["W3"]["ranges"][:min(scan_ops, caps["scan"])]
    pages = []

    def w3():
        for r in range_list:
            pages.append(list(users.find({"created_at": {"$gte": r["lo_ms"], "$lt": r["hi_ms"]}})
                              .sort("created_at", -1).limit(W3_LIMIT)))
    seconds = timed(w3)
    for r, page in zip(range_list, pages):
        check_page(dataset, sorted_values, r, [d["created_at"] for d in page], True)
    rec.measured("W3-scan", len(range_list), seconds)

    for workload, (field, values) in W4_FIELDS.items():
        key_list = keys[workload]["keys"][:caps["W4"]]
        matched = modified = 0

        def body():
            nonlocal matched, modified
            for k in key_list:
                r = users.update_one({"_id": k["_id"]}, {"$set": {field: values[(k["v"] + run) % 3]}})
                matched += r.matched_count == 1
                modified += r.modified_count
        seconds = timed(body)
        expected, _ = dataset.replay(workload, key_list, run)
        if matched != len(key_list) or modified != expected:
            raise VerificationError(f"{workload}: matched {matched}, modified {modified}, replay says {expected}")
        rec.measured(workload, len(key_list), seconds, modified=modified)

    pipeline = [
        {"$match": {"created_at": {"$gte": W5_CUTOFF_MS}}}, {"$unwind": "$teams"},
        {"$group": {"_id": "$teams.id", "count": {"$sum": 1}}}, {"$sort": {"count": -1}}, {"$limit": 10},
    ]
    result = []
    seconds = timed(lambda: result.extend(users.aggregate(pipeline)))
    if [d["count"] for d in result] != dataset.expected_w5_counts():
        raise VerificationError("W5: counts differ from the brute-force counts")
    rec.measured("W5", 1, seconds)

    indexed = client.bench.indexed
    indexed.create_index("email", unique=True)
    indexed.create_index("created_at")
    subset = docs[:caps["W1"]]
    rec.measured("W1", len(subset), timed(lambda: insert(indexed, subset)))
    for workload in ("W2", "W3"):
        rec.unavailable(workload, "mongomock never uses indexes for queries: see the scan row")
    rec.unavailable("W7", "not part of this comparison yet")
    return rec.finish()


# ---------------------------------------------------------------- libbson


def run_libbson(binary, data_dir, size, run):
    rec = Recorder("libbson", size, run)
    out = json.loads(subprocess.run([binary, f"{data_dir}/users_{size}.bson"], check=True,
                                    stdout=subprocess.PIPE, text=True).stdout)
    if out["documents"] != size or out["valid"] != size or out["identical"] != size:
        raise VerificationError(f"libbson W6: {out}")
    rec.measured("W6-validate", size, out["validate_seconds"], valid=out["valid"])
    rec.measured("W6-decode", size, out["decode_seconds"], checksum=out["checksum"])
    rec.measured("W6-encode", size, out["encode_seconds"], bytes=out["encoded_bytes"])
    result = rec.finish()
    result["peak_rss_bytes"] = out["peak_rss_bytes"]
    return result
