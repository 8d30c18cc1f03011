#!/usr/bin/env bash
# collect.sh DIR TSV: appends to TSV (tools/daxsim/campaign-2026.tsv) a row for each shard that
# run.sh finished in DIR and TSV does not have yet (columns: shard, workloads, executions,
# corpus, coverage, findings, known_findings, wall_s, peak_rss_mb).
dir="$1"; tsv="$2"
for i in $(seq 0 49); do
  [[ -e $dir/shard$i.done ]] || continue
  cut -f1 "$tsv" | grep -qx "$i" && continue
  out=$dir/shard$i.out
  w=$(sed -n 's/^workloads: //p' $out); e=$(sed -n 's/^executions: //p' $out)
  c=$(sed -n 's/^corpus: \([0-9]*\).*/\1/p' $out); v=$(sed -n 's/^coverage: \([0-9]*\).*/\1/p' $out)
  f=$(sed -n 's/^findings: //p' $out); k=$(ls $dir/shard$i/failures/*.found.wl 2>/dev/null | wc -l)
  s=$(sed -n 's/.*seconds=\([0-9]*\).*/\1/p' $dir/shard$i.done)
  r=$(sed -n 's/.*peak_rss_kb=\([0-9]*\).*/\1/p' $dir/shard$i.done)
  printf "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" $i "$w" "$e" "$c" "$v" "$f" "$k" "$s" "$((r / 1024))" >> "$tsv"
done
