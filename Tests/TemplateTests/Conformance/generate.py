#!/usr/bin/env python3
"""Regenerates cases.json: every case rendered by real Jinja2 (pip install 'jinja2>=3.1,<3.2').

Each case is a template, a context and Jinja2's output (or the fact that Jinja2 raised). The Swift
conformance test renders the same template with the rops engine and compares byte for byte.
Run: python3 Tests/TemplateTests/Conformance/generate.py
"""
import json
import os

import jinja2
from jinja2 import Environment, StrictUndefined, Undefined

HERE = os.path.dirname(os.path.abspath(__file__))

CTX = {
    "name": "world", "n": 7, "f": 2.5, "neg": -3, "zero": 0, "t": True, "no": False, "nothing": None,
    "empty": "", "items": [3, 1, 2], "words": ["banana", "Apple", "cherry", "apple"],
    "users": [{"name": "ann", "age": 31, "active": True}, {"name": "bob", "age": 25, "active": False},
              {"name": "cy", "age": 40, "active": True}],
    "cfg": {"schema": "staging", "materialized": "table", "tags": ["a", "b"]},
    "pairs": [["a", 1], ["b", 2]], "nested": {"a": {"b": {"c": 42}}}, "text": "  Hello, World  ",
    "csv": "a,b,,c", "multiline": "one\ntwo\n\nfour", "unicode": "ünï ✓ 日本", "big": 12345678901,
    "floats": [1.5, 0.1, 2.25], "mixed": [1, "two", None, True, 2.5], "cols": ["id", "amount", "date"],
}

def host_functions():
    def ref(name, version=None):
        return '"analytics"."%s"' % name
    def source(src, table):
        return '"raw"."%s_%s"' % (src, table)
    def config(**kwargs):
        return ""
    def var(name, default=None):
        values = {"start_date": "2010-01-01", "threshold": 100}
        if name in values:
            return values[name]
        if default is None:
            raise jinja2.exceptions.UndefinedError("var %s" % name)
        return default
    return {"ref": ref, "source": source, "config": config, "var": var}

def encode(value):
    if value is None:
        return {"n": None}
    if isinstance(value, bool):
        return {"b": value}
    if isinstance(value, int):
        return {"i": value}
    if isinstance(value, float):
        return {"f": value}
    if isinstance(value, str):
        return {"s": value}
    if isinstance(value, tuple):
        return {"t": [encode(v) for v in value]}
    if isinstance(value, list):
        return {"l": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"d": [[k, encode(v)] for k, v in value.items()]}
    raise TypeError(value)

CASES = []

def case(name, template, strict=True, hosts=False, keep_newline=False, context=None):
    CASES.append(dict(name=name, template=template, strict=strict, hosts=hosts, keep_newline=keep_newline,
                      context=context))

