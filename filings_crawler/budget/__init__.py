"""SEC's request budget: one sliding-window limit for every SEC request, and the backoff guarding it."""
