#!/usr/bin/python3
# Reference values for tests/unit/test_ml_track.c, recorded from Debian's
# Python 3 and PyYAML 6.0 (the yaml module MLflow writes meta.yaml with).
#
# Rerun:  /usr/bin/python3 tests/ml/track_ref.py > /tmp/track_ref.inc
# and paste the two tables into tests/unit/test_ml_track.c.
#
#   float_cases: repr(float) of each value (MLflow writes metric values as
#                f"{value}"), the value given as a C hex-float literal so
#                the C side starts from the identical double.
#   yaml_cases:  yaml.safe_dump({'k': s}, default_flow_style=False,
#                allow_unicode=True, sort_keys=True), i.e. MLflow's
#                write_yaml, for strings that need quoting or folding.
import math
import random
import struct
import sys

import yaml


def c_str(s):
    out = []
    for b in s.encode('utf-8'):
        c = chr(b)
        if c == '"' or c == '\\':
            out.append('\\' + c)
        elif c == '\n':
            out.append('\\n')
        elif c == '\t':
            out.append('\\t')
        elif 0x20 <= b < 0x7f:
            out.append(c)
        else:
            out.append('\\%03o' % b)
    return '"' + ''.join(out) + '"'


def c_double(v):
    if math.isnan(v):
        return 'NAN'
    if math.isinf(v):
        return 'INFINITY' if v > 0 else '-INFINITY'
    return v.hex()


values = [0.9333333333333333, 0.9326599326599326, 100.0, 1e-05, 0.0001, 0.00012345, 1e16, 1e15,
          9999999999999998.0, 123456789012345678.0, 0.1, 1 / 3, 2 / 3, 0.0, -0.0, 5e-324, 2.2250738585072014e-308,
          1.7976931348623157e308, float('nan'), float('inf'), float('-inf'), 1.5, -2.5, 9007199254740993.0,
          0.30000000000000004, 1e22, 1e-7, 123.456, 1234567890123456.7, 12345678901234567.0, math.sqrt(2),
          math.pi, -math.e, 42.0, 1e100, 1.25e-300, 0.5, 3.0e-5, 4.35e-5, 65536.0, 1e-4 * 3]
# powers of two, where the shortest decimal is not always the nearest one
values += [2.0 ** k for k in (-1074, -1017, -1007, -957, -921, -808, -791, -788, -705, -695, -60, -20, 0, 53, 60, 100, 1023)]
rng = random.Random(20241113)
for _ in range(40):
    bits = rng.getrandbits(64)
    v = struct.unpack('<d', struct.pack('<Q', bits))[0]
    if math.isfinite(v):
        values.append(v)
for _ in range(20):
    values.append(rng.uniform(-1000, 1000))

strings = ['0', 'true', 'null', 'None', '1e5', '1.0e+5', '1.5', '.inf', '-.5', '2024-01-01', '2001-12-14t21:59:43.10-05:00',
           '1:30', '0x1F', '0o7', '07', '1_000', '~', 'yes', 'On', 'NO', 'y', '=', '<<', '', 'a: b', 'a:b', 'a #b', 'a#b',
           '#x', '  lead', 'trail ', '-', '- a', '-a', '? a', ':a', '---x', '...', '[a]', '{a}', 'a,b', '@x', '`x', '%x',
           '!x', '&x', '*x', '|x', '>x', "'x", '"x', "it's", 'a "q"', 'a\\b', 'héllo wörld', '日本語', '😀 emoji',
           'a\nb', 'a\n\nb', 'a\tb', 'a\x7fb', '\ufeffbom', 'line\u2028sep', '\xa0nbsp',
           'file:///Users/muskaanjain/MLOps_CA_2/mlruns/853099972095872099',
           ' '.join(['word'] * 30), 'a' * 85 + ' b c', 'x' * 100,
           "quote's " * 12, 'tab\t' + 'w ' * 45]

print('static const struct { double v; const char *repr; } float_cases[] = {')
for v in values:
    print('\t{%s, %s},' % (c_double(v), c_str(repr(v))))
print('};')
print()
print('static const struct { const char *s, *yaml; } yaml_cases[] = {')
for s in strings:
    d = yaml.safe_dump({'k': s}, default_flow_style=False, allow_unicode=True, sort_keys=True)
    assert yaml.safe_load(d) == {'k': s}
    print('\t{%s, %s},' % (c_str(s), c_str(d)))
print('};')
sys.stdout.flush()
