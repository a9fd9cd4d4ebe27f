"""The Spark lowering: the engine core's plan run as native PySpark (EMR steps, EMR Serverless, local)."""
