#!/bin/sh
# Stands in for spark/.venv/bin/python in the explain route's tests:
# `fake-python.sh -m sheetscale_engine.spark.explain CONFIG.json` prints a PySpark-like text naming the
# config's main source; any other module fails as a missing one would.
if [ "$1" = "-m" ] && [ "$2" = "sheetscale_engine.spark.explain" ]; then
  main=$(sed -n 's/.*"main": *"\([^"]*\)".*/\1/p' "$3")
  printf 'df = spark.read.csv(...)  # source %s\n' "$main"
  exit 0
fi
echo "/usr/bin/python: No module named $2" >&2
exit 1
