"""Local real servers (PostgreSQL, Redis, nginx, a small cluster) for tests, benchmarks and an
operator's trial: each on a free port in its own temporary folder, ready when its constructor
returns, stopped by `stop()` or a `with` block, leaving nothing behind."""
