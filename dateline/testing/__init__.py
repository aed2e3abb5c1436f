"""What the tests and the benchmarks share: servers started for real, and content to test on."""
