"""Benchmark scripts: figures printed by ``make bench-synth``, not tests."""