# --- whitespace and syntax -------------------------------------------------------------------------
W = [
    ("plain text", "hello"), ("trailing newline dropped", "line\n"), ("two trailing newlines", "line\n\n"),
    ("crlf normalised", "a\r\nb\r\n"), ("var", "{{ name }}"), ("var no spaces", "{{name}}"),
    ("comment", "a{# hidden #}b"), ("comment multiline", "a{# one\ntwo #}b"),
    ("strip left var", "a   \n  {{- name }}"), ("strip right var", "{{ name -}}  \n  b"),
    ("strip both var", "a \n {{- name -}} \n b"), ("strip comment left", "a  \n{#- c #}b"),
    ("strip comment right", "a{# c -#}\n\n  b"), ("block keeps newline", "{% if t %}\nyes\n{% endif %}\nafter"),
    ("block strip left", "x  \n  {%- if t %}y{% endif %}"), ("block strip right", "{% if t -%}\n   y{% endif %}"),
    ("block strip both", "a\n{%- if t -%}\n b \n{%- endif -%}\n c"), ("plus modifier", "a\n  {%+ if t %}b{% endif %}"),
    ("set line leaves newline", "{% set x = 1 %}\n{{ x }}"), ("set stripped", "{%- set x = 1 -%}\n{{ x }}"),
    ("for newlines", "{% for i in items %}\n{{ i }}\n{% endfor %}"),
    ("for stripped", "{% for i in items -%}\n{{ i }}\n{%- endfor %}"),
    ("for inline", "{% for i in items %}{{ i }},{% endfor %}"),
    ("indented blocks", "select\n    {% for c in cols %}\n    {{ c }}{% if not loop.last %},{% endif %}\n    {% endfor %}\nfrom t"),
    ("indented blocks stripped", "select\n    {%- for c in cols %}\n    {{ c }}{% if not loop.last %},{% endif %}\n    {%- endfor %}\nfrom t"),
    ("raw block", "{% raw %}{{ not rendered }}{% endraw %}"), ("raw block ws", "a {%- raw -%}  {{x}}  {%- endraw -%} b"),
    ("raw with percent", "{% raw %}{% if %}{% endraw %}"), ("lone braces", "{ not a tag } and }} and %}"),
    ("brace then percent text", "50% {x}"), ("nested dict in var", "{{ {'a': {'b': 1}}['a']['b'] }}"),
    ("string with tag end", "{{ '}}' ~ '%}' }}"), ("tabs and spaces", "\t{{ n }}\t"),
    ("only tag", "{% if t %}{% endif %}"), ("empty template", ""), ("newline only", "\n"),
    ("control chars", "a\x01b{{ '\\x07' }}c"), ("unicode text", "ünï {{ unicode }} ✓"),
    ("multiple trailing ws", "x{{ n }}   \n\n"), ("comment then newline", "{# c #}\nx"),
    ("whitespace before endfor", "{% for i in [1,2] %} {{ i }} {% endfor %}"),
    ("nested strip", "{% for i in [1,2] -%}\n  {% if i > 1 -%}\n    big\n  {%- else -%}\n    small\n  {%- endif %}\n{% endfor %}"),
]
for n, t in W:
    case("ws: " + n, t)
case("ws: keep trailing newline", "line\n", keep_newline=True)
case("ws: keep two trailing newlines", "line\n\n", keep_newline=True)

# --- literals and expressions ----------------------------------------------------------------------
E = [
    "{{ 'single' }}", '{{ "double" }}', "{{ 'it\\'s' }}", '{{ "say \\"hi\\"" }}', "{{ 'tab\\tnew\\nline' }}",
    "{{ 'a' 'b' }}", "{{ 42 }}", "{{ -7 }}", "{{ 1_000 }}", "{{ 3.14 }}", "{{ 1e3 }}", "{{ 2.5e-3 }}",
    "{{ 1.0 }}", "{{ 0.1 + 0.2 }}", "{{ 1e16 }}", "{{ 1e15 }}", "{{ 123456789.123 }}", "{{ 1/3 }}",
    "{{ true }}", "{{ True }}", "{{ false }}", "{{ none }}", "{{ None }}", "{{ [1, 'a', none, true, 2.5] }}",
    "{{ [] }}", "{{ (1,) }}", "{{ (1, 2) }}", "{{ () }}", "{{ {'a': 1, 'b': [2]} }}", "{{ {} }}",
    "{{ ['it\\'s'] }}", "{{ ['q\"'] }}", "{{ [\"mixed'\\\"\"] }}", "{{ {1: 'one'} }}",
    "{{ 7 + 3 }}", "{{ 7 - 10 }}", "{{ 7 * 3 }}", "{{ 7 / 2 }}", "{{ 8 / 2 }}", "{{ 7 // 2 }}", "{{ -7 // 2 }}",
    "{{ 7 % 3 }}", "{{ -7 % 3 }}", "{{ 7 % -3 }}", "{{ 2 ** 10 }}", "{{ 2 ** -1 }}", "{{ 2 ** 3 ** 2 }}",
    "{{ 7.5 // 2 }}", "{{ -7.5 % 2 }}", "{{ 1 + 2 * 3 }}", "{{ (1 + 2) * 3 }}", "{{ -2 ** 2 }}",
    "{{ 'ab' * 3 }}", "{{ [1] * 3 }}", "{{ [1, 2] + [3] }}", "{{ 'a' + 'b' }}", "{{ 'a' ~ 1 ~ none }}",
    "{{ 1 ~ 2 + 3 }}", "{{ n ~ '-' ~ f }}", "{{ true + 1 }}", "{{ 1 == 1.0 }}", "{{ 1 != 2 }}", "{{ 1 < 2 < 3 }}",
    "{{ 3 > 2 > 2 }}", "{{ 'a' < 'b' }}", "{{ 'B' < 'a' }}", "{{ [1, 2] < [1, 3] }}", "{{ 2 >= 2 }}",
    "{{ 1 in [1, 2] }}", "{{ 3 not in [1, 2] }}", "{{ 'ell' in 'hello' }}", "{{ 'a' in {'a': 1} }}",
    "{{ not true }}", "{{ not 0 }}", "{{ true and 'x' }}", "{{ 0 or 'fallback' }}", "{{ none or [] or 'last' }}",
    "{{ '' and 1 }}", "{{ 'yes' if t else 'no' }}", "{{ 'yes' if no else 'no' }}", "{{ 'a' if t }}",
    "{{ 1 if no else 2 if t else 3 }}", "{{ not t or t }}", "{{ not (t and no) }}", "{{ -n }}", "{{ +n }}",
    "{{ -f }}", "{{ n > 5 and n < 10 }}", "{{ (1, 2) == (1, 2) }}", "{{ [1, 2] == [1, 2] }}",
    "{{ {'a': 1} == {'a': 1} }}", "{{ none == none }}", "{{ 0 == false }}", "{{ '1' == 1 }}",
    "{{ big * 1000 }}", "{{ 10 / 4 * 2 }}", "{{ 1 - 2 - 3 }}", "{{ 2 * 3 % 4 }}", "{{ 100 // 7 % 5 }}",
]
for i, t in enumerate(E):
    case("expr %03d: %s" % (i, t), t)

