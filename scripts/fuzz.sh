#!/bin/bash
# Runs one fuzz target for a while: scripts/fuzz.sh TARGET [SECONDS] [extra libFuzzer flags]
#
# TARGET is formula, ron_loader, xlsx_import or paste (see fuzz/fuzz_targets/).
# Needs cargo-fuzz (`cargo install cargo-fuzz`). Works on the stable toolchain:
# RUSTC_BOOTSTRAP lets cargo-fuzz pass its flags, and the sanitizer is off
# (safe Rust needs no AddressSanitizer; panics, hangs and memory are what we
# look for). The corpus in fuzz/corpus/TARGET is seeded from the repository's
# own files on first run; crashes land in fuzz/artifacts/TARGET/. The fuzzer
# runs at the lowest priority so other work keeps the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh formula|ron_loader|xlsx_import|paste [SECONDS] [libFuzzer flags]}
seconds=${2:-600}
shift $(( $# < 2 ? $# : 2 ))

corpus=fuzz/corpus/$target
mkdir -p "$corpus"
seed() { # seed NAME < content
    cat > "$corpus/seed-$1"
}
case $target in
    formula)
        max_len=4096
        n=0
        for file in tests/data/formula/*.txt; do
            while IFS= read -r line; do
                n=$((n + 1))
                printf '%s' "${line#input: }" | seed "$n"
            done < <(grep '^input: ' "$file")
        done
        grep -oh 'formula: "[^"]*"' models/*.ron | sed 's/^formula: "//; s/"$//' | sort -u |
            while IFS= read -r line; do
                n=$((n + 1))
                printf '%s' "$line" | seed "model-$n"
            done
        ;;
    ron_loader)
        max_len=65536
        for file in models/*.ron tests/data/xlsx/*.ron; do
            seed "$(basename "$file")" < "$file"
        done
        ;;
    xlsx_import)
        max_len=32768
        for file in tests/data/xlsx/*.xlsx tests/data/xlsx-corpus/*.xlsx; do
            # The zip bomb is a megabyte: tests/limits.rs covers it.
            [ "$(basename "$file")" = zip_bomb.xlsx ] && continue
            seed "$(basename "$file")" < "$file"
        done
        ;;
    paste)
        max_len=8192
        # Two bytes pick the row and column, the rest is clipboard text.
        printf '\x10\x02%s' $'1\t2\t3\n4\t5\t6\n' | seed numbers
        printf '\x20\x03%s' $'=price * 2\t=revenue[-1]\r\n7\t"a\tb"\n' | seed formulas
        printf '\x00\x00%s' $'Label\tunit\t1\t2\nOther\t%\t0.5\t=A1\n' | seed labels
        printf '\x40\x05%s' $'"say ""hi"""\t"two\nlines"\tTRUE\t#N/A\n' | seed quoted
        printf '\x05\x02%s' $'1e308\t-0\t12%\t$1,000\t2026-03-01\n' | seed awkward
        ;;
    *)
        echo "unknown target $target" >&2
        exit 2
        ;;
esac

mkdir -p "fuzz/artifacts/$target"
RUSTC_BOOTSTRAP=1 exec nice -n 19 cargo fuzz run --sanitizer none --release --debug-assertions "$target" "$corpus" -- \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$@"
