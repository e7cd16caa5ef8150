"""Evaluation of 施策ナビ: gold-set metrics, baselines, report, benchmarks, calibration."""
