"""The POS API: redemptions, holds, refunds and balance look-ups for paired devices."""
