"""The giftledger domain: money, the GiftCard and Merchant aggregates, the ledger."""
