"""The domain model of foedus: states, treaties, obligations, places (DESIGN §3)."""
