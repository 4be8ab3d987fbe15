// Queries and updates on the seed's users: by email, by team, with projections and sorts, a positional update inside
// the embedded teams, and the normalized join done with one $in batch instead of N+1 queries.
//
//   swift run docket Examples/scripts/queries.js

load('seed.js');

// A lookup by email (an index on email comes with the indexes issue; today it is a scan).
const grace = db.users.findOne({ email: 'grace@example.com' }, { _id: 0, name: 1, teams: 1 });
print('grace:', grace);

// Users of a team: a dotted path matches any element of the teams array.
print('DevOps members:', db.users.find({ 'teams.id': 2 }, { _id: 0, name: 1 }).sort({ name: 1 }).map((u) => u.name).toArray());

// Admins of any team, with $elemMatch so id and role hold for the same team.
const admins = db.users.find({ teams: { $elemMatch: { role: 'admin' } } }).sort({ email: 1 }).toArray();
print('admins:', admins.map((u) => u.email).join(', '));

// Counting and distinct values.
print('users with no team:', db.users.countDocuments({ teams: { $size: 0 } }));
print('roles in use:', db.users.distinct('teams.role'));

// Promote Grace inside her embedded team: `teams.$` is the element the filter matched.
const promoted = db.users.updateOne({ email: 'grace@example.com', 'teams.id': 2 }, { $set: { 'teams.$.role': 'admin' } });
print('promoted:', promoted.matchedCount, 'matched,', promoted.modifiedCount, 'modified');
print('grace now:', db.users.findOne({ email: 'grace@example.com' }).teams);

// Everyone in the light theme switches to dark; everyone gets a login counter.
const themes = db.users.updateMany({ 'settings.theme': 'light' }, { $set: { 'settings.theme': 'dark' } });
db.users.updateMany({}, { $inc: { logins: 1 } });
print('themes changed:', themes.modifiedCount, '| dark now:', db.users.countDocuments({ 'settings.theme': 'dark' }));

// The normalized model: the teams of the first three people, N+1 style (one query per person) …
const firstPeople = db.people.find({}, { name: 1 }).sort({ _id: 1 }).limit(3).toArray();
let queries = 0;
for (const person of firstPeople) {
  const rows = db.memberships.find({ user_id: person._id }).toArray();
  queries += 1;
  person.teamCount = rows.length;
}
print(`N+1: ${queries + 1} queries for ${firstPeople.length} people`);

// … and with one $in batch: 2 queries whatever the number of people.
const ids = firstPeople.map((p) => p._id);
const rows = db.memberships.find({ user_id: { $in: ids } }, { _id: 0, user_id: 1, team_id: 1, role: 1 }).toArray();
const teamNames = Object.fromEntries(db.teams.find().toArray().map((t) => [t._id, t.name]));
for (const person of firstPeople) {
  const mine = rows.filter((r) => r.user_id.equals(person._id)).map((r) => `${teamNames[r.team_id]} (${r.role})`);
  print(`${person.name}: ${mine.join(', ') || 'no team'}`);
}
print('$in batch: 2 queries');
