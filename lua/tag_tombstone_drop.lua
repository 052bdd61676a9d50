-- Ends the drain of one tombstone: UNLINK frees the (possibly huge) set in a background
-- thread, and the registry forgets it (the registry itself vanishes with its last member).
-- KEYS[1] the drained tombstone, KEYS[2] the tombstone registry; same hash slot.
-- Reply: 1.
redis.call('UNLINK', KEYS[1])
redis.call('SREM', KEYS[2], KEYS[1])
return 1
