#!/usr/bin/env bash
# tools/with-audio-worker.sh "WORKER COMMAND" SERVER COMMAND...
# Runs the audio worker (flask audio-worker) in the background beside the server, and stops it
# when the server stops (Ctrl+C, or the server ends or fails). `make run` and `make serve` use it.
set -u
worker_command=$1
shift
bash -c "exec $worker_command" &
worker=$!
stop_worker() {
  kill -TERM "$worker" 2>/dev/null && wait "$worker" 2>/dev/null
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"$@"
