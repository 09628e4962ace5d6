"""Earnings: the instructors' and the platform's shares of every sale."""
