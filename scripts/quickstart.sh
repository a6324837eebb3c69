#!/usr/bin/env bash
# Runs Tidewater on the embedded default: a local InfluxDB (installed from Debian if missing),
# a small sample data set, and the gateway with a local lake folder (.quickstart/lake).
#
#   scripts/quickstart.sh           start everything and keep running until Ctrl-C
#   scripts/quickstart.sh --smoke   start, check, print, then stop (what CI-like checks use)
#
# Ports: INFLUX_PORT (default 8086), GATEWAY_PORT (default 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/lib.sh

smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1
influx_port=${INFLUX_PORT:-8086}
gateway_port=${GATEWAY_PORT:-8080}
state="$root/.quickstart"
influx_url="http://127.0.0.1:$influx_port"
gateway_url="http://127.0.0.1:$gateway_port"

command -v curl >/dev/null || apt_install curl
install_influxdb

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # url expected-status seconds what
  for _ in $(seq 1 $(( $3 * 10 ))); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" = "$2" ] && return 0
    sleep 0.1
  done
  echo "$4 did not come up at $1 within $3 s; see $state/*.log" >&2
  return 1
}

for port in "$influx_port" "$gateway_port"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "port $port is already in use; set INFLUX_PORT / GATEWAY_PORT to free ports" >&2
    exit 1
  fi
done

# --- InfluxDB, with its data under .quickstart/influxdb (kept between runs) ---
mkdir -p "$state/influxdb"
cat > "$state/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$((influx_port + 2))"
[meta]
  dir = "$state/influxdb/meta"
[data]
  dir = "$state/influxdb/data"
  wal-dir = "$state/influxdb/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$influx_port"
  log-enabled = false
[logging]
  level = "warn"
  suppress-logo = true
CONF
influxd run -config "$state/influxdb.conf" > "$state/influxd.log" 2>&1 &
pids+=($!)
wait_for "$influx_url/ping" 204 30 "InfluxDB"
echo "InfluxDB is up at $influx_url"

# --- Sample data: telegraf.cpu, 3 hosts: a point a minute for the last 2 days (hot), and a day of
# points every 10 minutes 120 days ago (warm), 400 days ago (cold) and 6 years ago (expired) ---
curl -s -XPOST "$influx_url/query" --data-urlencode 'q=CREATE DATABASE telegraf' > /dev/null
now=$(date +%s)
awk -v now="$now" 'BEGIN {
  start = now - 2 * 86400; start -= start % 60
  split("web-1 web-2 db-1", hosts, " "); split("eu-west eu-west us-east", regions, " ")
  srand(42)
  for (t = start; t < now; t += 60) point(t)
  split("120 400 2190", ages, " ")
  for (a = 1; a <= 3; a++) {
    day = now - ages[a] * 86400; day -= day % 86400
    for (t = day; t < day + 86400; t += 600) point(t)
  }
}
function point(t,   h, user) {
  for (h = 1; h <= 3; h++) {
    user = 20 + 15 * sin((t / 3600 + h) / 24 * 6.283) + 5 * rand()
    printf "cpu,host=%s,region=%s usage_user=%.2f,usage_system=%.2f,processes=%di %d000000000\n",
      hosts[h], regions[h], user, user / 4, 100 + int(50 * rand()), t
  }
}' > "$state/sample.lp"
curl -sf -XPOST "$influx_url/write?db=telegraf&precision=ns" --data-binary @"$state/sample.lp"
points=$(curl -s -G "$influx_url/query" --data-urlencode db=telegraf \
  --data-urlencode 'q=SELECT count(usage_user) FROM cpu' | sed -E 's/.*,([0-9]+)\]\].*/\1/')
echo "Loaded $points sample points into telegraf.cpu"

# --- The gateway ---
jar=gateway/target/quarkus-app/quarkus-run.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml */pom.xml */src/main -newer "$jar" -print -quit)" ]; then
  echo "Building the gateway (./mvnw -B -q package -DskipTests -pl gateway -am) ..."
  ./mvnw -B -q package -DskipTests -pl gateway -am
