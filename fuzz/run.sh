#!/bin/sh
# Runs one fuzz harness under AFL++ for a while and prints its execution count.
#   fuzz/run.sh HARNESS [SECONDS]     (from the repository root or fuzz/)
# Needs `cargo install cargo-afl` and `cargo afl build --release` in fuzz/ first.
# Findings go to fuzz/out/HARNESS/default/{crashes,hangs}; the queue grows the corpus.
set -eu
cd "$(dirname "$0")"
h=${1:?harness: jsonl csv pgaudit_stderr pgaudit_csv pgaudit_json sql cutter mariadb}
secs=${2:-600}
# Containers rarely let AFL++ tune the CPU governor or core dumps; neither matters here.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_NO_UI=1
mkdir -p out
# A second run of the same harness resumes its queue instead of starting over.
if [ -d "out/$h/default/queue" ]; then in=-; else in="corpus/$h"; fi
AFL_AUTORESUME=1 cargo afl fuzz -V "$secs" -i "$in" -o "out/$h" "target/release/$h" >"out/$h.log" 2>&1 || true
grep -E '^(execs_done|execs_per_sec|saved_crashes|saved_hangs|corpus_count|run_time) ' "out/$h/default/fuzzer_stats"
