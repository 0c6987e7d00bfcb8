from api.keyring import api, dispatched, fresh_rate_counters, keys, new_key, report  # noqa: F401