fi
mkdir -p "$state/lake"
# Tokens: an admin one (jobs, metrics, reading and writing everything) and a read-only one for
# telegraf; the file keeps only their hashes. New ones each run (scripts/new-token.sh).
admin_entry=$(scripts/new-token.sh quickstart-admin admin metrics 'read:*' 'write:*')
reader_entry=$(scripts/new-token.sh quickstart-reader read:telegraf)
admin_token=$(printf '%s\n' "$admin_entry" | head -1 | sed 's/.* //')
reader_token=$(printf '%s\n' "$reader_entry" | head -1 | sed 's/.* //')
{ echo "tokens:"; printf '%s\n' "$admin_entry" | tail -n +2; printf '%s\n' "$reader_entry" | tail -n +2; } \
  > "$state/tokens.yaml"
admin=(-H "Authorization: Token $admin_token")
reader=(-H "Authorization: Token $reader_token")
java -Djdk.httpclient.bufsize=131072 -Dquarkus.http.port="$gateway_port" \
  -Dtidewater.influx.url="$influx_url" \
  -Dtidewater.lake.uri="file:$state/lake" \
  -Dtidewater.cdc.log-dir="$state/cdc-log" \
  -Dtidewater.policies.folder="$root/policies" \
  -Dtidewater.export.lease-ttl=PT30S \
  -Dtidewater.auth.tokens-file="$state/tokens.yaml" \
  -jar "$jar" > "$state/gateway.log" 2>&1 &
pids+=($!)
wait_for "$gateway_url/q/health/ready" 200 60 "The gateway"

# --- Export the sample data now instead of waiting for the schedule ---
# The run is known by its start time: the 202 answers it as runningSince (a scheduled run already
# going on answers 409, and then that run is the one waited for); it is over when lastRun has it
# as its start. JSON keys come in alphabetical order, so each is read on its own.
json_value() { # json key: the first value of "key" (a string without quotes, or a number)
  printf '%s' "$1" | grep -o "\"$2\":\(\"[^\"]*\"\|[0-9-]*\)" | head -1 | sed -E 's/^"[^"]*"://; s/"//g' || true
}
last_run() { # the lastRun object of a job status, or nothing before the first run
  printf '%s' "$1" | grep -o '"lastRun":{.*' | sed 's/^"lastRun"://' || true
}
start_run() { # the start time of the run now going on (started here, or a scheduled one)
  local s
  s=$(json_value "$(curl -s "${admin[@]}" -XPOST "$gateway_url/v1/jobs/telegraf-cpu/run")" runningSince)
  [ -n "$s" ] || s=$(json_value "$(curl -s "${admin[@]}" "$gateway_url/v1/jobs/telegraf-cpu")" runningSince)
  echo "$s"
}
started=$(start_run)
run=""
until_s=$((SECONDS + 180))
while ((SECONDS < until_s)); do
  job=$(curl -s "${admin[@]}" "$gateway_url/v1/jobs/telegraf-cpu")
  run=$(last_run "$job")
  [ -n "$started" ] && [ "$(json_value "$run" started)" = "$started" ] && break
  run=""
  if [[ "$job" == *'"running":false'* ]]; then
    # Over without a result: skipped, since a gateway stopped mid-export (an earlier quickstart)
    # left the policy's lease, which runs out after tidewater.export.lease-ttl. Ask again.
    sleep 1
    started=$(start_run)
  fi
  sleep 0.2
done
if [ -z "$run" ]; then
  echo "The export started at ${started:-(unknown)} did not finish within 3 minutes; see $state/gateway.log" >&2
  exit 1