# --- variables, attributes, items, slices ----------------------------------------------------------
V = [
    "{{ name }}", "{{ cfg.schema }}", "{{ cfg['materialized'] }}", "{{ cfg.tags[1] }}", "{{ nested.a.b.c }}",
    "{{ nested['a']['b'].c }}", "{{ users[0].name }}", "{{ users[-1]['age'] }}", "{{ items[0] }}", "{{ items.1 }}",
    "{{ words[1:3] }}", "{{ words[::-1] }}", "{{ words[-2:] }}", "{{ name[1:] }}", "{{ name[::2] }}", "{{ name[-1] }}",
    "{{ items[:10] }}", "{{ pairs[0][1] }}", "{{ cfg.keys() | list }}", "{{ cfg.get('schema') }}",
    "{{ cfg.get('missing', 'dflt') }}", "{{ cfg.get('missing') }}", "{{ mixed }}", "{{ floats }}", "{{ big }}",
    "{{ unicode }}", "{{ nothing }}", "{{ t }}", "{{ f }}", "{{ zero }}",
]
for i, t in enumerate(V):
    case("var %03d: %s" % (i, t), t)

# --- filters ---------------------------------------------------------------------------------------
F = [
    "{{ name | upper }}", "{{ 'ABC' | lower }}", "{{ text | trim }}", "{{ 'xxhixx' | trim('x') }}",
    "{{ 'hello world' | capitalize }}", "{{ 'hello big-world (x)' | title }}", "{{ 'a-b-c' | replace('-', '_') }}",
    "{{ 'aaa' | replace('a', 'b', 2) }}", "{{ items | join(', ') }}", "{{ items | join }}", "{{ users | join(',', attribute='name') }}",
    "{{ missing | default('d') }}", "{{ nothing | default('d') }}", "{{ empty | default('d') }}", "{{ empty | default('d', true) }}",
    "{{ missing | d('short') }}", "{{ zero | default(5, boolean=true) }}", "{{ items | length }}", "{{ name | length }}",
    "{{ cfg | length }}", "{{ items | count }}", "{{ items | first }}", "{{ items | last }}", "{{ name | first }}",
    "{{ name | list }}", "{{ cfg | list }}", "{{ '42' | int }}", "{{ '4.7' | int }}", "{{ 'x' | int }}", "{{ 'x' | int(-1) }}",
    "{{ 'ff' | int(base=16) }}", "{{ 3.9 | int }}", "{{ '3.5' | float }}", "{{ 'x' | float }}", "{{ 3 | float }}",
    "{{ 12 | string }}", "{{ [1] | string }}", "{{ 2.5 | round }}", "{{ 3.5 | round }}", "{{ 2.675 | round(2) }}",
    "{{ 1.234 | round(1) }}", "{{ 1.25 | round(1, 'floor') }}", "{{ 1.21 | round(1, 'ceil') }}", "{{ 3 | round }}",
    "{{ -5 | abs }}", "{{ -2.5 | abs }}", "{{ words | unique | list }}", "{{ words | unique(case_sensitive=true) | list }}",
    "{{ words | sort }}", "{{ words | sort(reverse=true) }}", "{{ words | sort(case_sensitive=true) }}",
    "{{ users | sort(attribute='age') | map(attribute='name') | join(',') }}", "{{ items | sort }}",
    "{{ users | selectattr('active') | map(attribute='name') | list }}",
    "{{ users | rejectattr('active') | map(attribute='name') | list }}",
    "{{ users | selectattr('age', 'gt', 30) | map(attribute='name') | list }}",
    "{{ items | select('odd') | list }}", "{{ items | reject('odd') | list }}", "{{ [0, 1, '', 'a', none] | select | list }}",
    "{{ mixed | select('string') | list }}", "{{ mixed | reject('none') | list }}", "{{ items | map('string') | list }}",
    "{{ words | map('upper') | join(' ') }}", "{{ users | map(attribute='missing', default='?') | list }}",
    "{{ cfg | tojson }}", "{{ mixed | tojson }}", "{{ '<a & b>' | tojson }}", "{{ unicode | tojson }}",
    "{{ {'b': 1, 'a': [1, 2]} | tojson(indent=2) }}", "{{ 'it\\'s' | tojson }}", "{{ f | tojson }}",
    "{{ multiline | indent }}", "{{ multiline | indent(2, true) }}", "{{ multiline | indent(2, blank=true) }}",
    "{{ 'a\nb\n' | indent(3) }}", "{{ multiline | indent('> ') }}", "{{ '%s-%d' | format('x', 5) }}",
    "{{ '%05.1f' | format(3.14159) }}", "{{ '%(a)s' | format(a='named') }}", "{{ [3, 1, 2] | sum }}",
    "{{ users | sum(attribute='age') }}", "{{ items | min }}", "{{ items | max }}", "{{ words | max }}",
    "{{ items | reverse | list }}", "{{ name | reverse }}", "{{ 'a b  c' | wordcount }}", "{{ 'hi' | center(6) }}",
    "{{ cfg | items | list }}", "{{ {'b': 2, 'a': 1} | dictsort }}", "{{ '<b>' | e }}", "{{ '<b>' | escape }}",
    "{{ items | batch(2) | list }}", "{{ 'long sentence here for truncation test ok' | truncate(20) }}",
    "{{ name | upper | lower | capitalize }}", "{{ ' x ' | trim | length }}", "{{ -1 | abs }}", "{{ -(1) | abs }}",
    "{{ words | sort | first }}", "{{ cols | map('upper') | join(', ') }}", "{{ items | join(', ') | upper }}",
    "{{ none | string }}", "{{ true | string }}", "{{ users[0] | tojson }}", "{{ pairs | tojson }}",
    "{{ 3 | string | length }}", "{{ (1, 2) | list }}", "{{ {'a': 1} | tojson }}",
]
for i, t in enumerate(F):
    case("filter %03d: %s" % (i, t), t)

