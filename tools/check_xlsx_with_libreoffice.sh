#!/usr/bin/env bash
# Checks `lever convert model.ron book.xlsx` against LibreOffice: exports each
# model WITHOUT cached values (`--no-cached-values`, so every formula caches 0
# and only a real recalculation gives the right numbers), has LibreOffice
# recalculate the workbook headless and write every sheet as CSV, and compares
# each period cell with `lever eval --format csv` (numbers within a relative
# tolerance of 1e-9; text, booleans and error values exactly; an empty cell
# equals 0; Lever's #CIRC! equals LibreOffice's Err:522). Prints the match rate per sheet and the first differences;
# exits with 1 if any cell differs.
#
#   tools/check_xlsx_with_libreoffice.sh [MODEL.ron ...]   # default: models/*.ron
#
# Needs `soffice` (apt-get install -y --no-install-recommends
# libreoffice-calc-nogui) and python3. LibreOffice runs with a throwaway
# profile whose "recalculate Excel 2007+ files on load" setting is "always".
# Not part of CI: it is the manual conformance check of the Excel export.
set -euo pipefail

cd "$(dirname "$0")/.."
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
    models=(models/*.ron)
fi

command -v soffice >/dev/null || { echo "soffice not found (apt-get install -y --no-install-recommends libreoffice-calc-nogui)" >&2; exit 2; }

cargo build --quiet --bin lever
lever=target/debug/lever

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A LibreOffice profile that always recalculates .xlsx files on load.
profile="$work/profile"
mkdir -p "$profile/user"
cat >"$profile/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
XCU

status=0
for model in "${models[@]}"; do
    base=$(basename "$model" .ron)
    out="$work/$base"
    mkdir -p "$out"
    "$lever" convert --no-cached-values "$model" "$out/$base.xlsx"
    # Field separator ',', quote '"', UTF-8, raw values (not as shown), all sheets.
    soffice -env:UserInstallation="file://$profile" --headless \
        --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
        --outdir "$out" "$out/$base.xlsx" >/dev/null 2>&1
    sheets=$(python3 - "$model" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
# Sheet names: `name:` fields directly followed by `rows:`.
for m in re.finditer(r'\(\s*name:\s*"((?:[^"\\]|\\.)*)",\s*rows:', text):
    print(m.group(1))
PY
)
    while IFS= read -r sheet; do
        [ -n "$sheet" ] || continue
        "$lever" eval "$model" --sheet "$sheet" --format csv >"$out/lever-$sheet.csv"
        lo="$out/$base-$sheet.csv"
        if [ ! -f "$lo" ]; then
            # One-sheet workbooks may be written without the sheet suffix.
            lo="$out/$base.csv"
        fi
        python3 - "$model" "$sheet" "$out/lever-$sheet.csv" "$lo" <<'PY' || status=1
import csv, math, sys
model, sheet, lever_path, lo_path = sys.argv[1:5]
lever = list(csv.reader(open(lever_path, encoding="utf-8")))
lo = list(csv.reader(open(lo_path, encoding="utf-8")))
# Lever's CSV is the sheet's own grid (no header line; A = label, B = unit);
# LibreOffice's has the export's header row with the period labels on top.
header = lo[0]
periods = len(header) - 2
lever_rows = [r + [""] * (2 + periods - len(r)) for r in lever if r and r[0] != ""]
lo_rows = lo[1:]

def number(s):
    # LibreOffice writes percent-formatted cells as `12.5%` (full precision).
    scale = 1.0
    if s.endswith("%"):
        s, scale = s[:-1], 0.01
    try:
        v = float(s) * scale
        return v if math.isfinite(v) else None
    except ValueError:
        return None

def same(a, b):
    a = a if a != "" else "0"
    b = b if b != "" else "0"
    x, y = number(a), number(b)
    if x is not None and y is not None:
        return x == y or abs(x - y) <= 1e-9 * max(abs(x), abs(y))
    # LibreOffice's circular-reference error is Err:522 (Excel has no literal).
    if a == "#CIRC!" and b == "Err:522":
        return True
    return a.upper() == b.upper()

total = matched = 0
diffs = []
i = 0
for row in lever_rows:
    label = row[0]
    # The next row with this label; a section title with the same text
    # (nothing after column A) does not count for a metric with values.
    has_values = any(v != "" for v in row[1:])
    while i < len(lo_rows) and (
        not lo_rows[i]
        or lo_rows[i][0] != label
        or (has_values and all(v == "" for v in lo_rows[i][1:]))
    ):
        i += 1
    if i == len(lo_rows):
        diffs.append(f"row `{label}` not found in LibreOffice's CSV")
        total += periods
        i = 0
        continue
    other = lo_rows[i] + [""] * (2 + periods - len(lo_rows[i]))
    i += 1
    for p in range(periods):
        total += 1
        if same(row[2 + p], other[2 + p]):
            matched += 1
        else:
            diffs.append(f"{label} / {header[2 + p]}: lever {row[2 + p]!r}, libreoffice {other[2 + p]!r}")
rate = 100.0 * matched / total if total else 100.0
print(f"{model} [{sheet}]: {matched}/{total} cells match ({rate:.2f}%)")
for d in diffs[:20]:
    print("  " + d)
if len(diffs) > 20:
    print(f"  … {len(diffs) - 20} more")
sys.exit(0 if matched == total else 1)
PY
    done <<<"$sheets"
done
exit $status
