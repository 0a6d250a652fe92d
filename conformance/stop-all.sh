#!/bin/bash
# Stop what the start scripts started, by the PIDs they recorded (nginx's own pid file included).
for s in suite idp mongo nginx; do f=${OIDF_WORK:-/tmp/oidf}/run/$s.pid; [ -f $f ] && kill "$(cat $f)" 2>/dev/null && echo "stopped $s"; rm -f $f; done
