"""Which stored value of a field wins when several providers fill it."""

# Lowest precedence wins (manual < file < online < computed; see schema.PRECEDENCE), then the newest.
# One integer key lets a single GROUP BY pick every winner with arg_min: a window over all values
# followed by a pivot was 3–4x slower at a million values. epoch_us of any date before 2286 is
# below 10**16, so precedence always dominates.
WINNER_KEY_SQL = "(precedence::BIGINT * 10000000000000000 - epoch_us(fetched_at))"