# --- tests -----------------------------------------------------------------------------------------
T = [
    "{{ name is defined }}", "{{ missing is defined }}", "{{ missing is undefined }}", "{{ nothing is none }}",
    "{{ name is none }}", "{{ name is string }}", "{{ n is string }}", "{{ n is number }}", "{{ f is number }}",
    "{{ t is number }}", "{{ n is integer }}", "{{ f is float }}", "{{ t is boolean }}", "{{ cfg is mapping }}",
    "{{ items is mapping }}", "{{ items is iterable }}", "{{ name is iterable }}", "{{ n is iterable }}",
    "{{ items is sequence }}", "{{ n is odd }}", "{{ n is even }}", "{{ 9 is divisibleby 3 }}", "{{ 9 is divisibleby(4) }}",
    "{{ 'abc' is lower }}", "{{ 'ABC' is upper }}", "{{ n is not none }}", "{{ n is not string }}",
    "{{ 2 is in [1, 2] }}", "{{ n is eq 7 }}", "{{ n is ne 7 }}", "{{ n is gt 5 }}", "{{ n is lt(5) }}",
    "{{ n is ge 7 }}", "{{ n is le 6 }}", "{{ t is true }}", "{{ no is false }}", "{{ none is sameas none }}",
    "{{ cfg.missing is defined }}", "{{ range is callable }}", "{{ name is callable }}",
    "{{ nothing is defined }}", "{{ 3 is number and 3 is not string }}",
]
for i, t in enumerate(T):
    case("test %03d: %s" % (i, t), t)

