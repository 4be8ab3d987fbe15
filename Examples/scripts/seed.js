// Seeds the seed's data model in the current database, deterministically: users with their teams embedded, and the
// normalized alternative (users, teams, memberships).
//
//   swift run docket Examples/scripts/seed.js
//
// Other scripts load() it. Running it again starts over.

const teams = [
  { _id: 1, name: 'Backend', created_at: ISODate('2024-01-10T09:00:00Z') },
  { _id: 2, name: 'DevOps', created_at: ISODate('2024-02-01T09:00:00Z') },
  { _id: 3, name: 'Frontend', created_at: ISODate('2024-03-15T09:00:00Z') },
  { _id: 4, name: 'Research', created_at: ISODate('2024-05-20T09:00:00Z') },
];
const people = [
  ['Ada Lovelace', 'ada@example.com', [[1, 'admin'], [2, 'member']]],
  ['Grace Hopper', 'grace@example.com', [[2, 'member']]],
  ['Alan Turing', 'alan@example.com', [[1, 'member'], [3, 'viewer']]],
  ['Edsger Dijkstra', 'edsger@example.com', []],
  ['Barbara Liskov', 'barbara@example.com', [[2, 'admin'], [3, 'member'], [4, 'member']]],
  ['Donald Knuth', 'don@example.com', [[4, 'admin']]],
  ['Margaret Hamilton', 'margaret@example.com', [[1, 'member'], [2, 'viewer']]],
  ['Dennis Ritchie', 'dennis@example.com', [[3, 'admin']]],
];

db.users.drop();
db.teams.drop();
db.memberships.drop();
db.people.drop();

// Embedded model: one document per user, teams inside, as the seed's MongoDB section designs it.
const day = 24 * 60 * 60 * 1000;
const users = people.map(([name, email, memberships], i) => ({
  _id: ObjectId.createFromTime(1717200000 + i),
  email,
  name,
  created_at: new Date(Date.UTC(2024, 5, 1) + i * day),
  teams: memberships.map(([id, role]) => ({ id, name: teams[id - 1].name, role })),
  settings: { notifications: i % 2 === 0, theme: i % 3 === 0 ? 'light' : 'dark' },
}));
db.users.insertMany(users);

// Normalized model: the seed's SQL tables as collections. `people` holds users without their teams.
db.teams.insertMany(teams);
db.people.insertMany(users.map(({ teams, settings, ...user }) => user));
db.memberships.insertMany(
  users.flatMap((user) => user.teams.map((team) => ({ user_id: user._id, team_id: team.id, role: team.role })))
);

print(`seeded ${db.users.countDocuments()} users (teams embedded), ${db.teams.countDocuments()} teams, ` +
  `${db.people.countDocuments()} people and ${db.memberships.countDocuments()} memberships (normalized)`);
