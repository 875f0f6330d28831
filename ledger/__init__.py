"""Aid Ledger core: records, storage, derived balances. Never imports Qt."""

__version__ = "0.1.0"
APP_NAME = "Aid Ledger"
