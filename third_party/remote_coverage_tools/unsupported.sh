#!/bin/sh
echo "coverage is not supported by the offline stand-in for remote_coverage_tools" >&2
exit 1
