#!/bin/sh
# flaky.sh CHUNKS ATTEMPTS [COMMAND [ARG...]]: a filter for mr-par that
# fails on purpose. On a chunk listed in CHUNKS (comma-separated numbers,
# matched against $MR_CHUNK) and an attempt ($MR_ATTEMPT) not above
# ATTEMPTS, it runs COMMAND on the first 3 records only, so that part of
# the output is already written, and then kills itself with SIGKILL.
# Otherwise it runs COMMAND on the whole chunk. COMMAND defaults to
# `mr-map words`.
chunks=$1 attempts=$2
shift 2
[ $# -gt 0 ] || set -- mr-map words
case ",$chunks," in
*,"$MR_CHUNK",*)
	if [ "$MR_ATTEMPT" -le "$attempts" ]; then
		head -n 3 | "$@"
		kill -KILL $$
	fi
	;;
esac
exec "$@"
