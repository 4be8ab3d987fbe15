// Cursor-based pagination (the seed's checklist: "cursor-based for large sets"): pages by _id range, which stay
// correct and cheap as the collection grows, next to skip/limit, which re-reads every skipped document.
//
//   swift run docket Examples/scripts/pagination.js

db.events.drop();
for (let i = 1; i <= 23; i++) {
  db.events.insertOne({ _id: i, kind: i % 3 === 0 ? 'deploy' : 'login', at: new Date(Date.UTC(2024, 0, i)) });
}

const pageSize = 5;

// Page by _id: remember the last _id and ask for the next ones.
function page(after) {
  const filter = after === undefined ? {} : { _id: { $gt: after } };
  return db.events.find(filter, { kind: 1 }).sort({ _id: 1 }).limit(pageSize).toArray();
}
let last;
let number = 0;
while (true) {
  const docs = page(last);
  if (docs.length === 0) break;
  number += 1;
  print(`page ${number}:`, docs.map((d) => `${d._id}:${d.kind}`).join(' '));
  last = docs[docs.length - 1]._id;
}

// The same with a filter: only deploys, newest first, by `at`.
let before = new Date(Date.UTC(2025, 0, 1));
for (let p = 1; ; p++) {
  const docs = db.events.find({ kind: 'deploy', at: { $lt: before } }).sort({ at: -1 }).limit(3).toArray();
  if (docs.length === 0) break;
  print(`deploys ${p}:`, docs.map((d) => d.at.toISOString().slice(0, 10)).join(' '));
  before = docs[docs.length - 1].at;
}

// skip/limit gives the same pages, but page n scans n × pageSize documents first.
const third = db.events.find().sort({ _id: 1 }).skip(2 * pageSize).limit(pageSize).toArray();
print('page 3 by skip:', third.map((d) => d._id).join(' '));

// A cursor can also be walked by hand.
const cursor = db.events.find({ kind: 'deploy' }).sort({ _id: -1 });
const firstTwo = [cursor.next()._id, cursor.next()._id];
print('newest deploys:', firstTwo, '| more:', cursor.hasNext());