# --- methods ---------------------------------------------------------------------------------------
M = [
    "{{ name.upper() }}", "{{ 'ABC'.lower() }}", "{{ text.strip() }}", "{{ 'xxaxx'.strip('x') }}", "{{ text.lstrip() }}",
    "{{ text.rstrip() }}", "{{ csv.split(',') }}", "{{ 'a b  c'.split() }}", "{{ 'a,b,c'.split(',', 1) }}",
    "{{ 'a-b'.replace('-', '+') }}", "{{ name.startswith('wor') }}", "{{ name.endswith('x') }}",
    "{{ name.startswith(('x', 'w')) }}", "{{ ', '.join(cols) }}", "{{ '{} and {}'.format('a', 'b') }}",
    "{{ '{0}{1}{0}'.format('x', 'y') }}", "{{ '{name}!'.format(name='hi') }}", "{{ '{:>5}|'.format('ab') }}",
    "{{ '{:.2f}'.format(f) }}", "{{ '{:,}'.format(big) }}", "{{ '{:05d}'.format(42) }}", "{{ '{:^7}'.format('mid') }}",
    "{{ cfg.items() | list }}", "{{ cfg.keys() | list }}", "{{ cfg.values() | list | length }}",
    "{{ 'hello world'.title() }}", "{{ 'hello'.capitalize() }}", "{{ 'hello'.find('l') }}", "{{ 'hello'.count('l') }}",
    "{{ '123'.isdigit() }}", "{{ 'abc'.isalpha() }}", "{{ '42'.zfill(5) }}", "{{ multiline.splitlines() }}",
    "{% set l = [1] %}{% do l.append(2) %}{{ l }}", "{% set l = [1] %}{% do l.extend([2, 3]) %}{{ l }}",
    "{% set l = [1, 2, 3] %}{{ l.pop() }}{{ l }}", "{% set l = [1, 2, 3] %}{{ l.pop(0) }}{{ l }}",
    "{% set l = [3, 1] %}{% do l.insert(0, 9) %}{{ l }}", "{% set l = [1, 2, 1] %}{{ l.count(1) }}{{ l.index(2) }}",
    "{% set d = {'a': 1} %}{% do d.update({'b': 2}) %}{{ d }}", "{% set d = {'a': 1} %}{% do d.update(c=3) %}{{ d }}",
    "{% set d = {'a': 1} %}{{ d.pop('a') }}{{ d }}", "{% set d = {} %}{{ d.setdefault('k', 5) }}{{ d }}",
    "{% set l = [1, 2] %}{% set m = l %}{% do m.append(3) %}{{ l }}",
]
for i, t in enumerate(M):
    case("method %03d: %s" % (i, t), t)

