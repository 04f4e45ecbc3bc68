#!/usr/bin/env bash
# Backup and restore drill (CloudNativePG): recover county-pg's latest backup into a new cluster
# beside production, walk every service's audit chain on the copy, report, and remove the copy.
#   tools/restore_drill.sh county-prod
# Needs kubectl with the cnpg plugin optional; run monthly and after any backup configuration change.
set -euo pipefail
NS=${1:?namespace, e.g. county-prod}
DRILL="$(dirname "$0")/../deploy/drills/restore"
started=$(date +%s)
kubectl -n "$NS" delete job -l app.kubernetes.io/component=restore-drill --ignore-not-found
kubectl -n "$NS" apply -k "$DRILL" --selector app.kubernetes.io/name=postgres-restore
echo "waiting for county-pg-restore to recover (base backup + WAL replay) …"
kubectl -n "$NS" wait --for=condition=Ready cluster/county-pg-restore --timeout=3600s
echo "restored in $(( $(date +%s) - started )) s; walking the audit chains …"
kubectl -n "$NS" apply -k "$DRILL" --selector app.kubernetes.io/component=restore-drill
failed=0
for s in identity personnel assessment platform; do
  if kubectl -n "$NS" wait --for=condition=Complete "job/$s-verify-audit-restored" --timeout=900s; then
    kubectl -n "$NS" logs "job/$s-verify-audit-restored" | tail -1
  else
    echo "$s: audit chain NOT verified on the restored copy"; kubectl -n "$NS" logs "job/$s-verify-audit-restored" | tail -5
    failed=1
  fi
done
kubectl -n "$NS" delete -k "$DRILL" --ignore-not-found
echo "drill finished in $(( $(date +%s) - started )) s; $([ $failed = 0 ] && echo 'all chains intact' || echo 'FAILED')"
exit $failed
