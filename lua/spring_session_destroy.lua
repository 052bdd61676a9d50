-- Deletes a Spring Session and every trace of it, for standalone and Sentinel (on a cluster the
-- caller sends these one key at a time: Spring's keys carry no hash tags).
-- KEYS[1]: <ns>:sessions:<id> (the HASH)
-- KEYS[2]: <ns>:sessions:expires:<id>
-- KEYS[3]: <ns>:expirations:<minute ms> the session was filed under
-- KEYS[4]: optional, the principal index <ns>:index:…PRINCIPAL_NAME_INDEX_NAME:<user>
-- ARGV[1..3]: the member "expires:<id>" in each serializer's form (text, JSON, JDK)
-- ARGV[4..6]: the session id in each serializer's form
-- Reply: 1 when the hash existed, 0 otherwise.
local n = redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1], ARGV[2], ARGV[3])
if KEYS[4] then redis.call('SREM', KEYS[4], ARGV[4], ARGV[5], ARGV[6]) end
return n