# --- statements ------------------------------------------------------------------------------------
S = [
    "{% set x = 5 %}{{ x }}", "{% set a, b = 1, 2 %}{{ a }}-{{ b }}", "{% set a, b = pairs[0] %}{{ a }}{{ b }}",
    "{% set x %}block {{ name }}{% endset %}[{{ x }}]", "{% set x | upper %}shout{% endset %}{{ x }}",
    "{% set x = [1, 2] %}{% set x = x + [3] %}{{ x }}", "{% if n > 5 %}big{% elif n > 2 %}mid{% else %}small{% endif %}",
    "{% if zero %}a{% elif empty %}b{% else %}c{% endif %}", "{% if t %}{% if no %}x{% else %}y{% endif %}{% endif %}",
    "{% for i in items %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}|{% endfor %}",
    "{% for i in items %}{{ loop.first }}{{ loop.last }}{{ loop.length }},{% endfor %}",
    "{% for k, v in pairs %}{{ k }}={{ v }};{% endfor %}", "{% for k, v in cfg.items() %}{{ k }},{% endfor %}",
    "{% for i in [] %}x{% else %}empty{% endfor %}", "{% for i in items if i > 1 %}{{ i }}{{ loop.last }}{% endfor %}",
    "{% for i in items if i > 5 %}{{ i }}{% else %}none{% endfor %}", "{% for c in name %}{{ c }}.{% endfor %}",
    "{% for k in cfg %}{{ k }} {% endfor %}", "{% for i in range(3) %}{{ i }}{% endfor %}",
    "{% for i in range(1, 10, 3) %}{{ i }}{% endfor %}", "{% for i in range(5, 0, -2) %}{{ i }}{% endfor %}",
    "{% for row in [[1, 2], [3, 4]] %}{% for x in row %}{{ x }}{{ loop.index }}{% endfor %};{% endfor %}",
    "{% for i in items %}{{ loop.cycle('odd', 'even') }} {% endfor %}",
    "{% for i in items %}{{ loop.previtem is defined }}{{ loop.nextitem | default('-') }} {% endfor %}",
    "{% set x = 1 %}{% for i in items %}{% set x = i %}{% endfor %}{{ x }}",
    "{% set ns = namespace(total=0) %}{% for i in items %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}",
    "{% if t %}{% set y = 'set in if' %}{% endif %}{{ y }}",
    "{% macro greet(who, punct='!') %}Hello {{ who }}{{ punct }}{% endmacro %}{{ greet('ann') }} {{ greet('bob', '?') }}",
    "{% macro greet(who, punct='!') %}Hi {{ who }}{{ punct }}{% endmacro %}{{ greet(punct='.', who='cy') }}",
    "{% macro m(a, b=a ~ 'x') %}{{ a }}{{ b }}{% endmacro %}{{ m('q') }}",
    "{% macro m(a) %}[{{ a is defined }}]{% endmacro %}{{ m() }}",
    "{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, k=3) }}",
    "{% macro m(a, b, c='z') %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ m(*['x', 'y']) }}|{{ m(**{'b': 2, 'a': 1}) }}|{{ m('p', *['q'], **{'c': 'r'}) }}",
    "{% macro inner(a, k=0) %}{{ a }}/{{ k }}{% endmacro %}{% macro fwd() %}{{ inner(*varargs, **kwargs) }}{% endmacro %}{{ fwd(5, k=6) }} {{ fwd(7) }}",
    "{% macro m() %}{{ varargs | length }}:{{ kwargs | length }}{% endmacro %}{{ m(*items, **cfg) }}",
    "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(*(1,)) }}{{ m(**{'a': 'kw'}) }}",
    "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(*5) }}",
    "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(**['a']) }}",
    "{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% call wrap() %}inside {{ name }}{% endcall %}",
    "{% macro each(xs) %}{% for x in xs %}{{ caller(x) }}{% endfor %}{% endmacro %}{% call(x) each([1, 2]) %}[{{ x }}]{% endcall %}",
    "{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * fact(n - 1) | int }}{% endif %}{% endmacro %}{{ fact(5) }}",
    "{% macro m() %}\n  body\n{% endmacro %}[{{ m() }}]", "{% macro m() -%}\n  body\n{%- endmacro %}[{{ m() }}]",
    "{% filter upper %}shout {{ name }}{% endfilter %}", "{% filter trim | upper %}  both  {% endfilter %}",
    "{% do items.append(4) %}{{ items }}", "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}",
    "{% with x = 'inner' %}{{ x }}{% endwith %}{{ x is defined }}",
    "{% for u in users %}{% if u.active %}{{ u.name }}{% endif %}{% endfor %}",
    "{% for u in users | sort(attribute='name', reverse=true) %}{{ u.name }}{% endfor %}",
    "{% set parts = [] %}{% for c in cols %}{% do parts.append(c ~ '::text') %}{% endfor %}{{ parts | join(', ') }}",
    "{% for a, b in [(1, 2), (3, 4)] %}{{ a * b }}{% endfor %}",
    "{% macro m(x) %}{{ x }}{% endmacro %}{% set r = m('v') %}{{ r ~ r }}",
    "{% set d = {'k': 'v'} %}{% for key, value in d.items() %}{{ key }}:{{ value }}{% endfor %}",
    "{%- for i in [1, 2, 3] -%}\n{{ i }}\n{%- if not loop.last %},{% endif -%}\n{%- endfor %}",
    "{% for x in [1, 2] %}{% for y in 'ab' %}{{ loop.index }}{{ x }}{{ y }} {% endfor %}{% endfor %}",
    "{% for i in range(3) %}{% if i == 1 %}{% set skip = true %}{% endif %}{{ i }}{% endfor %}",
]
for i, t in enumerate(S):
    case("stmt %03d" % i, t)

