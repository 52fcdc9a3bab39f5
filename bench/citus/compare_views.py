#!/usr/bin/env python3
"""Compares every view of a schema between two databases, row for row.

    compare_views.py URL_A URL_B [--schema queries] [--ignore view.column ...]

Rows are compared as sorted multisets; numbers that are not exact in SQL (float8 sums, which a
distributed plan adds in another order) are equal within 1e-9 relative. `--ignore` leaves out
columns that describe the run rather than the data (when a view was served, how long a load
took, the load ids that parallel loads take in either order). Prints one line per view and exits 1 on the first difference found in any view.
"""
import argparse, csv, io, math, subprocess, sys


def psql(url, sql):
    out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--csv", url, "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    return rows[0] if rows else [], rows[1:]


def views(url, schema):
    _, rows = psql(url, f"select table_name from information_schema.views where table_schema = '{schema}' order by 1")
    return [r[0] for r in rows]


def same_value(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def normalised(header, rows, keep):
    index = [i for i, name in enumerate(header) if name in keep]
    return sorted(tuple(row[i] for i in index) for row in rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url_a"); parser.add_argument("url_b")
    parser.add_argument("--schema", default="queries")
    parser.add_argument("--ignore", nargs="*", default=[])
    args = parser.parse_args()
    names_a, names_b = views(args.url_a, args.schema), views(args.url_b, args.schema)
    if names_a != names_b:
        print(f"views differ: {sorted(set(names_a) ^ set(names_b))}"); return 1
    failed = 0
    for view in names_a:
        sql = f'select * from "{args.schema}"."{view}"'
        header_a, rows_a = psql(args.url_a, sql)
        header_b, rows_b = psql(args.url_b, sql)
        if header_a != header_b:
            print(f"{view}: columns differ: {header_a} vs {header_b}"); failed += 1; continue
        ignored = {c.split(".", 1)[1] for c in args.ignore if c.split(".", 1)[0] == view}
        keep = [c for c in header_a if c not in ignored]
        a, b = normalised(header_a, rows_a, keep), normalised(header_b, rows_b, keep)
        difference = None
        if len(a) != len(b):
            difference = f"{len(a)} rows vs {len(b)}"
        else:
            for row_a, row_b in zip(a, b):
                if not all(same_value(x, y) for x, y in zip(row_a, row_b)):
                    difference = f"first differing row: {row_a} vs {row_b}"; break
        note = f" (ignoring {', '.join(sorted(ignored))})" if ignored else ""
        if difference:
            print(f"DIFF  {view}: {difference}{note}"); failed += 1
        else:
            print(f"same  {view}: {len(a)} rows, {len(keep)} columns{note}")
    print(f"{len(names_a) - failed} of {len(names_a)} views return the same rows")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
