"""The end-to-end benchmark harness behind scripts/bench and scripts/bench-peers: standard library
only, so it runs wherever python3 does. Method: docs/benchmarks.md."""
