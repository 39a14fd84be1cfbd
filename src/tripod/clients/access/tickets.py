"""Who may see and change tickets."""
