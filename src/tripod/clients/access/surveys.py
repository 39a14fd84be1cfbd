"""Who may see and change surveys."""