# --- lenient mode (plain Jinja Undefined) ----------------------------------------------------------
for i, t in enumerate(["{{ missing }}", "[{{ missing }}]", "{% for x in missing %}x{% endfor %}done",
                       "{% if missing %}y{% else %}n{% endif %}", "{{ missing | length }}", "{{ missing ~ 'x' }}",
                       "{{ missing | upper }}", "{{ cfg.nothere }}", "{{ missing is defined }}",
                       "{{ missing == missing }}", "{{ missing + 1 }}", "{{ missing.attr }}"]):
    case("lenient %03d: %s" % (i, t), t, strict=False)

# --- errors (expected: Jinja2 raises; rops must raise too) -----------------------------------------
ERR = [
    "{{ missing }}", "{% if missing %}x{% endif %}", "{% for x in missing %}{% endfor %}", "{{ missing.attr }}",
    "{{ cfg.nothere }}", "{{ 1 / 0 }}", "{{ 1 // 0 }}", "{{ 'a' + 1 }}", "{{ 1 + 'a' }}", "{{ [1] + 'a' }}",
    "{{ n() }}", "{{ unknown_fn() }}", "{{ x | nosuchfilter }}", "{{ n is nosuchtest }}", "{{ 1 < 'a' }}",
    "{% set a, b = [1, 2, 3] %}", "{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}",
    "{% macro m(a) %}{% endmacro %}{{ m(b=1) }}", "{{ 'x' in 3 }}", "{{ n | join }}",
    "{% for %}", "{% if t %}", "{% if t %}{% endfor %}", "{% endif %}", "{{ }}", "{{ 1 +", "{{ 'unclosed }}",
    "{# never closed", "{% raw %}never", "{{ (1, 2 }}", "{{ [1, 2 }}", "{% set %}", "{% macro %}{% endmacro %}",
    "{% for x in items %}{% endif %}", "{% unknowntag %}", "{{ a.b. }}", "{{ 1 2 }}", "{% set x = %}",
    "{% if %}{% endif %}", "{{ n | int( }}", "{% call m() %}{% endcall %}",
]
for i, t in enumerate(ERR):
    case("error %03d: %s" % (i, t), t)

