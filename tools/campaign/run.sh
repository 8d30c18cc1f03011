#!/usr/bin/env bash
# run.sh BINARY PAR (in the campaign directory): shards 0..49 of the seed-2026 campaign, PAR at
# a time, resumable (a shard with shardI.done is skipped). Each shard runs under an 8 GiB
# address-space limit (a blow-up ends that shard, not the machine) and records its wall time and
# peak RSS in shardI.rc. Rows go into the TSV with collect.sh; a shard already in the TSV
# (third argument) is skipped too, so a fresh machine resumes where the repository left off. See README "The 100 000-workload
# false-alarm campaign".
bin="$1"; par="${2:-2}"; tsv="${3:-}"
one() {
  i="$1"; bin="$2"
  [[ -e shard$i.done ]] && exit 0
  [[ -n "$3" ]] && cut -f1 "$3" | grep -qx "$i" && exit 0
  rm -rf shard$i shard$i.failures; mkdir -p shard$i
  start=$(date +%s)
  ( ulimit -v 8388608
    exec /usr/bin/time -f "%M" -o shard$i.rss nice -n 10 "$bin" fuzz --corpus=shard$i \
      --failures=shard$i.failures --jobs=1 --runs=2000 --seed=2026 --shard=$i/50 ) \
    > shard$i.out 2> shard$i.err
  rc=$?
  end=$(date +%s)
  echo "rc=$rc seconds=$((end-start)) peak_rss_kb=$(tail -1 shard$i.rss 2>/dev/null)" > shard$i.rc
  (( rc <= 1 )) && cp shard$i.rc shard$i.done
  exit 0
}
export -f one
seq 0 49 | xargs -P "$par" -I{} bash -c 'one {} '"$bin $tsv"
