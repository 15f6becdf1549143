"""Alert policy: when to alert, how severe, what to say, and when to stay quiet."""
