"""Rules with no Flask in them. Functions take an explicit actor and session, flush, and never commit."""