fi
echo "Export of policy telegraf-cpu (run started $started): $(json_value "$run" windowsExported) windows exported," \
  "$(json_value "$run" windowsAlreadyDone) already in the lake, $(json_value "$run" windowsFailed) failed," \
  "$(json_value "$run" rows) rows"
error=$(json_value "$run" error)
[ -z "$error" ] || echo "  the run failed: $error" >&2
echo "Lake contents (Parquet files per measurement and resolution; ledger under _ledger/):"
find "$state/lake" -name '*.parquet' | sed -E "s|$state/lake/||; s|/day=.*||" | sort | uniq -c | sed 's/^/  /'
echo "GET /v1/jobs:"
curl -s "${admin[@]}" "$gateway_url/v1/jobs" | sed 's/^/  /'; echo

# --- One federated query: old days come from the lake, the last two from InfluxDB ---
sql='SELECT FLOOR("time" TO DAY) AS "day", COUNT(*) AS points, AVG(usage_user) AS avg_user FROM telegraf.cpu GROUP BY FLOOR("time" TO DAY) ORDER BY 1'
echo "POST /v1/sql  $sql"
answer=$(curl -s "${reader[@]}" "$gateway_url/v1/sql" -H 'Content-Type: application/json' \
  --data "$(printf '{"sql": "%s", "format": "csv"}' "$(printf '%s' "$sql" | sed 's/"/\\"/g')")")
echo "$answer" | sed 's/^/  /'
echo "POST /v1/sql/explain (where each part was read):"
curl -s "${reader[@]}" "$gateway_url/v1/sql/explain" -H 'Content-Type: application/json' \
  --data "$(printf '{"sql": "%s"}' "$(printf '%s' "$sql" | sed 's/"/\\"/g')")" \
  | grep -o '"place":"[A-Z]*"\|"range":"[^"]*"' | paste - - | sed 's/^/  /'

cat <<MSG

Tidewater is running. Every request needs a token (README, "Security"); this run made two,
kept only as hashes in $state/tokens.yaml:
  admin (jobs, metrics, read and write all)  $admin_token
  read-only (read:telegraf)                  $reader_token
  export jobs      $gateway_url/v1/jobs   (POST /v1/jobs/telegraf-cpu/run, .../backfill?from=&to=)
  gateway health   $gateway_url/q/health/ready   (open, as are /q/health/live and /started)
  metrics          $gateway_url/q/metrics   (admin token: metrics scope)
  API description  $gateway_url/q/openapi
  InfluxDB         $influx_url   (database telegraf, measurement cpu)
  lake folder      $state/lake
  policies         $root/policies (see README, "Tiering policies")
  logs             $state/*.log

SQL:  curl -s $gateway_url/v1/sql -H 'Authorization: Token $reader_token' \\
        -H 'Content-Type: application/json' \\
        -d '{"sql": "SELECT host, AVG(usage_user) FROM telegraf.cpu GROUP BY host", "format": "csv"}'
      (format json, ndjson or csv; POST /v1/sql/explain shows the plan; GET /v1/tables lists the tables)
MSG

if [ "$smoke" = 1 ]; then
  curl -sf "$gateway_url/q/health/ready" > /dev/null || { echo "smoke check failed: health"; exit 1; }
  status=$(curl -s -o /dev/null -w '%{http_code}' "$gateway_url/v1/tables")
  [ "$status" = 401 ] || { echo "smoke check failed: a request without a token got $status, not 401"; exit 1; }
  status=$(curl -s -o /dev/null -w '%{http_code}' "${reader[@]}" -XPOST "$gateway_url/v1/jobs/telegraf-cpu/run")
  [ "$status" = 403 ] || { echo "smoke check failed: the read-only token started a run ($status, not 403)"; exit 1; }
  days=$(echo "$answer" | grep -c '^20' || true)
  [ "$days" -ge 3 ] || { echo "smoke check failed: the federated query returned $days days"; exit 1; }
  echo "smoke check passed"
  exit 0
fi
echo "Press Ctrl-C to stop."
wait
