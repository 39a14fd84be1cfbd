"""Who may see and change interactions."""
