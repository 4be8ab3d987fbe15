// The shell's speed check (Benchmarks/Shell/speed.sh): 100,000 documents inserted one insertOne call at a time.
const n = 100000;
for (let i = 0; i < n; i++) {
  db.items.insertOne({ i: i, name: 'user' + i, tags: ['a', 'b'], active: i % 2 === 0 });
}
print(db.items.countDocuments());
