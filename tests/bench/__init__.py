"""`make bench`: the service against a bare Flask + INSERT floor, under wrk."""
