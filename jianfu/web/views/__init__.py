"""Page views, one small module per area."""
