#!/usr/bin/env python3
"""Compares every view of a schema between two databases, row for row.

    compare_views.py URL_A URL_B [--schema queries] [--ignore view.column ...]

Rows are compared as multisets: both servers sort each view by the text of every column compared
(collation "C", the same order on both) and the two streams are walked side by side, so a view of
13M rows costs constant memory here (psql fetches through a cursor, FETCH_COUNT). Numbers that are
not exact in SQL (float8 sums, which a distributed plan adds in another order) are equal within
1e-9 relative. `--ignore` leaves out columns that describe the run rather than the data (when a
view was served, how long a load took, the load ids that parallel loads take in either order).
Prints one line per view and exits 1 when any view differs.
"""
import argparse, csv, io, math, subprocess, sys
from itertools import zip_longest


def psql(url, sql):
    out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--csv", url, "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    return rows[0] if rows else [], rows[1:]


def views(url, schema):
    _, rows = psql(url, f"select table_name from information_schema.views where table_schema = '{schema}' order by 1")
    return [r[0] for r in rows]


def columns(url, schema, view):
    _, rows = psql(url, "select column_name from information_schema.columns "
                        f"where table_schema = '{schema}' and table_name = '{view}' order by ordinal_position")
    return [r[0] for r in rows]


def sorted_rows(url, sql):
    """The rows of a query as lists of text, read as psql writes them (no header). Closing the
    generator early (the first difference) stops psql."""
    process = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "FETCH_COUNT=20000",
                                "--csv", "-t", url, "-c", sql], stdout=subprocess.PIPE, text=True)
    finished = False
    try:
        yield from csv.reader(process.stdout)
        finished = True
    finally:
        if not finished:
            process.kill()
        process.stdout.close()
        if process.wait() != 0 and finished:
            raise SystemExit(f"psql failed on: {sql}")


def same_value(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def quoted(name):
    return '"' + name.replace('"', '""') + '"'


def compare(url_a, url_b, schema, view, keep):
    """(rows, None) when the view's rows are the same on both, else (rows seen, the difference)."""
    order = ", ".join(f'{quoted(c)}::text collate "C"' for c in keep)
    sql = f"select {', '.join(quoted(c) for c in keep)} from {quoted(schema)}.{quoted(view)} order by {order}"
    rows_a, rows_b = sorted_rows(url_a, sql), sorted_rows(url_b, sql)
    count = 0
    try:
        for row_a, row_b in zip_longest(rows_a, rows_b):
            if row_a is None or row_b is None:
                return count, f"one side has more rows: {tuple(row_a or row_b)} after {count} equal rows"
            if not all(same_value(x, y) for x, y in zip(row_a, row_b)):
                return count, f"first differing row: {tuple(row_a)} vs {tuple(row_b)}"
            count += 1
        return count, None
    finally:
        rows_a.close(); rows_b.close()


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
        header_a, header_b = columns(args.url_a, args.schema, view), columns(args.url_b, args.schema, view)
        if header_a != header_b:
            print(f"DIFF  {view}: columns differ: {header_a} vs {header_b}"); failed += 1; continue
        ignored = {c.split(".", 1)[1] for c in args.ignore if c.split(".", 1)[0] == view}
        keep = [c for c in header_a if c not in ignored]
        rows, difference = compare(args.url_a, args.url_b, args.schema, view, keep)
        note = f" (ignoring {', '.join(sorted(ignored))})" if ignored else ""
        if difference:
            print(f"DIFF  {view}: {difference}{note}", flush=True); failed += 1
        else:
            print(f"same  {view}: {rows} rows, {len(keep)} columns{note}", flush=True)
    print(f"{len(names_a) - failed} of {len(names_a)} views return the same rows")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
