"""The one place a SparkSession is configured, for the job, the tests and the benchmark."""

from __future__ import annotations

from pyspark.sql import SparkSession

# Settings the engine's semantics depend on: set explicitly, never left to a Spark default.
# ANSI mode off: Excel errors are modelled as values by the engine itself, so Spark must not
# fail the job (ANSI on, Spark 4's default) on e.g. a division by zero that the engine already guards.
SEMANTIC_CONF: dict[str, str] = {
    "spark.sql.ansi.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.caseSensitive": "true",
    "spark.sql.legacy.timeParserPolicy": "CORRECTED",
}

# Settings for speed that do not change results.
PERFORMANCE_CONF: dict[str, str] = {
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.adaptive.coalescePartitions.enabled": "true",
    "spark.sql.autoBroadcastJoinThreshold": str(64 * 1024 * 1024),
    "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
}


def build_session(
    app_name: str = "sheetscale",
    master: str | None = None,
    extra_conf: dict[str, str] | None = None,
) -> SparkSession:
    """Return a SparkSession with the engine's settings (master None: leave it to spark-submit)."""
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    for key, value in {**SEMANTIC_CONF, **PERFORMANCE_CONF, **(extra_conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def local_test_conf() -> dict[str, str]:
    """Small and quiet: for tests and local runs on a 2-core machine."""
    return {
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": "2g",
        "spark.sql.warehouse.dir": "/tmp/sheetscale-spark-warehouse",
    }
