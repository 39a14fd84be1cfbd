"""Who may see and change pipeline."""
