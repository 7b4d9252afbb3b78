"""giftledger's HTTP service: the Flask app factory and its blueprints."""
