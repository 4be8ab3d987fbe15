// Generates Tests/DocketBSONTests/Golden/shell-print.txt: seeded random BSON documents as canonical Extended JSON,
// each followed by the text mongosh prints for it (Node.js util.inspect with mongosh's BSON printers, emulated
// here for the types a document can hold). Run with Node.js 20: `node Tests/Scripts/shell_print_golden.js`.
'use strict';
const util = require('util');
const fs = require('fs');
const path = require('path');

let seed = 20240601;
function rand() {
  // xorshift32
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}
function pick(a) { return a[Math.floor(rand() * a.length)]; }

const custom = util.inspect.custom;
function wrapper(text, ejson) {
  return { [custom]: (depth, options, inspect) => text(options, inspect), __ejson: ejson };
}
const hexDigits = '0123456789abcdef';
function hex(n) { let s = ''; for (let i = 0; i < n; i++) s += hexDigits[Math.floor(rand() * 16)]; return s; }

function scalar() {
  switch (Math.floor(rand() * 14)) {
    case 0: { const v = Math.floor(rand() * 2000) - 1000; return [v, { $numberInt: String(v) }]; }
    case 1: { const v = pick([0.5, 1.5, -2.25, 1e21, 1e-7, 123456.789, 3, 1 / 3, 1e15, 2 ** 53]);
      return [v, { $numberDouble: String(v) }]; }
    case 2: { const s = pick(['Ada', 'it\'s', 'a "q"', 'line\nbreak', 'Backend', 'x'.repeat(30), 'tab\t', '', 'émile']);
      return [s, s]; }
    case 3: { const b = rand() < 0.5; return [b, b]; }
    case 4: return [null, null];
    case 5: { const h = hex(24); return [wrapper((o, i) => `ObjectId(${i(h, o)})`), { $oid: h }]; }
    case 6: { const v = String(Math.floor(rand() * 1e12)); return [wrapper((o, i) => `Long(${i(v, o)})`), { $numberLong: v }]; }
    case 7: { const v = pick(['1.5', '0.1', '1E+3', '-0']); return [wrapper((o, i) => `Decimal128(${i(v, o)})`), { $numberDecimal: v }]; }
    case 8: { const ms = 1577836800000 + Math.floor(rand() * 1e11); const d = new Date(ms);
      return [wrapper(() => `ISODate('${d.toISOString()}')`), { $date: { $numberLong: String(ms) } }]; }
    case 9: { const t = Math.floor(rand() * 1e9), inc = Math.floor(rand() * 10);
      return [wrapper((o, i) => `Timestamp({ t: ${i(t, o)}, i: ${i(inc, o)} })`), { $timestamp: { t, i: inc } }]; }
    case 10: { const h = hex(32); const u = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      return [wrapper(() => `UUID('${u}')`), { $binary: { base64: Buffer.from(h, 'hex').toString('base64'), subType: '04' } }]; }
    case 11: { const b64 = Buffer.from(hex(6), 'hex').toString('base64');
      return [wrapper((o, i) => `Binary.createFromBase64(${i(b64, o)}, ${i(0, o)})`), { $binary: { base64: b64, subType: '00' } }]; }
    case 12: return [wrapper(() => 'MinKey()'), { $minKey: 1 }];
    default: return [wrapper(() => 'MaxKey()'), { $maxKey: 1 }];
  }
}
const keys = ['_id', 'name', 'email', 'teams', 'role', 'a', 'b', 'created_at', 'first name', '1', 'x-y', 'settings', 'n'];
function value(depth) {
  const r = rand();
  if (depth < 4 && r < 0.15) return doc(depth + 1);
  if (depth < 4 && r < 0.3) {
    const n = Math.floor(rand() * (rand() < 0.2 ? 40 : 6));
    const numeric = rand() < 0.4;
    const js = [], ej = [];
    for (let i = 0; i < n; i++) {
      const [j, e] = numeric ? (() => { const v = Math.floor(rand() * 300); return [v, { $numberInt: String(v) }]; })() : value(depth + 1);
      js.push(j); ej.push(e);
    }
    return [js, ej];
  }
  return scalar();
}
function doc(depth) {
  const n = Math.floor(rand() * 7);
  const js = {}, ej = {};
  const used = new Set();
  for (let i = 0; i < n; i++) {
    const k = pick(keys);
    if (used.has(k) || /^\d+$/.test(k)) continue; // integer-like keys reorder in JavaScript objects
    used.add(k);
    const [j, e] = value(depth);
    js[k] = j; ej[k] = e;
  }
  return [js, ej];
}
let out = '';
for (let i = 0; i < 400; i++) {
  const [js, ej] = doc(0);
  out += JSON.stringify(ej) + '\n' + util.inspect(js, { depth: Infinity, maxArrayLength: Infinity, breakLength: 80, compact: 3 }) + '\n\u0000\n';
}
fs.writeFileSync(path.join(__dirname, '..', 'DocketBSONTests', 'Golden', 'shell-print.txt'), out);
