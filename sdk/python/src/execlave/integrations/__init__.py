"""Framework adapters. Each module imports its framework lazily; the core never does."""
