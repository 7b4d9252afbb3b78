"""The read API: a card's activity and the outstanding liability."""
