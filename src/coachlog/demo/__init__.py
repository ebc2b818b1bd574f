"""The demo generator (`coachlog demo`): a realistic sample practice, and its text."""