# --- whole models as dbt users write them ----------------------------------------------------------
MODELS = {
    "staging model": """{{ config(materialized='table', schema='staging') }}

with

source as (
    select * from {{ source('kaggle', 'transactions') }}
),

renamed as (
    select
        {%- for col in cols %}
        {{ col }}::text as {{ col }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from source
)

select * from renamed
""",
    "refs and vars": """{% set threshold = var('threshold') %}
select
    t.id,
    t.amount
from {{ ref('stg_transactions') }} as t
join {{ ref('stg_users') }} as u on u.id = t.client_id
where t.amount > {{ threshold }}
  and t.date >= '{{ var("start_date") }}'
  and t.date < '{{ var("end_date", "2020-01-01") }}'
""",
    "macro with whitespace control": """{% macro clean_currency(col) -%}
    nullif(replace({{ col }}, '$', ''), '')::numeric(12, 2)
{%- endmacro %}

select
    {{ clean_currency('amount') }} as amount,
    {{ clean_currency('credit_limit') }} as credit_limit
from {{ ref('raw_cards') }}
""",
    "union loop": """{% set sources = ['a', 'b', 'c'] %}
{% for s in sources %}
select '{{ s }}' as origin, * from {{ ref('part_' ~ s) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
""",
    "case when from dict": """{% set tiers = {'Poor': 580, 'Fair': 670, 'Good': 740} %}
select
    case
    {%- for label, limit in tiers.items() %}
        when credit_score < {{ limit }} then '{{ label }}'
    {%- endfor %}
        else 'Excellent'
    end as tier
from {{ ref('stg_users') }}
""",
    "pivot": """select
    client_id,
{%- for channel in ['Swipe', 'Chip', 'Online'] %}
    sum(case when use_chip = '{{ channel }} Transaction' then 1 else 0 end) as {{ channel | lower }}_count{{ "," if not loop.last }}
{%- endfor %}
from {{ ref('stg_transactions') }}
group by 1
""",
}
for name, template in MODELS.items():
    case("model: " + name, template, hosts=True)

# Filters packages use that came later: groupby, slice, urlencode, striptags, pprint.
for i, t in enumerate([
    "{% for g in [{'a': 2, 'n': 'x'}, {'a': 1, 'n': 'y'}, {'a': 2, 'n': 'z'}] | groupby('a') %}{{ g.grouper }}:{{ g.list | map(attribute='n') | join }};{% endfor %}",
    "{% for key, items in [{'a': 'b'}, {'a': 'a'}] | groupby('a') %}{{ key }}={{ items | length }} {% endfor %}",
    "{{ [1, 2, 3, 4, 5] | slice(2) | list }}", "{{ [1, 2, 3, 4] | slice(3, 0) | list }}", "{{ [] | slice(2) | list }}",
    "{{ 'a b/c&d' | urlencode }}", "{{ '<b>bold</b>   and <i>x</i>' | striptags }}", "{{ [1, 'a', none] | pprint }}",
]):
    case(f"filters later {i}", t)

def render(c):
    env = Environment(undefined=StrictUndefined if c["strict"] else Undefined,
                      keep_trailing_newline=c["keep_newline"], extensions=["jinja2.ext.do"])
    context = dict(CTX)
    if c["hosts"]:
        context.update(host_functions())
    if c["context"]:
        context.update(c["context"])
    context = json.loads(json.dumps(context, default=str)) if False else context
    # Fresh copies so mutating cases do not leak into later ones.
    import copy
    context = {k: (copy.deepcopy(v) if not callable(v) else v) for k, v in context.items()}
    try:
        return {"output": env.from_string(c["template"]).render(**context)}
    except Exception as error:  # Jinja2 raised: rops must raise as well
        return {"error": type(error).__name__ + ": " + str(error)}

def main():
    out = []
    for c in CASES:
        result = render(c)
        out.append({"name": c["name"], "template": c["template"], "strict": c["strict"], "hosts": c["hosts"],
                    "keep_trailing_newline": c["keep_newline"], **result})
    payload = {"generator": "jinja2 " + jinja2.__version__, "context": encode(CTX), "cases": out}
    with open(os.path.join(HERE, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(payload, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %d cases (%d expect errors)" % (len(out), sum(1 for c in out if "error" in c)))

if __name__ == "__main__":
    main()
