#!/usr/bin/env bash
# Side-by-side benchmark: scikit-learn (../shared/bench/sklearn_bench.py) and Warehouse.Segmentation on the same
# files from ../shared/bench/gen_data.py, case by case in the same run (reference first, then ours, so both see the
# same machine load), then bench/RESULTS.md with the ratios.
#   bench/side_by_side.sh [case ...]        cases: kmeans_lloyd kmeans_pp minibatch gmm_full gmm_diag dbscan ward
#                                           silhouette_full silhouette_20k
# Environment: SEGBENCH_DIR (data folder; default: segbench in the temp folder), REPEATS (default 3), THREADS (default 2),
# WARD100K=0 skips the Ward 100k completion/memory run, SKLEARN_MACHINE_ENV=1 also times scikit-learn with the machine's
# OpenBLAS settings (an extra column).
# scikit-learn runs on OpenBLAS with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (both together): this machine sets
# them (Haswell kernels, small L2) for other tools, which slows a current numpy; the OpenBLAS core type each setting
# selects (threadpoolctl) goes into the results header.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/bench
py=/usr/bin/python3
export SEGBENCH_DIR=${SEGBENCH_DIR:-$($py -c 'import tempfile, os; print(os.path.join(tempfile.gettempdir(), "segbench"))')}
repeats=${REPEATS:-3}
threads=${THREADS:-2}
out=bench/results
mkdir -p "$out"
[ -f "$SEGBENCH_DIR/blobs_1000000x16.json" ] || $py $shared/gen_data.py

dotnet build bench/Warehouse.Benchmarks -c Release -v q -nologo >/dev/null
ours=bench/Warehouse.Benchmarks/bin/Release/net10.0/Warehouse.Benchmarks

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(kmeans_lloyd gmm_full gmm_diag dbscan ward silhouette_full silhouette_20k)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
ref="$out/sklearn_$stamp.jsonl"; mine="$out/warehouse_$stamp.jsonl"; load="$out/load_$stamp.txt"
machine_ref="$out/sklearn-machine-env_$stamp.jsonl"
lib=LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread
openblas=(env "$lib")
fair=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$lib")
core_type() {
  "$@" $py - <<'PY'
import numpy, threadpoolctl
print(", ".join("%s (OpenBLAS %s)" % (i.get("architecture"), i.get("version"))
                for i in threadpoolctl.threadpool_info() if i["internal_api"] == "openblas"))
PY
}
echo "openblas: $(core_type "${fair[@]}")" >> "$load"
echo "openblas-machine-env: $(core_type "${openblas[@]}") with OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-unset} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-unset}" >> "$load"
data_for() {
  case "$1" in
    kmeans_lloyd|kmeans_pp) echo "blobs_20000x8 blobs_100000x8 blobs_1000000x8 blobs_1000000x16";;
    minibatch) echo "blobs_100000x8 blobs_1000000x8 blobs_1000000x16";;
    gmm_full|gmm_diag) echo "blobs_1000000x16";;
    dbscan) echo "blobs_100000x8";;
    ward|silhouette_full) echo "blobs_20000x8";;
    silhouette_20k) echo "blobs_1000000x16";;
  esac
}
for c in "${cases[@]}"; do
  for d in $(data_for "$c"); do
    echo "== $c $d: scikit-learn" >&2
    echo "$c $d before: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$load"
    "${fair[@]}" $py $shared/sklearn_bench.py --out "$ref" --only "$c" --data "$d" --threads "$threads" --repeats "$repeats" >&2
    if [ "${SKLEARN_MACHINE_ENV:-0}" = 1 ]; then
      echo "== $c $d: scikit-learn, machine OpenBLAS settings" >&2
      "${openblas[@]}" $py $shared/sklearn_bench.py --out "$machine_ref" --only "$c" --data "$d" --threads "$threads" --repeats "$repeats" >&2
    fi
    echo "== $c $d: Warehouse.Segmentation" >&2
    "$ours" side-by-side --case "$c" --data "$d" --threads "$threads" --repeats "$repeats" | tee -a "$mine" >&2
    echo "$c $d after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$load"
  done
done
# Ward on 100k rows: completes? peak memory (scikit-learn is not run: its 12.2 s on 20k grows quadratically).
if [ "${WARD100K:-1}" = 1 ] && printf '%s\n' "${cases[@]}" | grep -qx ward; then
  [ -f "$SEGBENCH_DIR/blobs_100000x8.json" ] && "$ours" side-by-side --case ward --data blobs_100000x8 --threads "$threads" --repeats 1 | tee -a "$mine" >&2
fi
MACHINE_REF="$machine_ref" $py bench/write_results.py "$ref" "$mine" "$load" > bench/RESULTS.md
echo "wrote bench/RESULTS.md" >&2
