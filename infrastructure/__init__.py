"""Settings, persistence configuration, read-model stores, key storage and the clock."""
