-- Check 8 (counting a call) as one function, so that an add can count its call in the same round trip.
-- SQLite counts a call inside the add's own transaction: nothing to create.
SELECT 1;
