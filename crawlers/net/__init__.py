"""Network access of the crawler: the address policy, the guarded resolver and fetch client."""
