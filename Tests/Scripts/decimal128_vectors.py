#!/usr/bin/env python3
"""Generates Tests/DocketBSONTests/Decimal128ArithmeticVectors.swift: Decimal128 test vectors computed with
Python's `decimal` module (libmpdec), an implementation independent of Docket's.

Usage: python3 Tests/Scripts/decimal128_vectors.py > Tests/DocketBSONTests/Decimal128ArithmeticVectors.swift

The context is IEEE 754 decimal128 with round-half-even, as MongoDB's Intel library uses it:
Context(prec=34, Emin=-6143, Emax=6144, rounding=ROUND_HALF_EVEN, clamp=1) with no traps, so an overflow
gives Infinity and an underflow rounds at exponent -6176.

Lines: `add A B R`, `sub A B R`, `mul A B R` (R = A op B), and `f15 D R` (R = MongoDB's
Decimal128(D, kRoundTo15Digits) for the double whose shortest repr is D, following the algorithm of
mongo/platform/decimal128.cpp: convert to 34 digits, then quantize to exponent estimate-15, estimate-16).
The output is deterministic (fixed seed).
"""
import decimal
import math
import random
import struct
from decimal import Decimal

CTX = decimal.Context(prec=34, Emin=-6143, Emax=6144, rounding=decimal.ROUND_HALF_EVEN, clamp=1, traps=[])
MIN_EXP, MAX_EXP = -6176, 6111
rng = random.Random(0x5EED_DEC128)


def coefficient():
    kind = rng.random()
    if kind < 0.08:
        return 0
    if kind < 0.16:
        return 10 ** rng.randint(0, 33) - (1 if rng.random() < 0.5 else 0) or 1
    if kind < 0.24:
        return 5 * 10 ** rng.randint(0, 33) // (1 if rng.random() < 0.5 else 10) or 5
    digits = rng.choice([1, 2, 3, 5, 8, 15, 16, 17, 20, 30, 33, 34, 34, 34] + list(range(1, 35)))
    return rng.randint(10 ** (digits - 1), 10 ** digits - 1)


def exponent_near(center, spread):
    return max(MIN_EXP, min(MAX_EXP, center + rng.randint(-spread, spread)))


def make(coeff, exp, negative=None):
    sign = rng.random() < 0.5 if negative is None else negative
    return Decimal((1 if sign else 0, tuple(int(c) for c in str(coeff)), exp))


def random_exponent():
    kind = rng.random()
    if kind < 0.5:
        return rng.randint(-40, 10)
    if kind < 0.65:
        return rng.randint(MAX_EXP - 40, MAX_EXP)
    if kind < 0.8:
        return rng.randint(MIN_EXP, MIN_EXP + 40)
    return rng.randint(MIN_EXP, MAX_EXP)


def add_operands():
    a = make(coefficient(), random_exponent())
    kind = rng.random()
    if kind < 0.35:
        # Nearby exponents: carries, cancellation, exact results.
        b = make(coefficient(), exponent_near(int(a.as_tuple().exponent), 6))
    elif kind < 0.55:
        # Around the boundary where the smaller operand only contributes a sticky digit.
        b = make(coefficient(), exponent_near(int(a.as_tuple().exponent) - 38, 8))
    elif kind < 0.62:
        # Ties and near-ties just below a 34-digit operand, with and without a borrow and a sticky tail.
        a = make(rng.choice([10 ** 33, 10 ** 34 - 1, coefficient() or 1]), rng.randint(-60, 20))
        t = a.as_tuple()
        head = rng.choice([5, 49, 50, 51, 499, 500, 501, 4999, 5000, 5001])
        tail = rng.randint(0, 3) * 10 ** rng.randint(0, 4)
        c = head * 10 ** rng.randint(0, 5) + tail
        top = t.exponent + len(t.digits) - 34  # exponent of a's last digit once rounded to 34 digits
        b = make(c, max(MIN_EXP, top - len(str(c)) + rng.randint(-1, 1)))
    elif kind < 0.7:
        # Near-cancellation: b = -a plus a small change.
        t = a.as_tuple()
        c = int("".join(map(str, t.digits))) + rng.randint(-3, 3)
        b = make(max(c, 0), t.exponent, negative=not t.sign)
    else:
        b = make(coefficient(), random_exponent())
    return (a, b) if rng.random() < 0.5 else (b, a)


def mul_operands():
    a = make(coefficient(), random_exponent())
    ea = int(a.as_tuple().exponent)
    kind = rng.random()
    if kind < 0.3:
        target = rng.randint(MAX_EXP - 70, MAX_EXP + 40)  # overflow and clamping
    elif kind < 0.6:
        target = rng.randint(MIN_EXP - 75, MIN_EXP + 10)  # underflow and subnormal rounding
    else:
        target = ea + rng.randint(-60, 60)
    eb = max(MIN_EXP, min(MAX_EXP, target - ea))
    return a, make(coefficient(), eb)


def mongo_15_digits(x):
    d34 = CTX.create_decimal(Decimal(x))
    if x == 0 or math.isinf(x) or math.isnan(x):
        return d34
    _, e2 = math.frexp(x)
    e10 = abs(e2) * 30103 // 100000
    e10 = e10 if e2 >= 0 else -e10  # C++ truncates toward zero
    if e2 >= 0:
        e10 += 1
    for _ in range(2):
        q = d34.quantize(Decimal((0, (1,), e10 - 15)), rounding=decimal.ROUND_HALF_EVEN, context=CTX)
        c = int("".join(map(str, q.as_tuple().digits)))
        if 10 ** 14 <= c <= 10 ** 15 - 1:
            return q
        e10 -= 1
    raise AssertionError(f"no 15-digit quantization for {x!r}")


def doubles():
    values = [0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 1e15, 1e16, 1e20, 123.456, 1 / 3, 2.0 ** 53, 5e-324, 2.2250738585072014e-308,
              1.7976931348623157e308, 9.999999999999998, 0.09999999999999999, 99999999999999.99, 999999999999999.9]
    for k in range(-323, 309, 3):
        p = float(f"1e{k}")
        values += [p, math.nextafter(p, 0), math.nextafter(p, math.inf)]
    while len(values) < 500:
        bits = rng.getrandbits(64) & 0x7FEF_FFFF_FFFF_FFFF
        values.append(struct.unpack("<d", bits.to_bytes(8, "little"))[0])
    return [v if rng.random() < 0.7 else -v for v in values]


def main():
    lines = []
    for _ in range(1000):
        a, b = add_operands()
        lines.append(f"add {a} {b} {CTX.add(a, b)}")
    for _ in range(200):
        a, b = add_operands()
        lines.append(f"sub {a} {b} {CTX.subtract(a, b)}")
    for _ in range(1000):
        a, b = mul_operands()
        lines.append(f"mul {a} {b} {CTX.multiply(a, b)}")
    for x in doubles():
        lines.append(f"f15 {x!r} {mongo_15_digits(x)}")
    print("// Generated by Tests/Scripts/decimal128_vectors.py from Python's decimal module; do not edit.")
    print("// swift-format-ignore-file")
    print()
    print("/// Decimal128 add/sub/mul and 15-digit double conversion vectors, one per line: `op A B result`.")
    print('let decimal128ArithmeticVectors = """')
    for line in lines:
        print(line)
    print('"""')


main()
